// How many operations the next job takes: all that wait (up to the tenant's limit), or half of
// what the engine keeps in flight, so that the engine has work while the tenant runs a job.
//
// The engine hands at most `--parallel` operations over at a time and gets the next ones only as
// results come back. When one job holds all of them, the engine waits for that job, then spends a
// while checkpointing the results and handing the replacements over, while the tenant waits for
// those: the two never work at the same time. Two alternating halves overlap them: while one half
// is in a job, the engine turns the other half round. That pays a second job's fixed time, so it
// is worth it only when the engine's turnaround of a whole group takes longer than a job (a fast
// tenant), not against a slow one, where one job of everything stays best. Both are measured in
// the run, not configured:
// - the turnaround: from the moment a job's n results are handed back to the arrival of the n-th
//   operation after them (the engine replaces each result with its next operation), first
//   estimated at the n/2-th;
// - the job: from its POST to its result.
// Only engine steps (a User's operations) are paced; a UserSet's operations come all at once from
// one step, and the runner leaves them out (runner.ts). Even so, operations that all arrive at
// once get no turnaround measured, so they never split. Measured: docs/performance.md#two-halves.

/**
 * Split when the engine's turnaround exceeds this share of a job's time: a job's time also holds a
 * part per user, which a second job does not pay again, so the whole time overstates the cost.
 */
const SPLIT_AT = 0.8;

export class JobPacing {
    /** The most operations seen in flight at once (queued or in a job): the engine's --parallel, or fewer. */
    private peak = 0;
    /** The last job's results: when they were handed back and how many. */
    private delivered: { at: number; count: number; arrivals: number } | undefined;
    /** The engine's last measured turnaround, scaled to `peak` operations (ms). */
    private turnaroundMs: number | undefined;
    private lastJobMs: number | undefined;
    private shortestMs: number | undefined;

    /** An operation arrived; `inFlight` counts it with all others queued or in a job. */
    arrived(inFlight: number, now = performance.now()): void {
        this.peak = Math.max(this.peak, inFlight);
        const d = this.delivered;
        if (!d) return;
        d.arrivals++;
        // Halfway, a first estimate, so the next job can go with half: the engine checkpoints every
        // result before it hands the first new operation over, so (time so far) / (share so far)
        // overstates the turnaround; the whole group gives the measure.
        if (d.arrivals === Math.ceil(d.count / 2) || d.arrivals === d.count) this.turnaroundMs = ((now - d.at) * this.peak) / d.arrivals;
        if (d.arrivals === d.count) this.delivered = undefined;
    }

    /** A job ran `jobMs` and its results were just handed back, `steps` of them to the engine. */
    finished(steps: number, jobMs: number, now = performance.now()): void {
        this.lastJobMs = jobMs;
        this.shortestMs = Math.min(this.shortestMs ?? Infinity, jobMs);
        if (steps > 0) this.delivered = { at: now, count: steps, arrivals: 0 };
    }

    /**
     * Every operation the engine keeps in flight waits on us (`inFlight` of the most seen at once,
     * after a first job has measured that): nothing more can arrive before a job hands results back,
     * so gathering longer gains nothing. Before the first job the most is not known yet.
     */
    allWaiting(inFlight: number): boolean {
        // Once a job has run and not all wait, the engine still holds operations it will hand
        // over (results it has not turned round yet): the runner then takes a pause in arrivals
        // for checkpointing, not for the end.
        return this.lastJobMs !== undefined && inFlight >= this.peak;
    }

    /** Half the engine's operations in flight when the engine turns a group round slower than a job runs. */
    split(): boolean {
        return (
            this.turnaroundMs !== undefined &&
            this.lastJobMs !== undefined &&
            this.peak > 1 &&
            this.turnaroundMs > SPLIT_AT * this.lastJobMs
        );
    }

    /** The most operations the next job takes. */
    cap(maxUsersPerJob: number): number {
        return this.split() ? Math.min(maxUsersPerJob, Math.ceil(this.peak / 2)) : maxUsersPerJob;
    }

    /** The shortest job seen (ms, from its POST to its result noticed): the poller looks near it. */
    get shortestJobMs(): number | undefined {
        return this.shortestMs;
    }

    /** How long the last job ran (ms), if one ran. */
    get jobMs(): number | undefined {
        return this.lastJobMs;
    }
}
