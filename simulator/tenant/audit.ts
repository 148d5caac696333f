/**
 * The tenant's user audit events (the vendor's "User Audit Events"): one per change the tenant
 * makes to a user, who made it and what it was, oldest first, the newest EVENTS_KEPT of them.
 * The store records them (store.ts); the audit routes read them (http/auditRoutes.ts). The texts
 * of the descriptions live here so every kind of change words its event the same way.
 */
import { AuditEventWire } from "../http/wire";

/** How many events the tenant keeps (the newest). */
export const EVENTS_KEPT = 100_000;
/** First audit id: six digits, so ids of any practical run also sort as text. */
const FIRST_AUDIT_ID = 100_001;

/** The description of each kind of change. */
export const auditText = {
    created: (loginId: string) => `User ${loginId} created`,
    /** `fields`: the names of the fields whose value changed, in record order. */
    updated: (loginId: string, fields: readonly string[]) => `User ${loginId} updated: ${fields.length ? fields.join(", ") : "no change"}`,
    deleted: (loginId: string) => `User ${loginId} deleted`,
    disabled: (loginId: string) => `User ${loginId} disabled`,
    enabled: (loginId: string) => `User ${loginId} enabled`,
    unlocked: (loginId: string) => `User ${loginId} unlocked`,
};

export class AuditLog {
    /** Events oldest first; those before `start` are dropped (trimmed in batches to keep recording O(1)). */
    private events: AuditEventWire[];
    private start = 0;
    private nextId: number;

    /** Starts from saved events (a data file) and the id counter saved with them. */
    constructor(saved: readonly AuditEventWire[] = [], nextAuditId?: number) {
        this.events = saved.slice(-EVENTS_KEPT);
        const last = this.events.length ? Number(this.events[this.events.length - 1].auditId) + 1 : FIRST_AUDIT_ID;
        this.nextId = Math.max(nextAuditId ?? FIRST_AUDIT_ID, last);
    }

    /** Records one change to `loginId`, made by `grantor`, now. */
    record(loginId: string, description: string, grantor: string): void {
        this.events.push({ auditId: String(this.nextId++), createTime: new Date().toISOString(), description, grantor, loginId });
        if (this.events.length - this.start > EVENTS_KEPT) this.start++;
        if (this.start >= EVENTS_KEPT) {
            this.events = this.events.slice(this.start);
            this.start = 0;
        }
    }

    /** Every kept event, oldest first. */
    all(): AuditEventWire[] {
        return this.events.slice(this.start);
    }

    /** The events created at or after `fromMs` and before `toMs` (epoch ms), oldest first. */
    between(fromMs: number, toMs: number): AuditEventWire[] {
        return this.all().filter((e) => {
            const t = Date.parse(e.createTime);
            return t >= fromMs && t < toMs;
        });
    }

    /** Page `page` (0-based) of `size` events, oldest first; empty past the end. */
    page(page: number, size: number): AuditEventWire[] {
        const from = this.start + page * size;
        return from >= this.events.length ? [] : this.events.slice(from, Math.min(from + size, this.events.length));
    }

    /** Forgets every event; ids keep counting so none is reused. */
    clear(): void {
        this.events = [];
        this.start = 0;
    }

    /** The id the next event gets (persisted with the events). */
    get nextAuditId(): number {
        return this.nextId;
    }
}
