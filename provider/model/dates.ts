// Dates: what a program may write, and the tenant's form ("YYYY-MM-DDTHH:MM:SS", a plain local
// string in every vendor example; CloudTZDateTime objects are accepted when read).
import { ServerDate } from "../api/schemas";

/** "2026-01-31", or with a time (hours 00-23) and optionally Z or an offset. */
export const DATE_PATTERN =
    /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?)?$/;

const OFFSET = /(Z|[+-]\d{2}:?\d{2})$/;

/** The tenant's form, the only one sent: a four-digit year from 0001. */
const TENANT_FORM = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** The day exists in the calendar (no 2026-02-30), years 0001 to 9999 included. */
export function isRealDate(s: string): boolean {
    const [y, m, d] = s.slice(0, 10).split("-").map(Number);
    // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
    const dt = new Date(0);
    dt.setUTCFullYear(y, m - 1, d);
    return y >= 1 && dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/**
 * A date a program may write: a real calendar day whose tenant form is sendable. An offset can
 * move an instant across a year boundary: 9999-12-31T23:00:00-02:00 is in the year 10000 in UTC,
 * and 0001-01-01T00:30:00+01:00 in the year 0; neither can be written in the tenant's form.
 */
export function isSendableDate(s: string): boolean {
    if (!isRealDate(s)) return false;
    const year = TENANT_FORM.exec(normalizeDate(s) ?? "")?.[1];
    return year !== undefined && year !== "0000";
}

/**
 * The tenant's form. A date alone is midnight; a time without an offset is kept as written (the
 * tenant's local time); a time with Z or an offset is converted to UTC, so two spellings of one
 * instant compare equal and endDate/startDate compare as instants.
 */
export function normalizeDate(d: string | undefined): string | undefined {
    if (!d) return undefined;
    if (/^\d{4}-\d{2}-\d{2}$/.test(d)) return `${d}T00:00:00`;
    const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?/.exec(d);
    if (!m) return d;
    if (OFFSET.test(d)) {
        const withColon = d.replace(/([+-]\d{2})(\d{2})$/, "$1:$2");
        const t = new Date(withColon);
        return Number.isNaN(t.getTime()) ? d : t.toISOString().slice(0, 19);
    }
    return `${m[1]}${m[2] ?? ":00"}`;
}

/** A server date as text (CloudTZDateTime objects included), or undefined. */
export function dateText(d: ServerDate | undefined): string | undefined {
    if (d === undefined || d === null) return undefined;
    if (typeof d === "string") return d || undefined;
    if (d.wrappedDateTime) return d.wrappedDateTime;
    if (typeof d.millis === "number") return new Date(d.millis).toISOString().slice(0, 19);
    return undefined;
}

/** A tenant's time as epoch ms: a time without a zone is taken as UTC (the simulator's and the vendor examples' form). */
export function tenantTime(text: string | undefined): number | undefined {
    if (text === undefined) return undefined;
    const at = Date.parse(OFFSET.test(text) ? text : `${text}Z`);
    return Number.isNaN(at) ? undefined : at;
}
