// No run removes users in bulk by accident (a CSV that failed to read, a deleted loop, a destroy
// of the wrong stack): every delete or deprovision of a user takes one unit of this process's
// budget, primavera:maxDeletions (the model is Microsoft Entra Connect's accidental-delete
// threshold). A UserSet checks its whole removal against it at preview (diff) and before it
// deletes anything; a User's delete takes its unit when it runs.
import { PrimaveraError } from "../api/errors";

export class DeletionBudget {
    private used = 0;

    constructor(private limit: number) {}

    /** The latest setting wins (a process sees one run's settings). */
    setLimit(limit: number): void {
        this.limit = limit;
    }

    /** Throws (taking nothing) unless `count` more deletions fit; `what` names them in the error. */
    check(count: number, what: string): void {
        if (this.used + count <= this.limit) return;
        throw new DeletionLimitError(this.limit, this.used, count, what);
    }

    /** Takes `count` units, or throws as check() does. */
    take(count: number, what: string): void {
        this.check(count, what);
        this.used += count;
    }

    /** Gives units back for deletions that did not happen (the user was already gone, or released). */
    giveBack(count: number): void {
        this.used = Math.max(0, this.used - count);
    }
}

export class DeletionLimitError extends PrimaveraError {
    constructor(limit: number, used: number, count: number, what: string) {
        super(
            `refusing to ${what}: that is ${count} user deletion(s) on top of ${used} already in this run, over the limit of ` +
                `${limit} set by primavera:maxDeletions (default 10), which guards against removing users in bulk by accident. ` +
                `Nothing was deleted for this. If you mean it, raise the limit for this run only: ` +
                `\`PRIMAVERA_MAX_DELETIONS=${used + count} pulumi up\` (or \`pulumi destroy\`); the environment variable wins over ` +
                `the stack config for this one setting.`,
        );
        this.name = "DeletionLimitError";
    }
}
