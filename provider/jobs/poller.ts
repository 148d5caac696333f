// Waits for a submitted job: GET /user/status/{jobId} answers 202 while the job runs and 200 with
// the result when done. Polls start fast and back off, honour Retry-After and Location, and stop
// at the deadline with an error that names the job, the time waited and the last answer.
import { backoffDelay, BackoffPolicy, parseRetryAfterMs, sleepUntilDeadline } from "../backoff";
import { PrimaveraClient, serverMessage } from "../client";
import { ApiError, DeadlineError, excerpt } from "../errors";
import { JobResult, jobResult } from "../schemas";
import { progress } from "./progress";

// Growth 1.2 (not 1.5): a job is noticed done on average ~10% of its run time late instead of
// ~25% (simulated: a 1.5 s job is seen at +170 ms instead of +370 ms), for ~4 more polls per job
// (cheap GETs on a kept-alive connection). Every job holds the tenant's only job slot, so
// that lateness is paid once per job by every operation queued behind it (docs/performance.md).
const POLL: BackoffPolicy = { initialMs: 50, maxMs: 2_000, factor: 1.2 };
/** A safety net under the deadline: no job is polled more often than this. */
const MAX_POLLS = 5_000;

export interface SubmittedJob {
    jobId: string;
    /** Path of the status resource (from Location, kept on the tenant's origin). */
    statusPath: string;
    users: number;
}

export async function waitForJob(client: PrimaveraClient, job: SubmittedJob, deadline: number): Promise<JobResult> {
    const started = Date.now();
    let statusPath = job.statusPath;
    let last = "no answer yet";
    let nextReport = started + 10_000;
    for (let poll = 0; poll < MAX_POLLS; poll++) {
        const res = await client.request("GET", statusPath, {
            deadline,
            purpose: `waiting for job ${job.jobId}`,
        });
        if (res.status === 200) {
            const parsed = jobResult.safeParse(res.json);
            if (!parsed.success) {
                throw new ApiError(
                    `job ${job.jobId} finished but its result is not a UserDataStore: ${excerpt(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "))}`,
                    200,
                );
            }
            if (Date.now() - started > 10_000)
                progress(`job ${job.jobId} (${job.users} users) done after ${seconds(Date.now() - started)}`);
            return parsed.data;
        }
        if (res.status === 404) {
            throw new ApiError(
                `job ${job.jobId} is unknown to the tenant (HTTP 404 on GET ${statusPath}): ${excerpt(serverMessage(res.json ?? res.text))}`,
                404,
            );
        }
        if (res.status !== 202) {
            throw new ApiError(
                `job ${job.jobId}: unexpected HTTP ${res.status} on GET ${statusPath}: ${excerpt(serverMessage(res.json ?? res.text))}`,
                res.status,
            );
        }
        last = `HTTP 202 (still running)`;
        statusPath = client.locationPath(res.headers["location"]) ?? statusPath;
        if (Date.now() >= nextReport) {
            progress(`job ${job.jobId} (${job.users} users) still running after ${seconds(Date.now() - started)}`);
            nextReport = Date.now() + 10_000;
        }
        const delay = Math.max(parseRetryAfterMs(res.headers["retry-after"]) ?? 0, backoffDelay(poll, POLL));
        if (!(await sleepUntilDeadline(delay, deadline)) || Date.now() >= deadline) break;
    }
    throw new DeadlineError(
        `job ${job.jobId} (${job.users} users) did not finish: waited ${seconds(Date.now() - started)} ` +
            `(primavera:timeoutSeconds bounds each operation); last answer: ${last}. ` +
            `The job may still complete on the tenant; the next \`pulumi up\` reads each user and converges.`,
    );
}

export function seconds(ms: number): string {
    return `${(ms / 1000).toFixed(1)}s`;
}
