// When the operations waiting for the tenant's one job slot are submitted, and how many go in one
// job: a policy the runner asks, as dataloader's batchScheduleFn and p-queue's queueClass are.
// Before each job the runner asks `next()`, again at every arrival, until it answers `go`.
// The default (QuietSchedule) is simple: a job goes when it is full or arrivals pause. The
// engine-aware one (enginePacing.ts) is what a Pulumi program's Users need.

/** The queue as a schedule sees it. */
export interface QueueView {
    /** Operations waiting. */
    waiting: number;
    /** Of those, engine steps (one User's operation each: the engine hands the next over when its result comes back). */
    steps: number;
    /** Engine steps waiting or in the job being run. */
    stepsInFlight: number;
    /** The tenant's limit of users per job. */
    max: number;
    /** performance.now() of the last arrival, and of the start of this gather. */
    lastArrival: number;
    since: number;
}

export type Decision = { go: true } | { waitMs: number };

export interface BatchSchedule {
    /** How many operations the next job takes (at most `view.max`). */
    cap(view: QueueView): number;
    /** Submit now, or wait up to `waitMs` (an arrival asks again sooner). */
    next(view: QueueView, now: number): Decision;
    /** An operation joined the queue. */
    arrived(engineStep: boolean, stepsInFlight: number, now: number): void;
    /** The engine checked one of its steps' resources: it has more to hand over. */
    checked(now: number): void;
    /** A job ran `jobMs` carrying `steps` engine steps, whose results are now handed back. */
    finished(steps: number, jobMs: number, stepsInFlight: number, now: number): void;
    /** The shortest job so far (ms), where the poller looks first. */
    readonly shortestJobMs: number | undefined;
}

/** Longer than the gaps between operations handed over together, short next to a job (docs/performance.md#gathering). */
export const QUIET_MS = 40;
/** The longest a gather waits while operations keep arriving. */
export const GATHER_MAX_MS = 1_000;

/** The simple default: a job goes once it is full, once nothing arrived for QUIET_MS, or after GATHER_MAX_MS. */
export class QuietSchedule implements BatchSchedule {
    private shortest: number | undefined;

    cap(view: QueueView): number {
        return view.max;
    }

    next(view: QueueView, now: number): Decision {
        if (view.waiting >= view.max) return { go: true };
        return waitOrGo(now, view.lastArrival, QUIET_MS, view.since + GATHER_MAX_MS);
    }

    arrived(): void {}

    checked(): void {}

    finished(_steps: number, jobMs: number): void {
        this.shortest = Math.min(this.shortest ?? Infinity, jobMs);
    }

    get shortestJobMs(): number | undefined {
        return this.shortest;
    }
}

/** Go once `quietMs` passed since `lastSign` or `end` is reached; else wait for the first of them. */
export function waitOrGo(now: number, lastSign: number, quietMs: number, end: number): Decision {
    const quietFor = now - lastSign;
    if (quietFor >= quietMs || now >= end) return { go: true };
    return { waitMs: Math.max(1, Math.min(quietMs - quietFor, end - now)) };
}
