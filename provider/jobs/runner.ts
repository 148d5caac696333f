// The job runner of one tenant: one job at a time (the vendor's rule), and group commit.
//
// Operations that arrive while a job runs wait in the queue and go together as the next job:
// `added`, `modified` and `deleted` in one job, one user at most once per job, at most
// maxUsersPerJob users. When the runner is idle, the first operation waits a few milliseconds
// so the burst the engine sends at once (a create per resource) becomes one job, like
// dataloader's batch-per-tick. Each operation then gets its own outcome from the shared result.
// A batch the server refuses as a whole (400) is split in halves and each half retried, so every
// valid user lands and each invalid one fails with its own message.
import { PrimaveraClient } from "../client";
import { ApiError } from "../errors";
import { JobRequest, UserRecord } from "../schemas";
import { Outcome, OperationKind, outcomeFor } from "./outcome";
import { waitForJob } from "./poller";
import { submitJob } from "./submit";

export interface Operation {
    kind: OperationKind;
    loginId: string;
    /** The full record for add / modify. */
    record?: UserRecord;
    /** Epoch ms: the operation's own deadline. */
    deadline: number;
}

interface Pending extends Operation {
    resolve(outcome: Outcome): void;
    reject(error: Error): void;
}

export interface RunnerSettings {
    maxUsersPerJob: number;
    lingerMs: number;
}

export interface RunnerStats {
    jobs: number;
    largestJob: number;
    users: number;
    splits: number;
}

/** How long an idle runner gathers the operations of one burst before it submits. */
const GATHER_MS = 5;

export class JobRunner {
    readonly stats: RunnerStats = { jobs: 0, largestJob: 0, users: 0, splits: 0 };
    private queue: Pending[] = [];
    private pumping = false;

    constructor(
        private readonly client: PrimaveraClient,
        private readonly settings: RunnerSettings,
        /** Called whenever a job may have changed users (read caches must forget). */
        private readonly onUsersChanged: () => void = () => undefined,
    ) {}

    run(op: Operation): Promise<Outcome> {
        return new Promise<Outcome>((resolve, reject) => {
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

    /** FIFO, at most maxUsersPerJob, each login once: a second operation on a login waits a job. */
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
        const deadline = Math.max(...batch.map((p) => p.deadline));
        try {
            const submitted = await submitJob(this.client, jobRequest(batch), batch.length, deadline);
            if (submitted.kind === "rejected") {
                if (batch.length > 1) {
                    this.stats.splits++;
                    const half = Math.ceil(batch.length / 2);
                    await this.runBatch(batch.slice(0, half));
                    await this.runBatch(batch.slice(half));
                    return;
                }
                const only = batch[0];
                only.reject(
                    new ApiError(
                        `the tenant refused the ${only.kind} of user '${only.loginId}' (HTTP 400): ${submitted.message}`,
                        400,
                        submitted.message,
                    ),
                );
                return;
            }
            this.onUsersChanged();
            this.stats.jobs++;
            this.stats.users += batch.length;
            this.stats.largestJob = Math.max(this.stats.largestJob, batch.length);
            const result = await waitForJob(this.client, submitted.job, deadline);
            this.onUsersChanged();
            for (const p of batch) p.resolve(outcomeFor(p.kind, p.loginId, submitted.job.jobId, result));
        } catch (e) {
            this.onUsersChanged();
            for (const p of batch) p.reject(e as Error);
        }
    }
}

function jobRequest(batch: Operation[]): JobRequest {
    const body: JobRequest = {};
    const added = batch.filter((p) => p.kind === "add").map((p) => p.record!);
    const modified = batch.filter((p) => p.kind === "modify").map((p) => p.record!);
    const deleted = batch.filter((p) => p.kind === "delete").map((p) => p.loginId);
    if (added.length) body.added = added;
    if (modified.length) body.modified = modified;
    if (deleted.length) body.deleted = deleted;
    return body;
}
