// What an answer from the tenant may cost before it is refused: its size in bytes (enforced while
// it is received), the number of JSON objects and arrays in it (counted before it is parsed: a
// few megabytes of `{}` would otherwise become millions of objects), and the validation of lists
// (entry by entry, stopping at the first bad one, so a broken list never costs an error per entry).
import { z } from "zod";

/** Largest answer body accepted. */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** Most JSON values in one answer (objects, arrays, and the members and items in them): a list of 10,000 users needs about a tenth of it. */
export const MAX_JSON_NODES = 5_000_000;
/** Issues quoted from one validation failure. */
const QUOTED_ISSUES = 3;

export type Parsed = { json: unknown } | { tooManyNodes: number };

/** The JSON value of `text` (undefined when it is not JSON), or how many nodes made it too costly to parse. */
export function parseBoundedJson(text: string, maxNodes = MAX_JSON_NODES): Parsed {
    if (!text.trim()) return { json: undefined };
    let nodes = 0;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        // '{' '[' ',' ':', inside strings too, which only ever overcounts.
        if ((c === 0x7b || c === 0x5b || c === 0x2c || c === 0x3a) && ++nodes > maxNodes) return { tooManyNodes: nodes };
    }
    try {
        return { json: JSON.parse(text) };
    } catch {
        return { json: undefined };
    }
}

/** The first few issues of a failed validation, as one short text. */
export function issuesText(error: z.ZodError): string {
    const shown = error.issues.slice(0, QUOTED_ISSUES).map((i) => `${i.path.join(".") || "(value)"}: ${i.message}`);
    const more = error.issues.length - shown.length;
    return shown.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

/** Every item validated by `schema`, in order; stops at the first invalid one and says which. */
export function validateEach<S extends z.ZodType>(schema: S, items: unknown[]): { ok: z.infer<S>[] } | { bad: number; why: string } {
    const ok: z.infer<S>[] = [];
    for (let i = 0; i < items.length; i++) {
        const r = schema.safeParse(items[i]);
        if (!r.success) return { bad: i, why: issuesText(r.error) };
        ok.push(r.data);
    }
    return { ok };
}
