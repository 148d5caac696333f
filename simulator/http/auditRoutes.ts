/**
 * The vendor's User Audit Events routes (`/audits`, `/audits/from/{startDate}/to/{endDate}`,
 * `/audits/page/{page}/count/{size}`): their table entries and handlers, which read the tenant's
 * audit log (tenant/audit.ts), and the `audits` fault switch that makes them missing (an older
 * edition, 404) or forbidden (an account without the privilege, 403).
 */
import type { ApiCtx, ApiRoute } from "./apiRoutes";
import { Faults } from "../tenant/faults";
import { AuditLog } from "../tenant/audit";
import { HttpError, sendJson } from "./respond";
import { route, Route } from "./router";

/** The vendor's 400 text on the audit and role routes (the user routes say "Please check."). */
const INVALID_AUDIT_INPUT = "Invalid input, Please re-check the input.";
const DAY_MS = 24 * 60 * 60 * 1000;

/** The audit routes, in match order, for the vendor route table of every version. */
export function auditRoutes(audit: AuditLog, faults: Faults): Route<ApiRoute>[] {
    const api = (handle: (c: ApiCtx) => void): ApiRoute => ({
        auth: "api",
        handle: (c) => {
            if (faults.auditsMode === "missing") throw new HttpError(404, `No resource at ${c.url.pathname}.`);
            if (faults.auditsMode === "forbidden")
                throw new HttpError(403, `User ${c.principal.username} is not authorized to perform this operation.`);
            handle(c);
        },
    });
    return [
        route(
            "GET",
            "/audits",
            api((c) => sendJson(c.res, 200, audit.all())),
        ),
        route(
            "GET",
            "/audits/from/{startDate}/to/{endDate}",
            api((c) => {
                const from = dayStart("startDate", c.params.startDate);
                const to = dayStart("endDate", c.params.endDate);
                if (from > to) throw invalid(`startDate: ${c.params.startDate} is after endDate ${c.params.endDate}`);
                sendJson(c.res, 200, audit.between(from, to + DAY_MS));
            }),
        ),
        route(
            "GET",
            "/audits/page/{page}/count/{size}",
            api((c) => sendJson(c.res, 200, audit.page(wholeNumber("page", c.params.page, 0), wholeNumber("size", c.params.size, 1)))),
        ),
    ];
}

/** Midnight UTC of a `YYYY-MM-DD` day, epoch ms; a 400 HttpError naming `field` otherwise. */
function dayStart(field: string, text: string): number {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
    // Date.UTC rolls 2026-02-30 over to March; only a day that round-trips is a real one.
    if (!m || new Date(ms).toISOString().slice(0, 10) !== text) throw invalid(`${field}: expected a date YYYY-MM-DD, got "${text}"`);
    return ms;
}

/** A path segment as a whole number of at least `min`; a 400 HttpError naming `field` otherwise. */
function wholeNumber(field: string, text: string, min: number): number {
    const n = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
    if (!(n >= min)) throw invalid(`${field}: expected a whole number from ${min}, got "${text}"`);
    return n;
}

function invalid(detail: string): HttpError {
    return new HttpError(400, `${INVALID_AUDIT_INPUT} ${detail}`, detail);
}
