// Error types whose messages a user can act on. None of them ever carries a credential: they are
// built from our own words, the request's method and path, and the server's error text (quoted
// through the redaction boundary).
import { quoteTenant } from "../safety/redaction";

export class PrimaveraError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PrimaveraError";
    }
}

/** An HTTP answer we cannot use (after retries). */
export class ApiError extends PrimaveraError {
    constructor(
        message: string,
        readonly status: number | undefined,
    ) {
        super(message);
        this.name = "ApiError";
    }
}

/** A deadline ran out: says what we waited for, how long, and what we saw last. */
export class DeadlineError extends PrimaveraError {
    constructor(message: string) {
        super(message);
        this.name = "DeadlineError";
    }
}

/**
 * The user exists on the server, but something after that failed (roles, for instance). Pulumi's
 * dynamic provider host turns an error carrying `id`, `properties` and `reasons` into
 * ErrorResourceInitFailed, so the engine keeps the id in state and the user is not orphaned.
 */
export class ResourceInitError extends PrimaveraError {
    readonly reasons: string[];
    constructor(
        message: string,
        readonly id: string,
        readonly properties: object,
    ) {
        super(message);
        this.name = "ResourceInitError";
        this.reasons = [message];
    }
}

/** A server's text as a message quotes it: redacted before it is cut (a cut must never split a secret's echo), on one line. */
export function excerpt(text: unknown, max = 300): string {
    return quoteTenant(typeof text === "string" ? text : JSON.stringify(text ?? ""), max);
}
