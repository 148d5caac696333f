// The tenant's user audit events (`GET /audits/from/{day}/to/{day}`): who changed which user, and
// when. Asked for a time window; callers that ask at about the same time share one request for
// the union of their windows, and an answer fetched after a window closed answers it again, so a
// job's users, or a refresh of hundreds of users, cost one request. A tenant that does not answer
// (an older edition, an account without the privilege) is remembered as such, and said once.
import { z } from "zod";
import { ApiError } from "../api/errors";
import { PrimaveraClient } from "../api/client";
import { progress } from "../api/progress";
import { serverDate } from "../api/schemas";
import { dateText } from "../model/dates";

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
    at: number;
    description: string;
    grantor: string;
    loginId?: string;
}

/** Events, or why the tenant gave none. */
export type Audits = { events: AuditEvent[] } | { unavailable: string };

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

    /** The events with a createTime in [from, to] (epoch ms). */
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
            progress(
                `warning: ${this.unavailable}: changes other administrators make to a user while our job changes it, and who ` +
                    `changed a user outside Pulumi, cannot be told.`,
            );
            return { unavailable: this.unavailable };
        }
    }
}

function within(audits: Audits, from: number, to: number): Audits {
    return "events" in audits ? { events: audits.events.filter((e) => e.at >= from && e.at <= to) } : audits;
}

/** An entry the tenant sent, as an event with a time (entries without one cannot be placed, and are left out). */
function toEvent(entry: unknown): AuditEvent[] {
    const r = auditEvent.safeParse(entry);
    if (!r.success) return [];
    const text = dateText(r.data.createTime);
    // A time without a zone is taken as UTC, the simulator's and the vendor examples' form.
    const at = text === undefined ? NaN : Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`);
    if (Number.isNaN(at)) return [];
    return [{ at, description: r.data.description ?? "", grantor: r.data.grantor ?? "", loginId: r.data.loginId }];
}

function day(ms: number): string {
    return new Date(ms).toISOString().slice(0, 10);
}
