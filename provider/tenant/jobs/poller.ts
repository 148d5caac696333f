// Waits for a submitted job: GET /user/status/{jobId} answers 202 while the job runs and 200 with
// the result when done. Polls start fast and back off, honour Retry-After and Location, and stop
// at the deadline with an error that names the job, the time waited and the last answer.
import { BackoffPolicy, parseRetryAfterMs } from "../../api/backoff";
import { issuesText } from "../../api/bounds";
import { ApiResponse, PrimaveraClient, serverMessage } from "../../api/client";
import { ApiError, DeadlineError, excerpt } from "../../api/errors";
import { JobResult, jobResult } from "../../api/schemas";
import { progress } from "../../api/progress";
import { Verdict, waitFor } from "../../api/wait";

// Each job holds the tenant's only job slot, so noticing it late is paid by every operation queued
// behind it: the wait before a poll is a fixed share of the time the job has run so far, which
// keeps the lateness a small share of the job for a few cheap polls per doubling of its time. A
// Retry-After the tenant sends is honoured if longer. Measured: docs/performance.md#polling.
const POLL_FRACTION = 1 / 8;
const POLL_MIN_MS = 25;
const POLL_MAX_MS = 2_000;
/** The wait loop's fallback delay; every 202 verdict below gives its own (pollDelay). */
const POLL: BackoffPolicy = { initialMs: POLL_MIN_MS, maxMs: POLL_MAX_MS, factor: 1 };

/** The wait before the next poll of a job that has run `elapsedMs` so far. */
export function pollDelay(elapsedMs: number, random: () => number = Math.random): number {
    const base = Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, elapsedMs * POLL_FRACTION));
    return Math.round(base * (0.9 + 0.2 * random()));
}

/**
 * The wait before the next poll when this tenant's shortest job so far took `shortestMs` (as
 * noticed, so up to an eighth late): no poll before 85% of it, then a poll every POLL_MIN_MS up
 * to 120% of it, then the proportional delay above; most jobs of a run are about that long, so
 * they are noticed sooner with fewer polls.
 */
export function expectedPollDelay(elapsedMs: number, shortestMs: number | undefined, random: () => number = Math.random): number {
    if (shortestMs !== undefined) {
        const from = shortestMs * 0.85;
        if (elapsedMs < from - POLL_MIN_MS) return Math.min(POLL_MAX_MS, Math.round(from - elapsedMs));
        if (elapsedMs < shortestMs * 1.2) return POLL_MIN_MS;
    }
    return pollDelay(elapsedMs, random);
}

/** A safety net under the deadline: no job is polled more often than this. */
const MAX_POLLS = 5_000;

export interface SubmittedJob {
    jobId: string;
    /** Path of the status resource (from Location, kept on the tenant's origin). */
    statusPath: string;
    users: number;
}

/** `shortestMs`: this tenant's shortest job so far (expectedPollDelay); polls proportionally without. */
export async function waitForJob(client: PrimaveraClient, job: SubmittedJob, deadline: number, shortestMs?: number): Promise<JobResult> {
    let statusPath = job.statusPath;
    const started = Date.now();
    const result = await waitFor<ApiResponse, JobResult>({
        deadline,
        backoff: POLL,
        maxAttempts: MAX_POLLS,
        attempt: () =>
            client.request("GET", statusPath, { deadline, purpose: `waiting for job ${job.jobId}`, maxNodes: resultNodes(job.users) }),
        judge: (res): Verdict<JobResult> => {
            if (res.status === 200) {
                const tooMany = overlong(res.json, job.users);
                if (tooMany)
                    return {
                        fail: new ApiError(`job ${job.jobId} (${job.users} users) answered with ${tooMany}: refusing its result`, 200),
                    };
                const parsed = jobResult.safeParse(res.json);
                if (parsed.success) return { done: parsed.data };
                return {
                    fail: new ApiError(
                        `job ${job.jobId} finished but its result is not a UserDataStore: ${excerpt(issuesText(parsed.error))}`,
                        200,
                    ),
                };
            }
            if (res.status === 404)
                return {
                    fail: new ApiError(
                        `job ${job.jobId} is unknown to the tenant (HTTP 404 on its status): ${excerpt(serverMessage(res.json ?? res.text))}`,
                        404,
                    ),
                };
            if (res.status !== 202)
                return {
                    fail: new ApiError(
                        `job ${job.jobId}: unexpected HTTP ${res.status} on its status: ${excerpt(serverMessage(res.json ?? res.text))}`,
                        res.status,
                    ),
                };
            statusPath = client.locationPath(res.headers["location"]) ?? statusPath;
            return {
                retry: "HTTP 202 (still running)",
                afterMs: Math.max(parseRetryAfterMs(res.headers["retry-after"]) ?? 0, expectedPollDelay(Date.now() - started, shortestMs)),
            };
        },
        progress: {
            firstAfterMs: 10_000,
            everyMs: 10_000,
            line: (elapsed) => `job ${job.jobId} (${job.users} users) still running after ${seconds(elapsed)}`,
        },
        ended: ({ elapsedMs, last }) =>
            new DeadlineError(
                `job ${job.jobId} (${job.users} users) did not finish: waited ${seconds(elapsedMs)} ` +
                    `(primavera:timeoutSeconds bounds each operation); last answer: ${last}. ` +
                    `The job may still complete on the tenant; the next \`pulumi up\` reads each user and converges.`,
            ),
    });
    if (Date.now() - started > 10_000) progress(`job ${job.jobId} (${job.users} users) done after ${seconds(Date.now() - started)}`);
    return result;
}

/** Most JSON values a job's result may hold: a user's entry is a few dozen. */
function resultNodes(users: number): number {
    return 200 * users + 10_000;
}

/** What a result lists beyond what a job of `users` users can report, in words; undefined when it is in bounds. */
function overlong(json: unknown, users: number): string | undefined {
    if (!json || typeof json !== "object") return undefined;
    const limit = 2 * users + 10;
    const r = json as Record<string, unknown>;
    for (const list of ["added", "modified", "deleted", "deleteFailed"]) {
        const v = r[list];
        if (Array.isArray(v) && v.length > limit) return `${v.length} entries in ${list}`;
    }
    const map = r.updatedIdMap;
    if (map && typeof map === "object" && Object.keys(map).length > limit) return `${Object.keys(map).length} ids in updatedIdMap`;
    return undefined;
}

export function seconds(ms: number): string {
    return `${(ms / 1000).toFixed(1)}s`;
}
