/**
 * The tenant's jobs (OneJobAtATime): runs user jobs asynchronously, one at a time per tenant
 * (the vendor's rule: a job submitted while another runs is refused, not queued), keeps the
 * results of the last 1000, and measures what it does: a job that starts while another is
 * still running is counted in `overlappingJobs` (the submit path refuses instead, so this must
 * stay 0).
 *
 * A job's work (applying its request to the store) happens when its time is up; until then
 * its status is 202. A stuck job has no timer: it runs until `releaseStuck()` or `reset()`.
 */
import { UserDataStoreResult } from "../http/wire";
import { emptyResult } from "./render";

export type JobOwner = "client" | "foreign";

export interface Job {
    id: string;
    owner: JobOwner;
    /** Number of users in the request (added + modified + deleted). */
    users: number;
    state: "running" | "done";
    stuck: boolean;
    result?: UserDataStoreResult;
    work: () => UserDataStoreResult;
    timer?: NodeJS.Timeout;
}

export interface JobSubmission {
    owner: JobOwner;
    users: number;
    durationMs: number;
    /** Asked only once the job is accepted: whether it must never finish (fault injection). */
    stuck: () => boolean;
    work: () => UserDataStoreResult;
}

/** How many finished jobs keep their results for `GET /user/status/{id}`. */
const FINISHED_JOBS_KEPT = 1000;

export class OneJobAtATime {
    private readonly jobs = new Map<string, Job>();
    private readonly running = new Set<Job>();
    private finishedCount = 0;
    jobsSubmitted = 0;
    jobsRun = 0;
    largestJob = 0;
    overlappingJobs = 0;
    busyRefusals = 0;
    lastJobWorkMs = 0;

    constructor(private readonly allocateId: () => string) {}

    /** Starts the job, or refuses it (and counts the refusal) while another job runs. */
    trySubmit(req: JobSubmission): { job: Job } | { busyWith: Job } {
        const busy = this.busyWith();
        if (busy) {
            this.busyRefusals++;
            return { busyWith: busy };
        }
        const job: Job = {
            id: this.allocateId(),
            owner: req.owner,
            users: req.users,
            state: "running",
            stuck: req.stuck(),
            work: req.work,
        };
        this.jobs.set(job.id, job);
        this.running.add(job);
        if (this.running.size > 1) this.overlappingJobs++;
        if (req.owner === "client") {
            this.jobsSubmitted++;
            this.largestJob = Math.max(this.largestJob, req.users);
        }
        if (!job.stuck) job.timer = setTimeout(() => this.finish(job), req.durationMs);
        return { job };
    }

    get(id: string): Job | undefined {
        return this.jobs.get(id);
    }

    /** The job holding the tenant, if any. */
    busyWith(): Job | undefined {
        for (const j of this.running) return j;
        return undefined;
    }

    /** Stuck jobs finish now (their requests are applied). */
    releaseStuck(): void {
        for (const j of [...this.running]) if (j.stuck) this.finish(j);
    }

    /** Drops every job and clears the counters. */
    reset(): void {
        this.stop();
        this.jobs.clear();
        this.running.clear();
        this.finishedCount = 0;
        this.jobsSubmitted = this.jobsRun = this.largestJob = this.overlappingJobs = this.busyRefusals = this.lastJobWorkMs = 0;
    }

    /** Cancels the timers (server shutdown). */
    stop(): void {
        for (const j of this.running) clearTimeout(j.timer);
    }

    private finish(job: Job): void {
        if (job.state !== "running") return;
        clearTimeout(job.timer);
        const t0 = performance.now();
        try {
            job.result = job.work();
        } catch (e) {
            job.result = {
                ...emptyResult(),
                exception: "Internal Server Error. Underlying Identity Management System threw an error, Please check the logs.",
                message: (e as Error).message,
            };
        }
        this.lastJobWorkMs = performance.now() - t0;
        job.state = "done";
        this.running.delete(job);
        if (job.owner === "client") this.jobsRun++;
        this.forgetOldJobs();
    }

    private forgetOldJobs(): void {
        if (++this.finishedCount <= FINISHED_JOBS_KEPT) return;
        for (const [id, j] of this.jobs) {
            if (j.state === "done") {
                this.jobs.delete(id);
                this.finishedCount--;
                return;
            }
        }
    }
}
