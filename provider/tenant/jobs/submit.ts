// Submits one job (POST /user) and waits out a tenant that is busy with another job.
//
// The body is built anew right before every POST (`build`, see runner.ts), so what is sent always
// reflects the tenant as it is after the wait. A POST is never re-sent blindly: when its answer is
// lost (network error, 5xx) the tenant may or may not have accepted the job, so the next attempt
// first reads the users again (`onUnknownOutcome` lets the runner remember which adds may have
// landed): a user our lost job created is then recognised, not taken for someone else's.
import { backoffDelay, BackoffPolicy, parseRetryAfterMs } from "../../api/backoff";
import { ApiResponse, PrimaveraClient, serverMessage } from "../../api/client";
import { ApiError, DeadlineError, excerpt } from "../../api/errors";
import { JobRequest } from "../../api/schemas";
import { SubmittedJob, seconds } from "./poller";
import { progress } from "../../api/progress";
import { Verdict, WaitEnd, waitFor } from "../../api/wait";

const BUSY_WAIT: BackoffPolicy = { initialMs: 250, maxMs: 5_000, factor: 1.5 };
const LOST_WAIT: BackoffPolicy = { initialMs: 200, maxMs: 5_000, factor: 2 };
const BUSY_TEXT = /in progress|previous .*(operation|job)|another (job|operation)|busy|must complete/i;
/** A safety net under the deadline: never more submissions than this for one job. */
const MAX_SUBMISSIONS = 2_000;
/** Most POSTs whose answer is lost (network error, 5xx) before giving up. */
const MAX_LOST = 8;

export type SubmitResult =
    | { kind: "accepted"; job: SubmittedJob }
    /** Nothing left to send (every operation settled while being prepared). */
    | { kind: "nothing" }
    /** The server refused the body itself (400 that is not a busy answer, or 413: too large). */
    | { kind: "rejected"; status: number; message: string };

/** What the submissions of one job have met so far. */
interface Attempts {
    /** Users in the last body sent. */
    users: number;
    /** POSTs whose answer was lost (network error, 5xx). */
    lost: number;
    /** When the tenant first answered that another job holds it. */
    busySince?: number;
}

export async function submitJob(
    client: PrimaveraClient,
    build: () => Promise<JobRequest | undefined>,
    deadline: number,
    onUnknownOutcome: () => void = () => undefined,
): Promise<SubmitResult> {
    const path = client.path("/user");
    const seen: Attempts = { users: 0, lost: 0 };
    return waitFor<ApiResponse | undefined, SubmitResult>({
        deadline,
        backoff: BUSY_WAIT,
        maxAttempts: MAX_SUBMISSIONS,
        maxFailures: MAX_LOST,
        attempt: async () => {
            const body = await build();
            if (!body) return undefined;
            seen.users = (body.added?.length ?? 0) + (body.modified?.length ?? 0) + (body.deleted?.length ?? 0);
            // 429 and 5xx come back to us: 429 is one of the vendor's busy answers, and a POST that
            // may have been applied must be rebuilt from a fresh read before it is sent again.
            return client.request("POST", path, {
                body,
                deadline,
                purpose: `submitting a job of ${seen.users} user(s)`,
                passStatuses: [429, 500, 502, 503, 504],
                retryTransient: false,
            });
        },
        judge: (res, n) => {
            if (!res) return { done: { kind: "nothing" } };
            if (res.status === 202 || res.status === 200 || res.status === 201) return accepted(client, res, seen);
            const verdict = refused(res, n, seen, path);
            if ("failure" in verdict && verdict.failure) onUnknownOutcome();
            return verdict;
        },
        progress: {
            firstAfterMs: 0,
            everyMs: 10_000,
            line: (_elapsed, last) =>
                seen.busySince === undefined
                    ? undefined
                    : `tenant busy with another job (${last}); waiting, ${seconds(Date.now() - seen.busySince)} so far`,
        },
        ended: ({ reason, last }) => submissionEnded(reason, last, seen, path),
    });
}

/** A 2xx answer: the job id, from the body or the Location. */
function accepted(client: PrimaveraClient, res: ApiResponse, seen: Attempts): Verdict<SubmitResult> {
    const jobId = parseJobId(res);
    if (!jobId)
        return { fail: new ApiError(`the tenant accepted a job (HTTP ${res.status}) but returned no job id and no Location`, res.status) };
    const statusPath = client.locationPath(res.headers["location"]) ?? client.path(`/user/status/${encodeURIComponent(jobId)}`);
    if (seen.busySince !== undefined) progress(`tenant free again after ${seconds(Date.now() - seen.busySince)}; job ${jobId} submitted`);
    return { done: { kind: "accepted", job: { jobId, statusPath, users: seen.users } } };
}

/** Any other answer: lost (try again after a fresh read), busy (wait), the body refused, or unexpected. */
function refused(res: ApiResponse, n: number, seen: Attempts, path: string): Verdict<SubmitResult> {
    const text = res.status === 0 ? res.text : serverMessage(res.json ?? res.text);
    const retryAfter = parseRetryAfterMs(res.headers["retry-after"]) ?? 0;
    if (res.status === 0 || res.status >= 500) {
        seen.lost++;
        return {
            retry: res.status === 0 ? `network error (${text})` : `HTTP ${res.status} ${excerpt(text, 200)}`,
            afterMs: Math.max(retryAfter, backoffDelay(seen.lost, LOST_WAIT)),
            failure: true,
        };
    }
    if (isBusy(res, text)) {
        seen.busySince ??= Date.now();
        return {
            retry: `HTTP ${res.status} ${excerpt(text, 200)}`,
            afterMs: Math.max(retryAfter, backoffDelay(Math.min(n, 20), BUSY_WAIT)),
        };
    }
    if (res.status === 400 || res.status === 413) {
        const message =
            res.status === 413
                ? `the request is too large for the tenant${text ? ` (${excerpt(text, 200)})` : ""}`
                : text || "Invalid input, Please check.";
        return { done: { kind: "rejected", status: res.status, message } };
    }
    const what = `submitting a job of ${seen.users} user(s): unexpected HTTP ${res.status} on POST ${path}: ${excerpt(text)}`;
    return { fail: new ApiError(what, res.status) };
}

/** The error when the submissions stop: too many lost answers, or the deadline. */
function submissionEnded(reason: WaitEnd["reason"], last: string, seen: Attempts, path: string): Error {
    if (reason === "failures")
        return new ApiError(
            `submitting a job of ${seen.users} user(s): POST ${path} failed ${seen.lost} times; last answer: ${last}`,
            undefined,
        );
    if (seen.busySince === undefined)
        return new DeadlineError(
            `submitting a job: no answer the tenant accepted before the deadline (primavera:timeoutSeconds); last answer: ${last}.`,
        );
    return new DeadlineError(
        `the tenant stayed busy with another job for ${seconds(Date.now() - seen.busySince)}: every submission of our job ` +
            `(${seen.users} user(s)) was refused until the deadline (primavera:timeoutSeconds); last answer: ${last}. ` +
            `Someone else's job holds the tenant: retry later or raise primavera:timeoutSeconds.`,
    );
}

/** The vendor refuses a second job while one runs; the status is undocumented (409, 400 or 429 seen). */
function isBusy(res: ApiResponse, text: string): boolean {
    if (res.status === 409) return true;
    if (res.status === 429) return true;
    return res.status === 400 && BUSY_TEXT.test(text);
}

function parseJobId(res: ApiResponse): string | undefined {
    const body = res.text.trim().replace(/^"|"$/g, "");
    if (/^[A-Za-z0-9-]+$/.test(body)) return body;
    if (typeof res.json === "object" && res.json && "jobId" in res.json) return String((res.json as { jobId: unknown }).jobId);
    const location = res.headers["location"];
    return location?.split("/").filter(Boolean).pop();
}
