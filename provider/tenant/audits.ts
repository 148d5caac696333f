// The tenant's user audit events (`GET /audits/from/{day}/to/{day}`): who changed which user, and
// when. Asked for a time window; callers that ask at about the same time share one request for
// the union of their windows, and an answer fetched after a window closed answers it again, so a
// job's users, or a refresh of hundreds of users, cost one request. A tenant that does not answer
// (an older edition, an account without the privilege) is remembered as such, and said once.
import { z } from "zod";
import { ApiError } from "../api/errors";
import { PrimaveraClient } from "../api/client";
import { warning } from "../api/progress";
import { serverDate } from "../api/schemas";
import { dateText, tenantTime } from "../model/dates";

/** One audit event; `loginId` when the tenant names the user acted on, else found in the description. */
const auditEvent = z
    .object({
        auditId: z.union([z.string(), z.number()]).optional(),
        createTime: serverDate.optional(),
        description: z.string().optional(),
        grantor: z.string().optional(),
        loginId: z.string().optional(),
    })
    .loose();

export interface AuditEvent {
    /** What tells two events apart: the tenant's auditId, else the event's own fields. */
    key: string;
    /** Epoch ms of its createTime (the tenant's clock), or undefined when the tenant wrote it in a form not understood. */
    at: number | undefined;
    /** How precise `at` is: 1000 for a createTime in whole seconds. */
    precisionMs: number;
    description: string;
    grantor: string;
    loginId?: string;
}

/** Events, or why the tenant gave none. */
export type Audits = { events: AuditEvent[] } | { unavailable: string };

/** The events the tenant had recorded at a moment: what a later read of the log tells new ones apart from. */
export interface AuditSnapshot {
    at: number;
    keys: Set<string>;
}

const ANY_LIST = z.array(z.unknown());
/** How long callers are gathered into one request. */
const GATHER_MS = 5;
const DAY_MS = 86_400_000;

interface Fetch {
    from: number;
    to: number;
    fetchedAt: number;
    answer: Promise<Audits>;
}

export class AuditLog {
    private last: Fetch | undefined;
    private pending: { from: number; to: number; deadline: number; resolve(a: Audits): void; reject(e: unknown): void }[] = [];
    private unavailable: string | undefined;

    constructor(private readonly client: PrimaveraClient) {}

    /** What the log holds now (the last day's events), or undefined when the tenant does not answer it. */
    async snapshot(deadline: number): Promise<AuditSnapshot | undefined> {
        const at = Date.now();
        const audits = await this.between(at - DAY_MS, at, deadline);
        return "events" in audits ? { at, keys: new Set(audits.events.map((e) => e.key)) } : undefined;
    }

    /** The events recorded after `snapshot`, in the tenant's order, read after `until` (epoch ms). */
    async since(snapshot: AuditSnapshot, until: number, deadline: number): Promise<AuditEvent[] | undefined> {
        const audits = await this.between(snapshot.at - DAY_MS, until, deadline);
        return "events" in audits ? audits.events.filter((e) => !snapshot.keys.has(e.key)) : undefined;
    }

    /** The events with a createTime in [from, to] (epoch ms), read after `to`. */
    between(from: number, to: number, deadline: number): Promise<Audits> {
        if (this.unavailable) return Promise.resolve({ unavailable: this.unavailable });
        const last = this.last;
        if (last && last.from <= from && last.to >= to && last.fetchedAt > to) return last.answer.then((a) => within(a, from, to));
        return new Promise<Audits>((resolve, reject) => {
            this.pending.push({ from, to, deadline, resolve, reject });
            if (this.pending.length === 1) setTimeout(() => this.flush(), GATHER_MS);
        });
    }

    private flush(): void {
        const batch = this.pending;
        this.pending = [];
        const from = Math.min(...batch.map((p) => p.from));
        const to = Math.max(...batch.map((p) => p.to));
        const answer = this.fetch(from, to, Math.max(...batch.map((p) => p.deadline)));
        this.last = { from, to, fetchedAt: Date.now(), answer };
        answer.catch(() => (this.last = undefined)); // a failure is not kept for the next caller
        for (const p of batch)
            answer.then(
                (a) => p.resolve(within(a, p.from, p.to)),
                (e: unknown) => p.reject(e),
            );
    }

    private async fetch(from: number, to: number, deadline: number): Promise<Audits> {
        // Whole UTC days, one more before: a tenant whose days begin in another time zone still answers the window.
        const path = this.client.path(`/audits/from/${day(from - DAY_MS)}/to/${day(to + DAY_MS)}`);
        try {
            const list = await this.client.getJson(path, ANY_LIST, { deadline, purpose: "reading the audit events", maxAttempts: 3 });
            return { events: (list ?? []).flatMap(toEvent) };
        } catch (e) {
            if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 403 && e.status !== 405)) throw e;
            this.unavailable = `the tenant does not answer its audit events (HTTP ${e.status} on GET ${path})`;
            warning(
                `${this.unavailable}: changes other administrators make to a user while our job changes it, and who ` +
                    `changed a user outside Pulumi, cannot be told.`,
            );
            return { unavailable: this.unavailable };
        }
    }
}

/** The events that may fall in [from, to]: an event whose time is not understood may, and is kept. */
function within(audits: Audits, from: number, to: number): Audits {
    if (!("events" in audits)) return audits;
    return { events: audits.events.filter((e) => e.at === undefined || (e.at + e.precisionMs > from && e.at <= to)) };
}

/** An entry the tenant sent, as an event; a time in a form not understood is kept as unknown, never dropped. */
function toEvent(entry: unknown): AuditEvent[] {
    const r = auditEvent.safeParse(entry);
    if (!r.success) return [];
    const text = dateText(r.data.createTime);
    const at = tenantTime(text);
    const precisionMs = text !== undefined && /:\d{2}\.\d/.test(text) ? 1 : 1000;
    const description = r.data.description ?? "";
    const grantor = r.data.grantor ?? "";
    const key = r.data.auditId !== undefined ? `id:${r.data.auditId}` : `at:${text}|${grantor}|${r.data.loginId ?? ""}|${description}`;
    return [{ key, at, precisionMs, description, grantor, loginId: r.data.loginId }];
}

function day(ms: number): string {
    return new Date(ms).toISOString().slice(0, 10);
}
