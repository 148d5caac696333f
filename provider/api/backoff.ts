// Exponential backoff with jitter, and Retry-After parsing (the wait loop itself is wait.ts).

export interface BackoffPolicy {
    /** First delay, ms. */
    initialMs: number;
    /** Largest delay, ms. */
    maxMs: number;
    /** Growth per attempt. */
    factor: number;
}

/** Delay before attempt `attempt` (0-based): "equal jitter", so waits grow but never collapse to 0. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
    const ceiling = Math.min(policy.maxMs, policy.initialMs * Math.pow(policy.factor, attempt));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
    if (!header) return undefined;
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
    return undefined;
}
