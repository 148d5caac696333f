// The wait loop (short real delays, no network) and how the process stops on a signal.
import assert from "node:assert/strict";
import { CancelledError, waitFor } from "pulumi-primavera-admin/provider/api/wait";
import { spawn } from "node:child_process";
import path from "node:path";

const FAST = { initialMs: 1, maxMs: 4, factor: 2 };

describe("the wait loop", () => {
    it("returns the first answer judged done", async () => {
        let n = 0;
        const got = await waitFor({
            deadline: Date.now() + 5_000,
            backoff: FAST,
            maxAttempts: 10,
            attempt: async () => ++n,
            judge: (a) => (a < 3 ? { retry: `got ${a}` } : { done: a * 10 }),
            ended: () => new Error("ended"),
        });
        assert.equal(got, 30);
    });

    it("stops after maxFailures failures, with the last answer; non-failures do not count", async () => {
        let n = 0;
        await assert.rejects(
            waitFor({
                deadline: Date.now() + 5_000,
                backoff: FAST,
                maxAttempts: 100,
                maxFailures: 3,
                attempt: async () => ++n,
                judge: (a) => ({ retry: `answer ${a}`, failure: a % 2 === 0 }),
                ended: (e) => new Error(`${e.reason} after ${e.attempts}: ${e.last}; saw ${e.observed.join(",")}`),
            }),
            /failures after 6: answer 6; saw answer 2,answer 3,answer 4,answer 5,answer 6/,
        );
    });

    it("ends at the deadline without starting an attempt past it, and reports what it observed", async () => {
        let attempts = 0;
        const t0 = Date.now();
        await assert.rejects(
            waitFor({
                deadline: Date.now() + 120,
                backoff: { initialMs: 50, maxMs: 50, factor: 1 },
                maxAttempts: 1000,
                attempt: async () => ++attempts,
                judge: () => ({ retry: "HTTP 202 (still running)", afterMs: 50 }),
                ended: (e) => new Error(`${e.reason}: ${e.last} after ${e.attempts}`),
            }),
            /deadline: HTTP 202 \(still running\) after \d/,
        );
        assert.ok(Date.now() - t0 < 400);
        assert.ok(attempts >= 2 && attempts <= 4, `${attempts} attempts`);
    });

    it("is cancelled at once by its signal, also in the middle of a delay", async () => {
        const controller = new AbortController();
        const t0 = Date.now();
        setTimeout(() => controller.abort(new Error("SIGTERM received")), 50);
        await assert.rejects(
            waitFor({
                deadline: Date.now() + 60_000,
                backoff: FAST,
                maxAttempts: 10,
                signal: controller.signal,
                attempt: async () => 1,
                judge: () => ({ retry: "busy", afterMs: 30_000 }),
                ended: () => new Error("ended"),
            }),
            (e: Error) => e instanceof CancelledError && /SIGTERM received/.test(e.message),
        );
        assert.ok(Date.now() - t0 < 1_000, "did not wait out the delay");
    });

    it("writes a progress line when one is due", async () => {
        const lines: string[] = [];
        const orig = process.stderr.write.bind(process.stderr);
        const quiet = process.env.PRIMAVERA_QUIET;
        delete process.env.PRIMAVERA_QUIET;
        (process.stderr as unknown as { write: (c: string) => boolean }).write = (c: string) => (lines.push(String(c)), true);
        try {
            let n = 0;
            await waitFor({
                deadline: Date.now() + 5_000,
                backoff: FAST,
                maxAttempts: 10,
                attempt: async () => ++n,
                judge: (a) => (a < 3 ? { retry: "busy" } : { done: a }),
                progress: { firstAfterMs: 0, everyMs: 60_000, line: (_ms, last) => `still ${last}` },
                ended: () => new Error("ended"),
            });
        } finally {
            (process.stderr as unknown as { write: typeof orig }).write = orig;
            if (quiet !== undefined) process.env.PRIMAVERA_QUIET = quiet;
        }
        assert.deepEqual(
            lines.filter((l) => l.includes("still")),
            ["primavera: still busy\n"],
        );
    });
});
describe("stopping the provider's process", () => {
    it("SIGINT with nothing in flight exits at once (the engine stops its plugins so after every command)", async function () {
        this.timeout(30_000);
        const root = path.resolve(__dirname, "..", "..", "..");
        const child = spawn(
            process.execPath,
            [
                "-r",
                "ts-node/register/transpile-only",
                "-e",
                'require("./provider/api/wait").shutdownSignal(); setInterval(() => {}, 1000); console.log("ready")',
            ],
            { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
        );
        try {
            await new Promise<void>((resolve, reject) => {
                child.stdout!.on("data", (d) => String(d).includes("ready") && resolve());
                child.once("exit", () => reject(new Error("exited before it was ready")));
            });
            const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
            const t0 = Date.now();
            child.kill("SIGINT");
            assert.equal(await exited, 130);
            assert.ok(Date.now() - t0 < 1_000, `exited after ${Date.now() - t0} ms`);
        } finally {
            child.kill("SIGKILL");
        }
    });
});
