// How long the poller waits between status requests: pure functions.
import assert from "node:assert/strict";
import { expectedPollDelay, pollDelay } from "pulumi-primavera-admin/provider/tenant/jobs/poller";

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
