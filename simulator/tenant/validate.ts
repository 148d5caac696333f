/**
 * Checks data against a zod schema and names each problem by its field path
 * (`added[0].emailAddress: required`): request bodies (http/body.ts), the seed file and the
 * data file all report problems this way.
 */
import { z } from "zod";

/**
 * Validates `data` against `schema`. On failure returns one line per problem, each naming
 * the field by its path: `added[0].emailAddress: required`.
 */
export function validate<T extends z.ZodType>(
    schema: T,
    data: unknown,
): { ok: true; value: z.infer<T> } | { ok: false; problems: string[] } {
    const r = schema.safeParse(data, { error: issueText });
    if (r.success) return { ok: true, value: r.data };
    return { ok: false, problems: r.error.issues.map((i) => `${pathText(i.path) || "body"}: ${i.message}`) };
}

function issueText(iss: z.core.$ZodRawIssue): string | undefined {
    if (iss.code === "invalid_type") return iss.input === undefined ? "required" : `expected ${iss.expected}`;
    if (iss.code === "too_small" && iss.origin === "string") return "must not be empty";
    return undefined;
}

function pathText(path: PropertyKey[]): string {
    let s = "";
    for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${String(p)}` : String(p);
    return s;
}
