// Another administrator changing a user while our modify job for it runs. Our record carries
// what the program does not declare as it was read right before the job (the vendor replaces
// the role set and clears fields a record leaves out), so the job may undo their change. The
// tenant's audit events tell: any event on the user, by another account, between our read and
// the job's result. What it touched (from its description; an event whose description names no
// field counts as touching every field) decides what our job may have overwritten: roles it may
// have re-granted are taken back (the reading that keeps access closed), a disable it may have
// undone is redone, and other fields are reported; the operation fails naming them.
import { AuditEvent } from "../tenant/audits";

export interface Interference {
    /** The other administrators' events on the user during our job. */
    events: AuditEvent[];
    /** Fields our record carried undeclared that those events may have changed. */
    overwritten: string[];
    /** One of them disabled the user. */
    disabled: boolean;
}

/** The events of `events` on `login` not made by `account`. */
export function foreignEvents(events: AuditEvent[], login: string, account: string): AuditEvent[] {
    const word = new RegExp(`(^|[^A-Za-z0-9._@+-])${login.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^A-Za-z0-9._@+-])`);
    return events.filter(
        (e) =>
            e.grantor.toLowerCase() !== account.toLowerCase() && (e.loginId !== undefined ? e.loginId === login : word.test(e.description)),
    );
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
        else {
            const fields = /\bupdated:\s*(.+)$/i.exec(d)?.[1];
            for (const f of fields ? fields.split(",").map((x) => x.trim()) : carried) touched.add(f);
        }
    }
    const overwritten = carried.filter((f) => touched.has(f));
    return overwritten.length > 0 || disabled ? { events, overwritten, disabled } : undefined;
}
