// The job runner of one tenant: one job at a time (the vendor's rule), and group commit.
//
// Operations that arrive while a job runs wait in the queue and go together as the next job:
// `added`, `modified` and `deleted` in one job, one user at most once per job, at most
// maxUsersPerJob users (fewer when pacing.ts halves the engine's steps). Before each job the
// runner gathers: it submits once the job is full, every operation the engine keeps in flight
// waits here, the engine has shown nothing for a while (before a first job: no operation for
// QUIET_MS; after it, engineActivity.ts), or the gather's time is up. The engine does not send its
// creates in one burst: it hands them over one by one as its workers free up, at the pace of its
// state checkpoints (a few ms each), so a runner that submitted at the first arrival sent a job of
// 1 and made the rest wait a whole job for the next one. Each operation then gets its own outcome
// from the shared result.
//
// What each operation sends is decided at submission, not when it was queued: right before every
// POST (so after any wait for a busy tenant, and again after each refusal) the runner reads the
// batch's users fresh and asks each operation to `prepare` its record from that read. So a login
// someone else created meanwhile is seen (one owner per login), a modify record carries what
// others changed meanwhile (nothing unmanaged is lost), and an operation with nothing left to do
// sends nothing. A batch the server refuses as a whole (400, 413) is split in halves and each half
// retried, so every valid user lands and each invalid one fails with its own message.
import { PrimaveraClient } from "../../api/client";
import { ApiError } from "../../api/errors";
import { JobRequest, ServerUser, UserRecord } from "../../api/schemas";
import { UserReader } from "../reads";
import { Outcome, outcomeFor, SentKind } from "./outcome";
import { EngineActivity } from "./engineActivity";
import { JobPacing } from "./pacing";
import { waitForJob } from "./poller";
import { submitJob } from "./submit";

/** What an operation sends, decided from the user as the tenant holds it at submission. */
export type Prepared = { send: "add" | "modify"; record: UserRecord } | { send: "delete" } | { done: true };

export interface PrepareContext {
    /**
     * Epoch ms of the first job of this process whose answer was lost (a network error, a 5xx, or
     * no result before the deadline) while it carried this login's add: that job may have created
     * the user. Undefined when no such job is known.
     */
    lostAddAt?: number;
}

export interface Operation {
    loginId: string;
    /** Epoch ms: the operation's own deadline (its batch runs under the latest one of the batch). */
    deadline: number;
    /**
     * Decides what to send from `live` (read right before the job is submitted). Throws to fail
     * this operation alone (for example: the login exists and is someone else's).
     */
    prepare(live: ServerUser | undefined, ctx: PrepareContext): Prepared;
    /**
     * The operation is one step of the engine (a User's): the engine hands its next operation over
     * when this one's result comes back, and the runner paces those (pacing.ts). A UserSet's
     * operations come all at once from one step and are not paced.
     */
    engineStep?: boolean;
}

/** What became of an operation. */
export interface Settled {
    /** The user as read right before the (last) submission. */
    live: ServerUser | undefined;
    /** Epoch ms when that read was answered: changes after it are not in `live`. */
    readAt: number;
    /** Epoch ms when the job's result was seen (equal to readAt when nothing was sent). */
    doneAt: number;
    /** What was sent; undefined when nothing had to be. */
    sent?: SentKind;
    record?: UserRecord;
    outcome?: Outcome;
    /** See PrepareContext.lostAddAt. */
    lostAddAt?: number;
}

interface Pending extends Operation {
    resolve(s: Settled): void;
    reject(error: Error): void;
}

export interface RunnerSettings {
    maxUsersPerJob: number;
    lingerMs: number;
}

/** What the runner did (tests and the benchmark read it). */
export interface RunnerStats {
    largestJob: number;
    /** Operations sent in jobs. */
    users: number;
    /** Batches split after the tenant refused them whole. */
    splits: number;
}

/**
 * A job is submitted once no operation has arrived for this long. Longer than the gaps between the
 * creates the engine hands over (4-6 ms each, up to ~20 ms in a pause; measured at 300 resources),
 * short next to a job (500 ms and more).
 */
export const QUIET_MS = 40;
/**
 * While operations keep arriving, gathering stops after half the last job's run time (at most
 * GATHER_MAX_MS; the first job, with none measured yet, waits at most that). When the engine hands
 * operations back slowly (its checkpoints grow with the state), waiting for all of them would
 * leave the job slot idle: a job starts with what is there, and the rest go in the next one while
 * the engine checkpoints the first ones. Measured through the engine (300 Users, --parallel 64):
 * waiting up to half a job beat waiting a whole job or two (10.4-10.9 s against 12.0-12.5 s).
 */
export const GATHER_MAX_MS = 1_000;

export class JobRunner {
    readonly stats: RunnerStats = { largestJob: 0, users: 0, splits: 0 };
    private queue: Pending[] = [];
    private pumping = false;
    /** performance.now() of the last operation queued. */
    private lastArrival = 0;
    /** Job sizes and their measurements (pacing.ts). */
    private readonly pacing = new JobPacing();
    /** Whether the engine is still working towards more operations (engineActivity.ts). */
    private readonly activity = new EngineActivity();
    /** Wakes a gather waiting for the next arrival. */
    private onArrival: (() => void) | undefined;
    /** Engine steps waiting in the queue, and in the batch being run (prepared, submitted or waited for). */
    private stepsQueued = 0;
    private stepsInJob = 0;
    /** Logins whose add was in a job whose answer never came (lost, or past the deadline), and when that job was first sent. */
    private readonly lostAdds = new Map<string, number>();

    constructor(
        private readonly client: PrimaveraClient,
        private readonly reader: UserReader,
        public settings: RunnerSettings,
    ) {}

    run(op: Operation): Promise<Settled> {
        return new Promise<Settled>((resolve, reject) => {
            this.queue.push({ ...op, resolve, reject });
            this.lastArrival = performance.now();
            if (op.engineStep) {
                this.pacing.arrived(++this.stepsQueued + this.stepsInJob, this.lastArrival);
                this.activity.note(this.lastArrival);
            }
            this.onArrival?.();
            if (!this.pumping) {
                this.pumping = true;
                void this.pump();
            }
        });
    }

    /**
     * The engine checked one of its steps' resources (UserProvider.check): it is turning results
     * round and has more to hand over, so a gather waits for it rather than taking the pause for the end.
     */
    engineChecked(): void {
        this.activity.note();
    }

    private async pump(): Promise<void> {
        try {
            while (this.queue.length > 0) {
                await this.gather();
                await this.runBatch(this.takeBatch());
                if (this.settings.lingerMs > 0 && this.queue.length < this.settings.maxUsersPerJob) {
                    await new Promise((r) => setTimeout(r, this.settings.lingerMs));
                }
            }
        } finally {
            this.pumping = false;
        }
    }

    /**
     * Waits until the job is full (the pacing's cap), every operation the engine has in flight waits
     * here, the engine has shown nothing for a while, or the gather's time is up.
     */
    private async gather(): Promise<void> {
        const jobMs = this.pacing.jobMs;
        const limit = jobMs === undefined ? GATHER_MAX_MS : Math.min(GATHER_MAX_MS, jobMs / 2);
        const end = performance.now() + limit;
        for (;;) {
            const now = performance.now();
            const cap = this.cap();
            const waiting = this.queue.length;
            // Only engine steps are paced: with a UserSet's operations waiting, the quiet rule alone.
            const steps = waiting === this.stepsQueued;
            if (waiting >= cap || (steps && this.pacing.allWaiting(waiting)) || now >= end) return;
            // Not all wait (above), and a job has run: the engine still holds some of its steps. It
            // hands them over once it has checkpointed the results, unless the program has no
            // resources left: wait while it shows it is working, not for a pause of QUIET_MS.
            const paced = steps && this.pacing.jobMs !== undefined;
            const quietFor = paced ? this.activity.quietFor(now) : now - this.lastArrival;
            const quietEnough = paced ? this.activity.endAfterMs : QUIET_MS;
            if (quietFor >= quietEnough) return;
            // Wake at the next arrival, the end of the quiet period or the end of the gather.
            const sleep = Math.max(1, Math.min(quietEnough - quietFor, end - now));
            await new Promise<void>((resolve) => {
                const timer = setTimeout(done, sleep);
                function done() {
                    clearTimeout(timer);
                    resolve();
                }
                this.onArrival = done;
            });
            this.onArrival = undefined;
        }
    }

    /** FIFO, at most the pacing's cap, each login once (ignoring case): a second operation on a login waits a job. */
    private takeBatch(): Pending[] {
        const batch: Pending[] = [];
        const rest: Pending[] = [];
        const logins = new Set<string>();
        const cap = this.cap();
        for (const p of this.queue) {
            const key = p.loginId.toLowerCase();
            if (batch.length < cap && !logins.has(key)) {
                batch.push(p);
                logins.add(key);
            } else {
                rest.push(p);
            }
        }
        this.queue = rest;
        this.stepsQueued = rest.filter((p) => p.engineStep).length;
        return batch;
    }

    /** The most operations the next job takes: the pacing's, unless a UserSet's operations wait. */
    private cap(): number {
        const max = this.settings.maxUsersPerJob;
        return this.queue.length === this.stepsQueued ? this.pacing.cap(max) : max;
    }

    private async runBatch(batch: Pending[]): Promise<void> {
        this.stepsInJob = batch.filter((p) => p.engineStep).length;
        try {
            await this.runJob(batch);
        } finally {
            this.stepsInJob = 0;
        }
    }

    private async runJob(batch: Pending[]): Promise<void> {
        // A batch shares one job, so it runs under the latest of its operations' deadlines: an
        // operation with an earlier one may wait past it for the job it is part of.
        const deadline = Math.max(...batch.map((p) => p.deadline));
        let open = batch;
        // The operations of the body sent last, with what each sent.
        let sending: { p: Pending; live: ServerUser | undefined; prepared: Exclude<Prepared, { done: true }> }[] = [];
        let readAt = 0;
        const build = async (): Promise<JobRequest | undefined> => {
            const reads = await this.reader.readFresh(
                open.map((p) => p.loginId),
                deadline,
            );
            readAt = Date.now();
            sending = [];
            const still: Pending[] = [];
            for (const p of open) {
                const live = reads.get(p.loginId);
                if (live instanceof Error) {
                    p.reject(live);
                    continue;
                }
                const lostAddAt = this.lostAdds.get(p.loginId);
                let prepared: Prepared;
                try {
                    prepared = p.prepare(live, { lostAddAt });
                } catch (e) {
                    p.reject(e as Error);
                    continue;
                }
                if ("done" in prepared) {
                    p.resolve({ live, readAt, doneAt: readAt, lostAddAt });
                    continue;
                }
                still.push(p);
                sending.push({ p, live, prepared });
            }
            open = still;
            return sending.length ? jobRequest(sending.map((s) => ({ loginId: s.p.loginId, ...s.prepared }))) : undefined;
        };
        const rememberLostAdds = () => {
            const now = Date.now();
            for (const s of sending) if (s.prepared.send === "add" && !this.lostAdds.has(s.p.loginId)) this.lostAdds.set(s.p.loginId, now);
        };
        try {
            const submitted = await submitJob(this.client, build, deadline, rememberLostAdds);
            this.reader.invalidate();
            if (submitted.kind === "nothing") return;
            if (submitted.kind === "rejected") {
                const refused = sending.map((s) => s.p);
                if (refused.length > 1) {
                    this.stats.splits++;
                    const half = Math.ceil(refused.length / 2);
                    await this.runJob(refused.slice(0, half));
                    await this.runJob(refused.slice(half));
                    return;
                }
                const only = sending[0];
                only.p.reject(
                    new ApiError(
                        `the tenant refused the ${only.prepared.send} of user '${only.p.loginId}' (HTTP ${submitted.status}): ${submitted.message}`,
                        submitted.status,
                    ),
                );
                return;
            }
            this.stats.users += sending.length;
            this.stats.largestJob = Math.max(this.stats.largestJob, sending.length);
            let result;
            const started = performance.now();
            try {
                result = await waitForJob(this.client, submitted.job, deadline, this.pacing.shortestJobMs);
            } catch (e) {
                rememberLostAdds(); // the job may still complete on the tenant
                throw e;
            }
            this.reader.invalidate();
            const steps = sending.filter((s) => s.p.engineStep).length;
            const now = performance.now();
            this.pacing.finished(steps, now - started, now);
            // The engine now checkpoints these results: working again, unless it was idle (engineActivity.ts).
            if (steps > 0) this.activity.delivered(this.pacing.allWaiting(this.stepsInJob + this.stepsQueued), now);
            for (const s of sending) {
                const lostAddAt = this.lostAdds.get(s.p.loginId);
                const outcome = outcomeFor(s.prepared.send, s.p.loginId, submitted.job.jobId, result);
                if ((outcome.entry && !outcome.jobException) || outcome.deleted) this.lostAdds.delete(s.p.loginId);
                s.p.resolve({
                    live: s.live,
                    readAt,
                    doneAt: Date.now(),
                    sent: s.prepared.send,
                    record: "record" in s.prepared ? s.prepared.record : undefined,
                    outcome,
                    lostAddAt,
                });
            }
        } catch (e) {
            this.reader.invalidate();
            for (const p of open) p.reject(e as Error);
        }
    }
}

function jobRequest(ops: ({ loginId: string } & Exclude<Prepared, { done: true }>)[]): JobRequest {
    const body: JobRequest = {};
    const added = ops.flatMap((p) => (p.send === "add" ? [p.record] : []));
    const modified = ops.flatMap((p) => (p.send === "modify" ? [p.record] : []));
    const deleted = ops.filter((p) => p.send === "delete").map((p) => p.loginId);
    if (added.length) body.added = added;
    if (modified.length) body.modified = modified;
    if (deleted.length) body.deleted = deleted;
    return body;
}
