// Who changed a managed user outside Pulumi, and when, from the tenant's audit events: a refresh
// that finds a user changed, removed or created again says so, one warning per user, e.g.
// `JSMITH: emailAddress changed outside Pulumi by COADMIN at 2026-12-01T10:04:11Z`. The events of
// the last week are read once per run (every refresh of the run shares the one read); a tenant
// that does not answer them is said once, and the warning then names no author.
import { quoteTenant } from "../safety/redaction";
import { warning } from "../api/progress";
import { Tenant } from "../tenant/registry";
import { AuditEvent } from "../tenant/audits";
import { mentions } from "../safety/interference";

/** Where the window of each tenant's audit events ends: at its first drift of the run, so every later one shares the one read. */
const windowEnds = new WeakMap<object, number>();

/** Longest account name quoted from the tenant's audit events (on one line). */
const GRANTOR_MAX = 100;

/** How far back a refresh looks for the author of a change. */
const LOOK_BACK_MS = 7 * 86_400_000;

export type Drift = { kind: "changed"; fields: string[] } | { kind: "removed" } | { kind: "recreated"; id: string };

/** Warns, on the resource being refreshed, what happened to `login` outside Pulumi and, when the audit events tell, who did it. */
export async function reportDrift(tenant: Tenant, account: string, login: string, drift: Drift, deadline: number): Promise<void> {
    const what =
        drift.kind === "changed"
            ? `${drift.fields.join(", ")} changed outside Pulumi`
            : drift.kind === "removed"
              ? "removed outside Pulumi"
              : `deleted and created again outside Pulumi (now id ${drift.id})`;
    const author = await lastForeignEvent(tenant, account, login, deadline).catch(() => undefined);
    const by = author
        ? ` by ${author.grantor ? quoteTenant(author.grantor, GRANTOR_MAX) : "an unnamed account"} at ${author.at === undefined ? "an unknown time" : new Date(author.at).toISOString()}`
        : "";
    const then = drift.kind === "recreated" ? "; the new user is not this stack's: it is dropped from the state" : "";
    warning(`${login}: ${what}${by}${then}`);
}

/** The latest event on `login` by another account in the look-back window (one read of the log per run and tenant). */
async function lastForeignEvent(tenant: Tenant, account: string, login: string, deadline: number): Promise<AuditEvent | undefined> {
    let until = windowEnds.get(tenant.audits);
    if (until === undefined) windowEnds.set(tenant.audits, (until = Date.now()));
    const audits = await tenant.audits.between(until - LOOK_BACK_MS, until, deadline);
    if (!("events" in audits)) return undefined;
    const onUser = audits.events.filter(
        (e) =>
            (e.loginId !== undefined ? e.loginId === login : mentions(e.description, login)) &&
            e.grantor.toLowerCase() !== account.toLowerCase(),
    );
    return onUser[onUser.length - 1];
}
