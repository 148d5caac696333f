// The job runner of one tenant: one job at a time (the vendor's rule), and group commit.
//
// Operations that arrive while a job runs wait in the queue and go together as the next job:
// `added`, `modified` and `deleted` in one job, one user at most once per job, at most
// maxUsersPerJob users. When a job goes and how many it takes is the schedule's (schedule.ts).
// Each operation then gets its own outcome from the shared result.
//
// What each operation sends is decided at submission, not when it was queued: right before every
// POST (so after any wait for a busy tenant, and again after each refusal) the batch's users are
// read fresh and each operation prepares its record from that read (jobBuild.ts). A batch the
// server refuses as a whole (400, 413) is split in halves and each half retried, so every valid
// user lands and each invalid one fails with its own message.
import { PrimaveraClient } from "../../api/client";
import { ApiError } from "../../api/errors";
import { JobResult } from "../../api/schemas";
import { AuditLog } from "../audits";
import { UserReader } from "../reads";
import { JobBuild, Sending } from "./jobBuild";
import { Operation, Pending, Settled } from "./operation";
import { outcomeFor } from "./outcome";
import { waitForJob } from "./poller";
import { BatchSchedule, QueueView, QuietSchedule } from "./schedule";
import { SubmittedJob } from "./poller";
import { submitJob } from "./submit";
import { currentUrns, withUrns } from "../../engine/requestUrn";

export type { Operation, Prepared, PrepareContext, Settled } from "./operation";

export interface RunnerSettings {
    maxUsersPerJob: number;
}

/** What the runner did (tests and the benchmark read it). */
export interface RunnerStats {
    largestJob: number;
    /** Operations sent in jobs. */
    users: number;
    /** Batches split after the tenant refused them whole. */
    splits: number;
}

export class JobRunner {
    readonly stats: RunnerStats = { largestJob: 0, users: 0, splits: 0 };
    private queue: Pending[] = [];
    private pumping = false;
    /** performance.now() of the last operation queued. */
    private lastArrival = 0;
    /** Wakes a gather waiting for the next arrival. */
    private onArrival: (() => void) | undefined;
    /** Engine steps waiting in the queue, and in the batch being run. */
    private stepsQueued = 0;
    private stepsInJob = 0;
    /** Logins whose add was in a job whose answer never came, and when that job was first sent. */
    private readonly lostAdds = new Map<string, number>();

    private readonly schedule: BatchSchedule;
    private readonly audits: AuditLog | undefined;

    constructor(
        private readonly client: PrimaveraClient,
        private readonly reader: UserReader,
        public settings: RunnerSettings,
        deps: { schedule?: BatchSchedule; audits?: AuditLog } = {},
    ) {
        this.schedule = deps.schedule ?? new QuietSchedule();
        this.audits = deps.audits;
    }

    run(op: Operation): Promise<Settled> {
        return new Promise<Settled>((resolve, reject) => {
            this.queue.push({ ...op, urns: currentUrns(), resolve, reject });
            this.lastArrival = performance.now();
            if (op.engineStep) this.stepsQueued++;
            this.schedule.arrived(op.engineStep === true, this.stepsQueued + this.stepsInJob, this.lastArrival);
            this.onArrival?.();
            if (!this.pumping) {
                this.pumping = true;
                void this.pump();
            }
        });
    }

    /** The engine checked one of its steps' resources (UserProvider.check): more are coming. */
    engineChecked(): void {
        this.schedule.checked(performance.now());
    }

    private async pump(): Promise<void> {
        try {
            while (this.queue.length > 0) {
                await this.gather();
                await this.runBatch(this.takeBatch());
            }
        } finally {
            this.pumping = false;
        }
    }

    private view(since: number): QueueView {
        return {
            waiting: this.queue.length,
            steps: this.stepsQueued,
            stepsInFlight: this.stepsQueued + this.stepsInJob,
            max: this.settings.maxUsersPerJob,
            lastArrival: this.lastArrival,
            since,
        };
    }

    /** Waits until the schedule says go, asking again at every arrival. */
    private async gather(): Promise<void> {
        const since = performance.now();
        for (;;) {
            const decision = this.schedule.next(this.view(since), performance.now());
            if ("go" in decision) return;
            await new Promise<void>((resolve) => {
                const timer = setTimeout(done, decision.waitMs);
                function done() {
                    clearTimeout(timer);
                    resolve();
                }
                this.onArrival = done;
            });
            this.onArrival = undefined;
        }
    }

    /** FIFO, at most the schedule's cap, each login once (ignoring case): a second operation on a login waits a job. */
    private takeBatch(): Pending[] {
        const batch: Pending[] = [];
        const rest: Pending[] = [];
        const logins = new Set<string>();
        const cap = this.schedule.cap(this.view(performance.now()));
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

    private async runBatch(batch: Pending[]): Promise<void> {
        this.stepsInJob = batch.filter((p) => p.engineStep).length;
        try {
            await this.runJob(batch);
        } finally {
            this.stepsInJob = 0;
        }
    }

    /**
     * One job: build and submit (a refused body is split), wait for the result, and settle each
     * operation. A batch shares one job, so it runs under the latest of its operations' deadlines.
     */
    private runJob(batch: Pending[]): Promise<void> {
        // The pump runs in the context of whichever request started it: the job's messages (busy
        // tenant, long job) belong to the resources of the operations it carries.
        return withUrns(
            batch.flatMap((p) => p.urns),
            () => this.runJobFor(batch),
        );
    }

    private async runJobFor(batch: Pending[]): Promise<void> {
        const deadline = Math.max(...batch.map((p) => p.deadline));
        const job = new JobBuild(batch, this.reader, this.lostAdds, deadline, this.audits);
        try {
            const submitted = await submitJob(
                this.client,
                () => job.build(),
                deadline,
                () => job.rememberLostAdds(),
            );
            this.reader.invalidate();
            if (submitted.kind === "nothing") return;
            if (submitted.kind === "rejected") return await this.refused(job.sending, submitted);
            const result = await this.awaitResult(job, submitted.job, deadline);
            this.settle(job, submitted.job.jobId, result);
        } catch (e) {
            this.reader.invalidate();
            job.rejectOpen(e as Error);
        }
    }

    /** A body the tenant refused as a whole: its halves go again, until each refused operation fails alone. */
    private async refused(sending: Sending[], answer: { status: number; message: string }): Promise<void> {
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
                `the tenant refused the ${only.prepared.send} of user '${only.p.loginId}' (HTTP ${answer.status}): ${answer.message}`,
                answer.status,
            ),
        );
    }

    /** The job's result; the schedule learns how long it ran. */
    private async awaitResult(job: JobBuild, submitted: SubmittedJob, deadline: number): Promise<JobResult> {
        this.stats.users += job.sending.length;
        this.stats.largestJob = Math.max(this.stats.largestJob, job.sending.length);
        const started = performance.now();
        let result: JobResult;
        try {
            result = await waitForJob(this.client, submitted, deadline, this.schedule.shortestJobMs);
        } catch (e) {
            job.rememberLostAdds(); // the job may still complete on the tenant
            throw e;
        }
        this.reader.invalidate();
        const now = performance.now();
        const steps = job.sending.filter((s) => s.p.engineStep).length;
        this.schedule.finished(steps, now - started, this.stepsInJob + this.stepsQueued, now);
        return result;
    }

    /** Each operation's own outcome from the shared result. */
    private settle(job: JobBuild, jobId: string, result: JobResult): void {
        const doneAt = Date.now();
        for (const s of job.sending) {
            const lostAddAt = this.lostAdds.get(s.p.loginId);
            const outcome = outcomeFor(s.prepared.send, s.p.loginId, jobId, result);
            if ((outcome.entry && !outcome.jobException) || outcome.deleted) this.lostAdds.delete(s.p.loginId);
            s.p.resolve({
                live: s.live,
                readAt: job.readAt,
                doneAt,
                sent: s.prepared.send,
                record: "record" in s.prepared ? s.prepared.record : undefined,
                outcome,
                lostAddAt,
                auditsBefore: job.auditsBefore,
            });
        }
    }
}
