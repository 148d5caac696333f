// The job runner of one tenant: one job at a time (the vendor's rule), and group commit.
//
// Operations that arrive while a job runs wait in the queue and go together as the next job:
// `added`, `modified` and `deleted` in one job, one user at most once per job, at most
// maxUsersPerJob users. When the runner is idle, the first operation waits a few milliseconds
// so the burst the engine sends at once (a create per resource) becomes one job, like
// dataloader's batch-per-tick. Each operation then gets its own outcome from the shared result.
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
import { waitForJob } from "./poller";
import { submitJob } from "./submit";

/** What an operation sends, decided from the user as the tenant holds it at submission. */
export type Prepared = { send: "add" | "modify"; record: UserRecord } | { send: "delete" } | { done: true };

export interface PrepareContext {
    /** An earlier job of this process may have applied this login's add, but its answer was lost. */
    maybeSentBefore: boolean;
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
}

/** What became of an operation. */
export interface Settled {
    /** The user as read right before the (last) submission. */
    live: ServerUser | undefined;
    /** What was sent; undefined when nothing had to be. */
    sent?: SentKind;
    record?: UserRecord;
    outcome?: Outcome;
    /** The add of this login may have been applied by an earlier job whose answer was lost. */
    maybeSentBefore: boolean;
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

/** How long an idle runner gathers the operations of one burst before it submits. */
const GATHER_MS = 5;

export class JobRunner {
    readonly stats: RunnerStats = { largestJob: 0, users: 0, splits: 0 };
    private queue: Pending[] = [];
    private pumping = false;
    /** Logins whose add was in a job whose answer never came (lost, or past the deadline). */
    private readonly maybeSent = new Set<string>();

    constructor(
        private readonly client: PrimaveraClient,
        private readonly reader: UserReader,
        public settings: RunnerSettings,
    ) {}

    run(op: Operation): Promise<Settled> {
        return new Promise<Settled>((resolve, reject) => {
            this.queue.push({ ...op, resolve, reject });
            if (!this.pumping) {
                this.pumping = true;
                setTimeout(() => void this.pump(), GATHER_MS);
            }
        });
    }

    private async pump(): Promise<void> {
        try {
            while (this.queue.length > 0) {
                await this.runBatch(this.takeBatch());
                if (this.settings.lingerMs > 0 && this.queue.length < this.settings.maxUsersPerJob) {
                    await new Promise((r) => setTimeout(r, this.settings.lingerMs));
                }
            }
        } finally {
            this.pumping = false;
        }
    }

    /** FIFO, at most maxUsersPerJob, each login once (ignoring case): a second operation on a login waits a job. */
    private takeBatch(): Pending[] {
        const batch: Pending[] = [];
        const rest: Pending[] = [];
        const logins = new Set<string>();
        for (const p of this.queue) {
            const key = p.loginId.toLowerCase();
            if (batch.length < this.settings.maxUsersPerJob && !logins.has(key)) {
                batch.push(p);
                logins.add(key);
            } else {
                rest.push(p);
            }
        }
        this.queue = rest;
        return batch;
    }

    private async runBatch(batch: Pending[]): Promise<void> {
        // A batch shares one job, so it runs under the latest of its operations' deadlines: an
        // operation with an earlier one may wait past it for the job it is part of.
        const deadline = Math.max(...batch.map((p) => p.deadline));
        let open = batch;
        // The operations of the body sent last, with what each sent.
        let sending: { p: Pending; live: ServerUser | undefined; prepared: Exclude<Prepared, { done: true }> }[] = [];
        const build = async (): Promise<JobRequest | undefined> => {
            const reads = await this.reader.readFresh(
                open.map((p) => p.loginId),
                deadline,
            );
            sending = [];
            const still: Pending[] = [];
            for (const p of open) {
                const live = reads.get(p.loginId);
                if (live instanceof Error) {
                    p.reject(live);
                    continue;
                }
                const maybeSentBefore = this.maybeSent.has(p.loginId);
                let prepared: Prepared;
                try {
                    prepared = p.prepare(live, { maybeSentBefore });
                } catch (e) {
                    p.reject(e as Error);
                    continue;
                }
                if ("done" in prepared) {
                    p.resolve({ live, maybeSentBefore });
                    continue;
                }
                still.push(p);
                sending.push({ p, live, prepared });
            }
            open = still;
            return sending.length ? jobRequest(sending.map((s) => ({ loginId: s.p.loginId, ...s.prepared }))) : undefined;
        };
        const markMaybeSent = () => {
            for (const s of sending) if (s.prepared.send === "add") this.maybeSent.add(s.p.loginId);
        };
        try {
            const submitted = await submitJob(this.client, build, deadline, markMaybeSent);
            this.reader.invalidate();
            if (submitted.kind === "nothing") return;
            if (submitted.kind === "rejected") {
                const refused = sending.map((s) => s.p);
                if (refused.length > 1) {
                    this.stats.splits++;
                    const half = Math.ceil(refused.length / 2);
                    await this.runBatch(refused.slice(0, half));
                    await this.runBatch(refused.slice(half));
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
            try {
                result = await waitForJob(this.client, submitted.job, deadline);
            } catch (e) {
                markMaybeSent(); // the job may still complete on the tenant
                throw e;
            }
            this.reader.invalidate();
            for (const s of sending) {
                const maybeSentBefore = this.maybeSent.has(s.p.loginId);
                const outcome = outcomeFor(s.prepared.send, s.p.loginId, submitted.job.jobId, result);
                if (outcome.entry || outcome.deleted) this.maybeSent.delete(s.p.loginId);
                s.p.resolve({
                    live: s.live,
                    sent: s.prepared.send,
                    record: "record" in s.prepared ? s.prepared.record : undefined,
                    outcome,
                    maybeSentBefore,
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
