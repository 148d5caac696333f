// The wait loop and backoff as pure functions: no network, short real delays.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { backoffDelay, parseRetryAfterMs } from "pulumi-primavera-admin/provider/api/backoff";
import { CancelledError, waitFor } from "pulumi-primavera-admin/provider/api/wait";
import { diffUser } from "pulumi-primavera-admin/provider/resource/diff";
import { expectedPollDelay, pollDelay } from "pulumi-primavera-admin/provider/tenant/jobs/poller";
import { JobPacing } from "pulumi-primavera-admin/provider/tenant/jobs/pacing";
import { EngineActivity, QUIET_END_MS } from "pulumi-primavera-admin/provider/tenant/jobs/engineActivity";

const FAST = { initialMs: 1, maxMs: 4, factor: 2 };

describe("backoff", () => {
    it("grows by the factor up to the cap, with equal jitter (never below half)", () => {
        const policy = { initialMs: 100, maxMs: 1000, factor: 2 };
        assert.equal(
            backoffDelay(0, policy, () => 0),
            50,
        );
        assert.equal(
            backoffDelay(0, policy, () => 1),
            100,
        );
        assert.equal(
            backoffDelay(3, policy, () => 1),
            800,
        );
        assert.equal(
            backoffDelay(10, policy, () => 1),
            1000,
            "capped",
        );
        assert.equal(
            backoffDelay(10, policy, () => 0),
            500,
        );
    });

    it("reads Retry-After as seconds or as an HTTP date", () => {
        assert.equal(parseRetryAfterMs("2"), 2000);
        assert.equal(parseRetryAfterMs(new Date(61_000).toUTCString(), 1_000), 60_000);
        assert.equal(parseRetryAfterMs("soon"), undefined);
        assert.equal(parseRetryAfterMs(undefined), undefined);
    });
});

describe("job polling", () => {
    it("waits an eighth of the time the job has run (25 ms to 2 s, +-10%): a job is noticed done ~6% of its run time late", () => {
        assert.equal(
            pollDelay(0, () => 0.5),
            25,
            "the floor",
        );
        assert.equal(
            pollDelay(600, () => 0.5),
            75,
        );
        assert.equal(
            pollDelay(600, () => 0),
            68,
        );
        assert.equal(
            pollDelay(600, () => 1),
            83,
        );
        assert.equal(
            pollDelay(60_000, () => 1),
            2_200,
            "the ceiling, with its jitter",
        );
        // Polls of a 0.6 s job, and how late its end is seen (before: 1.2x backoff from 50 ms, ~160 ms late).
        let t = 0;
        let polls = 0;
        while (t < 600) {
            t += pollDelay(t, () => 1);
            polls++;
        }
        assert.ok(t - 600 <= 83, `seen ${t - 600} ms late`);
        assert.ok(polls <= 20, `${polls} polls`);
    });

    /** When a job of `runMs` is seen done, and after how many polls (the first one at once, as waitForJob does). */
    function notice(runMs: number, shortestMs: number | undefined): { lateMs: number; polls: number } {
        let t = 0;
        let polls = 1;
        while (t < runMs) {
            t += expectedPollDelay(t, shortestMs, () => 1);
            polls++;
        }
        return { lateMs: t - runMs, polls };
    }

    it("with the tenant's shortest job known, looks from 85% of it every 25 ms: a job of that length is seen within 25 ms, with fewer polls", () => {
        const alone = notice(564, undefined);
        const known = notice(564, 590); // a 32-user job, the shortest seen so far noticed at 590 ms
        assert.ok(known.lateMs <= 25, `seen ${known.lateMs} ms late (${alone.lateMs} ms without)`);
        assert.ok(known.polls < alone.polls, `${known.polls} polls against ${alone.polls}`);
        assert.equal(expectedPollDelay(0, 590), 502, "no poll before 85% of the shortest");
        // The estimate tightens: a job first seen late makes the next one be looked at sooner.
        const next = notice(564, 564 + known.lateMs);
        assert.ok(next.lateMs <= 25);
        // A longer job (64 users, 628 ms) is still seen soon, and a stuck one is polled in proportion.
        assert.ok(notice(628, 590).lateMs <= 25);
        assert.equal(
            expectedPollDelay(10_000, 590, () => 0.5),
            pollDelay(10_000, () => 0.5),
        );
    });
});

describe("job pacing (how many operations a job takes)", () => {
    /** The engine with `parallel` operations in flight hands `parallel` over, one every `gapMs`, from `at`. */
    function fill(p: JobPacing, parallel: number, at: number, gapMs: number, count = parallel): void {
        for (let i = 1; i <= count; i++) p.arrived(i, at + i * gapMs);
    }

    /**
     * A first wave of 64, one job of `jobMs`, then the engine handing `arrivals` of 64 new ones over
     * at the pace of a whole turnaround of `turnaroundMs`.
     */
    function afterFirstJob(jobMs: number, turnaroundMs: number, arrivals = 64): JobPacing {
        const p = new JobPacing();
        fill(p, 64, 0, 5);
        p.finished(64, jobMs, 1_000);
        fill(p, 64, 1_000, turnaroundMs / 64, arrivals);
        return p;
    }

    it("takes all that wait until the engine turns a group round slower than a job runs, then half of what it keeps in flight", () => {
        const p = new JobPacing();
        fill(p, 64, 0, 5);
        assert.equal(p.cap(500), 500, "no measurement yet: one job of all");
        assert.equal(p.allWaiting(64), false, "before a first job the engine's parallelism is not known");
        // A 0.7 s job of 64; the engine hands 64 new ones over within 0.5 s of the results: faster than a job.
        p.finished(64, 700, 1_000);
        assert.equal(p.allWaiting(0), false, "the engine holds the results it has not turned round");
        fill(p, 64, 1_000, 500 / 64);
        assert.equal(p.split(), false);
        assert.equal(p.cap(500), 500);
        assert.equal(p.allWaiting(64), true, "all 64 of the engine's operations wait: nothing more can come");
        // As its state grows the engine takes 1 s to turn 64 round: longer than the job.
        p.finished(64, 700, 3_000);
        fill(p, 64, 3_000, 1_000 / 64);
        assert.equal(p.split(), true);
        assert.equal(p.cap(500), 32, "half of the 64 the engine keeps in flight");
        assert.equal(p.cap(20), 20, "never above the tenant's limit");
        assert.equal(p.shortestJobMs, 700);
        // The threshold is 80% of a job: a job's time also holds its per-user part, which one more
        // job does not cost again.
        assert.equal(afterFirstJob(700, 600).split(), true, "0.6 s of turnaround against a 0.7 s job");
        // Halfway through the engine's turnaround there is a first estimate, so the next job can
        // already go with half: here 32 of 64 arrive 0.5 s after the results (1 s for all, estimated).
        const half = afterFirstJob(700, 1_000, 32);
        assert.equal(half.split(), true);
        assert.equal(half.cap(500), 32);
    });

    it("never splits against a slow tenant (5 s jobs), nor operations queued all at once (a UserSet)", () => {
        assert.equal(afterFirstJob(5_000, 1_000).split(), false, "1 s of engine turnaround is short next to a 5 s job");
        const set = new JobPacing();
        for (let i = 1; i <= 1_000; i++) set.arrived(i, 0);
        set.finished(500, 600, 600);
        assert.equal(set.split(), false, "no operation arrives after the results: no turnaround measured");
        assert.equal(set.cap(500), 500);
    });
});

describe("engine activity (when a pause in the engine's signals is the end of its operations)", () => {
    it(`takes a pause of six typical gaps between signals for the end, never under ${QUIET_END_MS} ms; waiting for us is not a gap`, () => {
        const a = new EngineActivity();
        assert.equal(a.endAfterMs, QUIET_END_MS, "nothing seen yet");
        // Checkpoints 5 ms apart (300 resources in state): the floor holds.
        for (let t = 0; t <= 500; t += 5) a.note(t);
        assert.equal(a.endAfterMs, QUIET_END_MS);
        assert.equal(a.quietFor(560), 60);
        // The state grows: checkpoints 40 ms apart (thousands of resources); the pause grows with them.
        for (let t = 600; t <= 3_000; t += 40) a.note(t);
        assert.ok(a.endAfterMs > 200 && a.endAfterMs <= 240, `${a.endAfterMs} ms`);
        // A second of waiting for a job (all operations with us) is not a checkpoint: left out.
        const before = a.endAfterMs;
        a.note(4_000);
        assert.equal(a.endAfterMs, before);
        // A signal stamped before the last one (a timer's clock) never moves the last one back.
        a.note(3_500);
        assert.equal(a.quietFor(4_010), 10);
    });

    it("results handed back are a signal, unless the engine was idle before them: workers free, and nothing since it turned the last results round", () => {
        const working = () => {
            const a = new EngineActivity();
            for (let t = 0; t <= 300; t += 5) a.note(t); // the first operations arrive
            return a;
        };
        // Every operation it had was waiting on us: it could only wait. It checkpoints now.
        const blocked = working();
        blocked.delivered(true, 900);
        assert.equal(blocked.quietFor(900), 0);

        // Workers free, and quiet for 600 ms since its last operation: its program had no more.
        const idle = working();
        idle.delivered(false, 900);
        assert.ok(idle.quietFor(900) >= idle.endAfterMs, "the operations that wait go at once");

        // Workers free, but an operation came 20 ms before the results: still working.
        const busy = working();
        busy.note(880);
        busy.delivered(false, 900);
        assert.equal(busy.quietFor(900), 0);

        // Results handed back, then nothing at all until the next results: the engine is still
        // checkpointing the first ones (a huge state), not idle.
        const slow = working();
        slow.delivered(true, 900);
        slow.delivered(false, 1_500);
        assert.equal(slow.quietFor(1_500), 0);
        // Once it has turned them round (an arrival) and gone quiet again, it is idle.
        slow.note(1_600);
        slow.delivered(false, 2_200);
        assert.ok(slow.quietFor(2_200) >= slow.endAfterMs);
    });
});

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
        const root = path.resolve(__dirname, "..", "..");
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

describe("diff", () => {
    const olds = { loginId: "A", firstName: "F", lastName: "L", roles: ["R"], disabled: false };
    it("replaces on a loginId change (the new login created first, always), updates on a managed field, ignores undeclared ones", () => {
        assert.deepEqual(diffUser(olds, { loginId: "B", firstName: "F" }), {
            changes: true,
            replaces: ["loginId"],
            deleteBeforeReplace: false,
        });
        assert.equal(diffUser(olds, { loginId: "a", firstName: "F" }).deleteBeforeReplace, false, "a change of case too");
        assert.equal(diffUser(olds, { loginId: "A", firstName: "G" }).changes, true);
        assert.equal(diffUser(olds, { loginId: "A", firstName: "F" }).changes, false, "roles and disabled undeclared: not managed");
        assert.equal(
            diffUser(olds, { loginId: "A", roles: ["R"] }, { providerTexts: { old: "v1", new: "v2" } }).changes,
            true,
            "new provider text reaches the state",
        );
        assert.equal(diffUser(olds, { loginId: "A", roles: ["R"] }, { providerTexts: { old: "v1", new: "v1" } }).changes, false);
        assert.equal(diffUser(olds, { loginId: "A", roles: ["R"] }, { unknown: ["firstName"] }).changes, true, "unknown at preview");
    });
});
