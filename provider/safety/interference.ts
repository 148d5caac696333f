// Another administrator changing a user while our modify job for it runs. Our record carries
// what the program does not declare as it was read right before the job (the vendor replaces
// the role set and clears fields a record leaves out), so the job may undo their change. The
// tenant's audit events tell: an event on the user, by another account, recorded after the
// snapshot of the log taken right before our read and before our own job's event. What it
// touched (from its description, field names compared ignoring case; a description that names no
// field, or a name that is not a field, counts as touching every field) decides what our job may
// have overwritten: roles it may have re-granted are taken back (the reading that keeps access
// closed), a disable it may have undone is redone, and other fields are reported; the operation
// fails naming them.
import { AuditEvent } from "../tenant/audits";
import { RECORD_FIELDS } from "../model/fields";

/** Names an update may list that are none of the fields a record carries (nothing of ours to overwrite). */
const NOT_CARRIED = new Set(["id", "locked", "loginattemptsctr", "password", "pwdcantchange", "status", "no change"]);

export interface Interference {
    /** The other administrators' events on the user during our job. */
    events: AuditEvent[];
    /** Fields our record carried undeclared that those events may have changed. */
    overwritten: string[];
    /** One of them disabled the user. */
    disabled: boolean;
}

/** Whether a description names `login` as a word (for a tenant whose events carry no loginId). */
export function mentions(description: string, login: string): boolean {
    const escaped = login.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(^|[^A-Za-z0-9._@+-])${escaped}($|[^A-Za-z0-9._@+-])`).test(description);
}

/** What the foreign `events` mean for a record that carried the undeclared fields `carried`; undefined when nothing. */
export function interferenceOf(events: AuditEvent[], carried: string[]): Interference | undefined {
    if (events.length === 0) return undefined;
    const touched = new Set<string>();
    let disabled = false;
    for (const e of events) {
        const d = e.description;
        if (/\bdisabled\b/i.test(d)) disabled = true;
        else if (/\b(enabled|unlocked)\b/i.test(d)) continue;
        else for (const f of touchedBy(d, carried)) touched.add(f);
    }
    const overwritten = carried.filter((f) => touched.has(f));
    return overwritten.length > 0 || disabled ? { events, overwritten, disabled } : undefined;
}

/** The carried fields an event's description says it changed (ignoring case); all of them when it does not say. */
function touchedBy(description: string, carried: string[]): string[] {
    const listed = /\bupdated:\s*(.+)$/i.exec(description)?.[1];
    if (!listed) return carried;
    const known = new Map(RECORD_FIELDS.map((f) => [(f.key as string).toLowerCase(), f.key as string]));
    const out: string[] = [];
    for (const name of listed.split(",").map((x) => x.trim().toLowerCase())) {
        if (NOT_CARRIED.has(name)) continue;
        const field = known.get(name);
        if (field === undefined) return carried; // a name we do not know: it may be any field
        out.push(field);
    }
    return out;
}
