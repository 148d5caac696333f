// The one rule for login identity, used wherever a login is matched: single reads, list reads,
// job outcomes, lookups and export filters.
//
// A live record is a resource's user only if its loginId equals the declared one exactly (and,
// once created, its id is the one in state). A record whose login differs only in case is another
// user: it is never returned, modified or deleted for this login. When the tenant answers a
// request for one login with a record of another case, the tenant treats logins
// case-insensitively: that is surfaced as an error naming both, never merged.
import { PrimaveraError } from "../api/errors";

/** True when `a` and `b` are the same login under the rule: exactly equal. */
export function sameLogin(a: string | undefined, b: string): boolean {
    return a === b;
}

/** True when two logins differ only in case (another user under the rule, and a warning sign). */
export function caseVariant(a: string | undefined, b: string): boolean {
    return a !== undefined && a !== b && a.toLowerCase() === b.toLowerCase();
}

/** The tenant answered a login with a record of another case: it merges logins that we keep apart. */
export class LoginCaseError extends PrimaveraError {
    constructor(
        readonly asked: string,
        readonly answered: string,
        where: string,
    ) {
        super(
            `the tenant answered login '${asked}' with the user '${answered}' (${where}): it treats logins that differ only in case ` +
                `as one user. This provider keeps them apart (a case variant is another person's account), so it will not read, ` +
                `change or delete '${answered}' for '${asked}'. Declare the login exactly as the tenant holds it ('${answered}'), ` +
                `with \`adopt: true\` if this program should manage that user.`,
        );
        this.name = "LoginCaseError";
    }
}

/** Throws LoginCaseError when `answered` is not exactly `asked`. */
export function assertSameLogin(asked: string, answered: string, where: string): void {
    if (!sameLogin(answered, asked)) throw new LoginCaseError(asked, answered, where);
}
