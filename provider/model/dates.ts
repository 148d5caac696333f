// Dates: what a program may write, and the tenant's form ("YYYY-MM-DDTHH:MM:SS", a plain local
// string in every vendor example; CloudTZDateTime objects are accepted when read).
import { ServerDate } from "../api/schemas";

/** "2026-01-31", or with a time (hours 00-23) and optionally Z or an offset. */
export const DATE_PATTERN =
    /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?)?$/;

const OFFSET = /(Z|[+-]\d{2}:?\d{2})$/;

/** The day exists in the calendar (no 2026-02-30). */
export function isRealDate(s: string): boolean {
    const [y, m, d] = s.slice(0, 10).split("-").map(Number);
    const dt = new Date(Date.UTC(y, m - 1, d));
    return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
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
