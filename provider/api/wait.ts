// The one wait/retry loop. Every loop of the provider (the client's retries of one request, the
// OAuth token fetch, the wait for a busy tenant, the job poller) is this loop with its own
// `attempt` (one try) and `judge` (what the answer means), as smithy-typescript's util-waiter does.
// The loop owns what they share: the deadline, backoff with jitter (or the judge's own delay, e.g.
// from Retry-After), the attempt and failure caps, progress lines every 10 s, cancellation through
// an AbortSignal, and a timeout error that carries the answers it observed.
import { backoffDelay, BackoffPolicy } from "./backoff";
import { processWide } from "../process/processWide";
import { PrimaveraError } from "./errors";
import { progress } from "./progress";

/** What one answer means. */
export type Verdict<R> =
    /** Finished: the loop returns this. */
    | { done: R }
    /** Ask again. `afterMs`: the delay (else the backoff's); `failure`: counts against `maxFailures`. */
    | { retry: string; afterMs?: number; failure?: boolean }
    /** Stop with this error. */
    | { fail: Error };

/** Why a wait ended without an answer, for the caller's error. */
export interface WaitEnd {
    reason: "deadline" | "attempts" | "failures";
    /** Attempts made. */
    attempts: number;
    elapsedMs: number;
    /** The last answer, in words ("no answer yet" before the first). */
    last: string;
    /** The last few answers, oldest first. */
    observed: string[];
}

export interface WaitSpec<A, R> {
    /** Epoch ms: no attempt starts and no delay runs past it. */
    deadline: number;
    backoff: BackoffPolicy;
    /** A safety net under the deadline: never more attempts than this. */
    maxAttempts: number;
    /** Most answers judged failures (`retry` with `failure: true`); default: no limit. */
    maxFailures?: number;
    /** Cancels the wait (and a delay in progress); default: the process's shutdown signal. */
    signal?: AbortSignal;
    attempt(n: number): Promise<A>;
    judge(answer: A, n: number): Verdict<R>;
    /** A progress line (or undefined for none) at most every `everyMs`, the first after `firstAfterMs`. */
    progress?: { firstAfterMs: number; everyMs: number; line(elapsedMs: number, last: string): string | undefined };
    /** The error for a wait that ended without an answer. */
    ended(end: WaitEnd): Error;
}

/** Answers kept for the timeout error. */
const OBSERVED = 5;

export async function waitFor<A, R>(spec: WaitSpec<A, R>): Promise<R> {
    inFlight++;
    try {
        return await loop(spec);
    } finally {
        inFlight--;
        if (inFlight === 0) onIdle?.();
    }
}

async function loop<A, R>(spec: WaitSpec<A, R>): Promise<R> {
    const started = Date.now();
    const signal = spec.signal ?? shutdownSignal();
    const observed: string[] = [];
    let last = "no answer yet";
    let failures = 0;
    let nextReport = started + (spec.progress?.firstAfterMs ?? 0);
    const end = (reason: WaitEnd["reason"], attempts: number) =>
        spec.ended({ reason, attempts, elapsedMs: Date.now() - started, last, observed: [...observed] });
    for (let n = 0; ; n++) {
        throwIfAborted(signal);
        if (Date.now() >= spec.deadline) throw end("deadline", n);
        const verdict = spec.judge(await spec.attempt(n), n);
        if ("done" in verdict) return verdict.done;
        if ("fail" in verdict) throw verdict.fail;
        last = verdict.retry;
        observed.push(last);
        if (observed.length > OBSERVED) observed.shift();
        if (verdict.failure && ++failures >= (spec.maxFailures ?? Infinity)) throw end("failures", n + 1);
        if (n + 1 >= spec.maxAttempts) throw end("attempts", n + 1);
        if (spec.progress && Date.now() >= nextReport) {
            const line = spec.progress.line(Date.now() - started, last);
            if (line !== undefined) {
                progress(line);
                nextReport = Date.now() + spec.progress.everyMs;
            }
        }
        const delay = verdict.afterMs ?? backoffDelay(n, spec.backoff);
        const left = spec.deadline - Date.now();
        await sleep(Math.max(0, Math.min(delay, left)), signal);
        // A delay the deadline cut short ends the wait here: no attempt starts at the deadline.
        if (delay >= left) throw end("deadline", n + 1);
    }
}

/** A wait cancelled by a signal (the process is being stopped). */
export class CancelledError extends PrimaveraError {
    constructor(reason: unknown) {
        super(`cancelled: ${reason instanceof Error ? reason.message : String(reason ?? "the operation was cancelled")}`);
        this.name = "CancelledError";
    }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw new CancelledError(signal.reason);
}

/** Sleeps `ms`, or less when `signal` aborts (then throws CancelledError). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(new CancelledError(signal.reason));
        const onAbort = () => {
            clearTimeout(timer);
            reject(new CancelledError(signal!.reason));
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
        }, ms);
        signal?.addEventListener("abort", onAbort, { once: true });
    });
}

/** How long a stopping process lets cancelled operations report before it exits. */
const EXIT_GRACE_MS = 2_000;
/** Waits running now; a stopping process exits as soon as none is left. */
let inFlight = 0;
let onIdle: (() => void) | undefined;

/**
 * Aborted when the process is asked to stop (SIGINT, SIGTERM): every wait and request in flight
 * then ends at once with a CancelledError instead of waiting out primavera:timeoutSeconds, and
 * the process exits as soon as they have reported (at once when nothing runs, as after every
 * command, when the engine stops its plugins with SIGINT). The dynamic-provider host does not pass the engine's Cancel
 * call on to a provider, so signals are what a provider can honour. Installed on first use.
 */
export function shutdownSignal(): AbortSignal {
    return processWide("shutdown", () => {
        const created = new AbortController();
        const stop = (signal: NodeJS.Signals, code: number) => {
            created.abort(new Error(`${signal} received`));
            // Nothing running (the engine stops its plugins this way after every command): exit now.
            // Else let the cancelled operations report their CancelledError first, at most 2 s.
            if (inFlight === 0) process.exit(code);
            onIdle = () => setImmediate(() => process.exit(code));
            setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
        };
        process.once("SIGINT", () => stop("SIGINT", 130));
        process.once("SIGTERM", () => stop("SIGTERM", 143));
        return created;
    }).signal;
}
