// The account the provider signs in with must keep signing in: nothing this provider sends may
// delete, deprovision, disable, strip or time-limit it (a locked-out provider cannot undo it, and
// it may be the tenant's only administrator).
import { PrimaveraError } from "../api/errors";
import { ServerUser, UserRecord } from "../api/schemas";
import { dateText, normalizeDate } from "../model/dates";

export type AccountChange = UserRecord | "delete" | "deprovision";

/**
 * Throws naming the change when `change` would stop `live` from signing in while it is one of
 * `accounts` (lower case): every account the provider signs in to that server with, on any profile.
 */
export function guardOwnAccount(accounts: ReadonlySet<string>, live: ServerUser, change: AccountChange): void {
    if (!isSignInAccount(accounts, live.loginId)) return;
    const refusal = whatStopsSignIn(live, change);
    if (refusal === undefined) return;
    throw new PrimaveraError(
        `refusing to ${refusal} user '${live.loginId}': it is the account this provider signs in with (primavera:username, or a profile's username on this server). ` +
            `Doing it would lock Pulumi (and maybe every administrator) out of the tenant. Do it in the vendor UI, ` +
            `signed in as another administrator, if you really mean it.`,
    );
}

/** Whether `login` is one of `accounts` (lower case), the accounts the provider signs in to a server with. */
export function isSignInAccount(accounts: ReadonlySet<string>, login: string): boolean {
    return accounts.has(login.toLowerCase());
}

/**
 * Throws when an add would be sent for a login the provider signs in with: the account exists
 * whatever the tenant's read said, and an add is an upsert that would land on it as declared.
 */
export function guardOwnAccountAdd(accounts: ReadonlySet<string>, login: string): void {
    if (!isSignInAccount(accounts, login)) return;
    throw new PrimaveraError(
        `refusing to create user '${login}': the provider signs in with that account (primavera:username, or a profile's ` +
            `username on this server), or one that differs from it only by case, yet the tenant says it has no such user. ` +
            `An add is an upsert: it would overwrite that account's roles, status and password with this declaration. ` +
            `Manage the account in the vendor UI, or choose another loginId.`,
    );
}

/** The words for what `change` would do to the account's sign-in, or undefined when it keeps it. */
function whatStopsSignIn(live: ServerUser, change: AccountChange): string | undefined {
    if (change === "delete") return "delete";
    if (change === "deprovision") return "deprovision (disable and remove all roles of)";
    if (change.disabled === true) return "disable";
    // A password set here would sign the provider out: it holds the one in its settings.
    if (change.password !== undefined) return "set a password on";
    const keep = new Set((change.roles ?? []).map((r) => r.name));
    const lost = (live.roles ?? []).map((r) => r.name).filter((r) => !keep.has(r));
    if (change.roles !== undefined && lost.length > 0) return `remove roles [${lost.join(", ")}] from`;
    const endDate = normalizeDate(change.endDate);
    if (endDate !== undefined && endDate !== normalizeDate(dateText(live.endDate))) return `set an end date (${endDate}) on`;
    // Any new start date: one without an offset is the tenant's local time, which may be hours from ours.
    const startDate = normalizeDate(change.startDate);
    if (startDate !== undefined && startDate !== normalizeDate(dateText(live.startDate))) return `set a start date (${startDate}) on`;
    return undefined;
}
