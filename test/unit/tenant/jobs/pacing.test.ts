// How many operations a job takes: the pacing policy alone.
import assert from "node:assert/strict";
import { JobPacing } from "pulumi-primavera-admin/provider/tenant/jobs/pacing";

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
