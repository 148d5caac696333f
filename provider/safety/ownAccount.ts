// The account the provider signs in with must keep signing in: nothing this provider sends may
// delete, deprovision, disable, strip or time-limit it (a locked-out provider cannot undo it, and
// it may be the tenant's only administrator).
import { PrimaveraError } from "../api/errors";
import { ServerUser, UserRecord } from "../api/schemas";
import { dateText, normalizeDate } from "../model/dates";

export type AccountChange = UserRecord | "delete" | "deprovision";

/** Throws naming the change when `change` would stop `account` (primavera:username) from signing in. */
export function guardOwnAccount(account: string, live: ServerUser, change: AccountChange, now = new Date()): void {
    if (live.loginId.toLowerCase() !== account.toLowerCase()) return;
    const refusal = whatStopsSignIn(live, change, now);
    if (refusal === undefined) return;
    throw new PrimaveraError(
        `refusing to ${refusal} user '${live.loginId}': it is the account this provider signs in with (primavera:username). ` +
            `Doing it would lock Pulumi (and maybe every administrator) out of the tenant. Do it in the vendor UI, ` +
            `signed in as another administrator, if you really mean it.`,
    );
}

/** The words for what `change` would do to the account's sign-in, or undefined when it keeps it. */
function whatStopsSignIn(live: ServerUser, change: AccountChange, now: Date): string | undefined {
    if (change === "delete") return "delete";
    if (change === "deprovision") return "deprovision (disable and remove all roles of)";
    if (change.disabled === true) return "disable";
    const keep = new Set((change.roles ?? []).map((r) => r.name));
    const lost = (live.roles ?? []).map((r) => r.name).filter((r) => !keep.has(r));
    if (change.roles !== undefined && lost.length > 0) return `remove roles [${lost.join(", ")}] from`;
    const today = now.toISOString().slice(0, 19);
    const endDate = normalizeDate(change.endDate);
    if (endDate !== undefined && endDate !== normalizeDate(dateText(live.endDate))) return `set an end date (${endDate}) on`;
    const startDate = normalizeDate(change.startDate);
    if (startDate !== undefined && startDate > today && startDate !== normalizeDate(dateText(live.startDate)))
        return `set a start date in the future (${startDate}) on`;
    return undefined;
}
