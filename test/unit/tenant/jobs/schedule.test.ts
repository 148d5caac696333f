// The runner's schedules decide from the queue and the time alone (no sockets, no timers).
import assert from "node:assert/strict";
import { EnginePacedSchedule } from "pulumi-primavera-admin/provider/tenant/jobs/enginePacing";
import { GATHER_MAX_MS, QUIET_MS, QueueView, QuietSchedule } from "pulumi-primavera-admin/provider/tenant/jobs/schedule";
import { QUIET_END_MS } from "pulumi-primavera-admin/provider/tenant/jobs/engineActivity";

const view = (v: Partial<QueueView>): QueueView => ({ waiting: 1, steps: 0, stepsInFlight: 0, max: 500, lastArrival: 0, since: 0, ...v });

describe("tenant/jobs/schedule: the default", () => {
    it("a job goes when full, after QUIET_MS without an arrival, or at GATHER_MAX_MS; else it waits for the first of them", () => {
        const s = new QuietSchedule();
        assert.deepEqual(s.next(view({ waiting: 500 }), 0), { go: true });
        assert.deepEqual(s.next(view({ lastArrival: 0 }), 10), { waitMs: QUIET_MS - 10 });
        assert.deepEqual(s.next(view({ lastArrival: 0 }), QUIET_MS), { go: true });
        assert.deepEqual(s.next(view({ lastArrival: GATHER_MAX_MS - 5, since: 0 }), GATHER_MAX_MS - 1), { waitMs: 1 });
        assert.deepEqual(s.next(view({ lastArrival: GATHER_MAX_MS, since: 0 }), GATHER_MAX_MS), { go: true });
        assert.equal(s.cap(view({})), 500);
        s.finished(0, 700);
        s.finished(0, 600);
        assert.equal(s.shortestJobMs, 600);
    });
});

describe("tenant/jobs/enginePacing: the schedule for a program's Users", () => {
    /** A schedule that has seen a first job of `n` engine steps (the engine's most in flight) run `jobMs`. */
    function afterFirstJob(n: number, jobMs: number): EnginePacedSchedule {
        const s = new EnginePacedSchedule();
        for (let i = 1; i <= n; i++) s.arrived(true, i, i);
        s.finished(n, jobMs, n, 1_000);
        return s;
    }

    it("before a first job: the quiet rule", () => {
        const s = new EnginePacedSchedule();
        s.arrived(true, 1, 0);
        assert.deepEqual(s.next(view({ steps: 1, lastArrival: 0 }), 10), { waitMs: QUIET_MS - 10 });
        assert.deepEqual(s.next(view({ steps: 1, lastArrival: 0 }), QUIET_MS), { go: true });
    });

    it("after a job, steps go at once when every step the engine keeps in flight waits here", () => {
        const s = afterFirstJob(4, 600);
        assert.deepEqual(s.next(view({ waiting: 4, steps: 4, stepsInFlight: 4 }), 1_001), { go: true });
    });

    it("after a job, a pause in arrivals is not the end while the engine shows it is working; it is after QUIET_END_MS of nothing", () => {
        const s = afterFirstJob(4, 600);
        s.checked(1_010);
        const waiting = view({ waiting: 2, steps: 2, stepsInFlight: 2, lastArrival: 1_000, since: 1_000 });
        const d = s.next(waiting, 1_050);
        assert.ok("waitMs" in d, "the engine checked a resource 40 ms ago: more are coming");
        assert.deepEqual(s.next(waiting, 1_010 + QUIET_END_MS), { go: true });
    });

    it("a gather ends after half the last job while steps keep coming", () => {
        const s = afterFirstJob(4, 600);
        const waiting = view({ waiting: 2, steps: 2, stepsInFlight: 3, since: 1_000, lastArrival: 1_299 });
        s.checked(1_299);
        assert.deepEqual(s.next(waiting, 1_300), { go: true });
    });

    it("a UserSet's operations (not engine steps) get the quiet rule and the tenant's limit, never half", () => {
        const s = afterFirstJob(4, 600);
        assert.equal(s.cap(view({ waiting: 10, steps: 0, max: 500 })), 500);
        assert.deepEqual(s.next(view({ waiting: 2, steps: 0, lastArrival: 1_000, since: 1_000 }), 1_000 + QUIET_MS), { go: true });
    });

    it("half of what the engine keeps in flight when it turns a group round slower than a job runs", () => {
        const s = new EnginePacedSchedule();
        for (let i = 1; i <= 64; i++) s.arrived(true, i, i);
        s.finished(64, 500, 64, 1_000);
        for (let i = 1; i <= 64; i++) s.arrived(true, i, 1_000 + i * 15); // 960 ms to turn 64 results round
        assert.equal(s.cap(view({ waiting: 64, steps: 64, max: 500 })), 32);
    });
});
