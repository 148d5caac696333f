import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import axios from "axios";
import { ADMIN } from "../support/sim";

const ROOT = path.resolve(__dirname, "../..");

describe("simulator: command line", () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
        if (child && child.exitCode === null) child.kill("SIGKILL");
    });

    it("prints 'listening on http://127.0.0.1:<port>' with --port 0 and stops cleanly on SIGTERM", async () => {
        child = spawn(
            process.execPath,
            [
                "-r",
                "ts-node/register/transpile-only",
                "simulator/cli.ts",
                "--port",
                "0",
                "--job-ms",
                "10",
                "--busy-status",
                "429",
                "--admin",
                "ops2:SIM_OPS2_PW",
                "--admin",
                "ops3:SIM_OPS3_PW",
                "--max-body-bytes",
                "4096",
            ],
            {
                cwd: ROOT,
                stdio: ["ignore", "pipe", "pipe"],
                env: { ...process.env, SIM_OPS2_PW: "ops2-Pw-8812", SIM_OPS3_PW: "ops3-Pw-2290" },
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
        const r = await axios.get(`${url}/cloudapi/restapi/roles`, { auth: ADMIN });
        assert.equal(r.status, 200);
        const opts = { validateStatus: () => true };
        for (const auth of [
            { username: "ops2", password: "ops2-Pw-8812" },
            { username: "ops3", password: "ops3-Pw-2290" },
        ]) {
            assert.equal((await axios.get(`${url}/cloudapi/restapi/user`, { ...opts, auth })).status, 200, auth.username);
        }
        const big = await axios.post(`${url}/cloudapi/restapi/user`, { deleted: ["x".repeat(5000)] }, { ...opts, auth: ADMIN });
        assert.equal(big.status, 413);
        const code = await new Promise<number | null>((resolve) => {
            child!.on("exit", (c) => resolve(c));
            child!.kill("SIGTERM");
        });
        assert.equal(code, 0);
    });

    it("--base-path, --location-style and --case-insensitive-logins", async () => {
        child = spawn(
            process.execPath,
            [
                "-r",
                "ts-node/register/transpile-only",
                "simulator/cli.ts",
                "--port",
                "0",
                "--job-ms",
                "10",
                "--base-path",
                "/tenant1/",
                "--location-style",
                "relative",
                "--case-insensitive-logins",
            ],
            { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
        );
        const [url, baseUrl] = await new Promise<[string, string]>((resolve, reject) => {
            let out = "";
            const timer = setTimeout(() => reject(new Error(`no listening lines in 20 s: ${out}`)), 20_000);
            child!.stdout!.on("data", (d) => {
                out += d;
                const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\ntenant base URL (\S+) /.exec(out);
                if (m) {
                    clearTimeout(timer);
                    resolve([m[1], m[2]]);
                }
            });
            child!.on("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
        });
        assert.equal(baseUrl, `${url}/tenant1`);
        const opts = { auth: ADMIN, validateStatus: () => true };
        assert.equal((await axios.get(`${url}/cloudapi/restapi/roles`, opts)).status, 404);
        const post = await axios.post(`${baseUrl}/cloudapi/restapi/user`, { deleted: ["nobody"] }, opts);
        assert.equal(post.status, 202);
        assert.equal(post.headers.location, `/tenant1/cloudapi/restapi/user/status/${post.data}`);
        const coadmin = await axios.get(`${baseUrl}/cloudapi/restapi/user/coadmin`, opts);
        assert.equal(coadmin.status, 200);
        assert.equal(coadmin.data.loginId, "COADMIN");
        assert.equal((await axios.get(`${url}/__sim/stats`)).status, 200);
    });

    for (const [args, re] of [
        [["--busy-status", "418"], /--busy-status/],
        [["--base-path", "tenant1"], /basePath/],
        [["--location-style", "sideways"], /--location-style/],
        [["--max-body-bytes", "0"], /--max-body-bytes/],
        [["--admin", "ops2"], /--admin: expected NAME:ENVVAR/],
        [["--admin", "ops2:SIM_UNSET_PW_VAR"], /SIM_UNSET_PW_VAR is empty or not set/],
    ] as const) {
        it(`refuses a bad flag with exit code 2: ${args.join(" ")}`, async () => {
            child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "simulator/cli.ts", ...args], {
                cwd: ROOT,
                stdio: ["ignore", "pipe", "pipe"],
                env: { ...process.env, SIM_UNSET_PW_VAR: "" },
            });
            let err = "";
            child.stderr!.on("data", (d) => (err += d));
            const code = await new Promise<number | null>((resolve) => child!.on("exit", (c) => resolve(c)));
            assert.equal(code, 2);
            assert.match(err, re);
        });
    }
});
