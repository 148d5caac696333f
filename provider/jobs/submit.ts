// Submits one job (POST /user) and waits out a tenant that is busy with another job.
//
// Re-sending a job is safe, and the client re-sends on network errors and 5xx: the vendor upserts
// `added` and `modified` records by loginId, and we always send the complete desired record, so a
// job applied twice leaves the same user. A repeated `deleted` login lands in `deleteFailed`,
// which the delete operation resolves by reading the user (gone = done). The client-side id we
// put on `added` records is never a server id, so `updatedIdMap` answers for it on any attempt.
import { backoffDelay, BackoffPolicy, parseRetryAfterMs, sleepUntilDeadline } from "../backoff";
import { ApiResponse, PrimaveraClient, serverMessage } from "../client";
import { ApiError, DeadlineError, excerpt } from "../errors";
import { JobRequest } from "../schemas";
import { SubmittedJob, seconds } from "./poller";
import { progress } from "./progress";

const BUSY_WAIT: BackoffPolicy = { initialMs: 250, maxMs: 5_000, factor: 1.5 };
const BUSY_TEXT = /in progress|previous .*(operation|job)|another (job|operation)|busy|must complete/i;
/** A safety net under the deadline: never more submissions than this for one job. */
const MAX_SUBMISSIONS = 2_000;

export type SubmitResult =
    | { kind: "accepted"; job: SubmittedJob }
    /** The server refused the body itself (400 that is not a busy answer). */
    | { kind: "rejected"; status: number; message: string };

export async function submitJob(client: PrimaveraClient, body: JobRequest, users: number, deadline: number): Promise<SubmitResult> {
    const path = client.path("/user");
    let busySince: number | undefined;
    let lastBusy = "";
    let nextReport = 0;
    for (let attempt = 0; attempt < MAX_SUBMISSIONS; attempt++) {
        // 429 comes back to us (not retried by the client): it is one of the vendor's busy answers.
        const res = await client.request("POST", path, {
            body,
            deadline,
            purpose: `submitting a job of ${users} user(s)`,
            passStatuses: [429],
        });
        if (res.status === 202 || res.status === 200 || res.status === 201) {
            const jobId = parseJobId(res);
            if (!jobId)
                throw new ApiError(`the tenant accepted a job (HTTP ${res.status}) but returned no job id and no Location`, res.status);
            const statusPath = client.locationPath(res.headers["location"]) ?? client.path(`/user/status/${encodeURIComponent(jobId)}`);
            if (busySince !== undefined) progress(`tenant free again after ${seconds(Date.now() - busySince)}; job ${jobId} submitted`);
            return { kind: "accepted", job: { jobId, statusPath, users } };
        }
        const text = serverMessage(res.json ?? res.text);
        if (!isBusy(res, text)) {
            if (res.status === 400) return { kind: "rejected", status: 400, message: text || "Invalid input, Please check." };
            throw new ApiError(
                `submitting a job of ${users} user(s): unexpected HTTP ${res.status} on POST ${path}: ${excerpt(text)}`,
                res.status,
                text,
            );
        }
        busySince ??= Date.now();
        lastBusy = `HTTP ${res.status} ${excerpt(text, 200)}`;
        if (Date.now() >= nextReport) {
            progress(`tenant busy with another job (${lastBusy}); waiting, ${seconds(Date.now() - busySince)} so far`);
            nextReport = Date.now() + 10_000;
        }
        const delay = Math.max(parseRetryAfterMs(res.headers["retry-after"]) ?? 0, backoffDelay(Math.min(attempt, 20), BUSY_WAIT));
        if (!(await sleepUntilDeadline(delay, deadline)) || Date.now() >= deadline) break;
    }
    throw new DeadlineError(
        `the tenant stayed busy with another job for ${seconds(Date.now() - (busySince ?? Date.now()))}: every submission of ` +
            `our job (${users} user(s)) was refused until the deadline (primavera:timeoutSeconds); last answer: ${lastBusy}. ` +
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
