import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import axios from "axios";

const ROOT = path.resolve(__dirname, "../..");

describe("simulator: command line", () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
        if (child && child.exitCode === null) child.kill("SIGKILL");
    });

    it("prints 'listening on http://127.0.0.1:<port>' with --port 0 and stops cleanly on SIGTERM", async () => {
        child = spawn(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "simulator/cli.ts", "--port", "0", "--job-ms", "10", "--busy-status", "429"],
            {
                cwd: ROOT,
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        const url = await new Promise<string>((resolve, reject) => {
            let out = "";
            const timer = setTimeout(() => reject(new Error(`no listening line in 20 s: ${out}`)), 20_000);
            child!.stdout!.on("data", (d) => {
                out += d;
                const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))\n/.exec(out);
                if (m) {
                    clearTimeout(timer);
                    resolve(m[1]);
                }
            });
            child!.on("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
        });
        const r = await axios.get(`${url}/cloudapi/restapi/roles`, { auth: { username: "admin", password: "admin" } });
        assert.equal(r.status, 200);
        const code = await new Promise<number | null>((resolve) => {
            child!.on("exit", (c) => resolve(c));
            child!.kill("SIGTERM");
        });
        assert.equal(code, 0);
    });

    it("refuses a bad flag with exit code 2", async () => {
        child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "simulator/cli.ts", "--busy-status", "418"], {
            cwd: ROOT,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let err = "";
        child.stderr!.on("data", (d) => (err += d));
        const code = await new Promise<number | null>((resolve) => child!.on("exit", (c) => resolve(c)));
        assert.equal(code, 2);
        assert.match(err, /--busy-status/);
    });
});
