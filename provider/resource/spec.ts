// The form a User's inputs take in the engine: the login, the password (a secret of its own) and
// every other declared field together in one JSON text, `spec`.
//
// Why: the engine rewrites the whole state twice per step and pays for every property of every
// resource each time (inputs, and a dependency list per input). A User declared 10-13 properties;
// as one text, 300 Users came up 1.5 s faster through the engine with the same bytes (README,
// Performance). What it keeps:
// - `pulumi preview --diff` decodes JSON texts and shows the change by field:
//   `~ spec: (json) { ~ firstName: "Ann" => "Anne" }`;
// - the live values in the outputs are a `spec` too (outputs.ts), so a secret field makes the
//   input `spec` a secret and the engine keeps the output of the same name secret as well;
// - the provider works on the unpacked fields: every rule, failure and message names the field.
// Callers of UserProvider (tests, programs that use it directly) may pass the fields flat; check()
// answers in the form it was given.
import { containsUnknown, PROVIDER_KEY } from "./check";
import { INPUT_KEYS, UserInputs } from "../model/fields";

export const SPEC_KEY = "spec";

/** What `spec` holds, in this order: every input but the login and the password. */
export const SPEC_FIELDS = INPUT_KEYS.filter((k) => k !== "loginId" && k !== "password") as string[];

/** The inputs outside `spec`. */
const OUTSIDE = new Set<string>(["loginId", "password", PROVIDER_KEY]);

/** One canonical text for the same declaration: fields in SPEC_FIELDS order, undefined left out. */
export function specText(fields: Record<string, unknown>): string {
    const ordered: Record<string, unknown> = {};
    for (const k of SPEC_FIELDS) if (fields[k] !== undefined) ordered[k] = fields[k];
    return JSON.stringify(ordered);
}

/** Whether the inputs come in the engine's form (a `spec`). */
export function isPacked(inputs: object): boolean {
    return SPEC_KEY in inputs;
}

/** Whether `spec` is not known yet (a preview with a field computed from another resource). */
export function specUnknown(inputs: object): boolean {
    return containsUnknown((inputs as Record<string, unknown>)[SPEC_KEY]);
}

export class SpecError extends Error {}

/**
 * The inputs with `spec` unfolded into its fields (flat inputs are returned as they are). Throws
 * SpecError when `spec` is not a JSON object or holds something that is not a spec field; an
 * unknown `spec` unfolds to nothing (check and diff handle it first).
 */
export function unpackInputs<T extends object>(inputs: T): Partial<UserInputs> & { [PROVIDER_KEY]?: string } {
    const record = inputs as Record<string, unknown>;
    if (!isPacked(inputs)) return record as Partial<UserInputs>;
    const { [SPEC_KEY]: spec, ...outside } = record;
    if (containsUnknown(spec)) return outside as Partial<UserInputs>;
    let parsed: unknown;
    try {
        parsed = typeof spec === "string" ? JSON.parse(spec) : undefined;
    } catch {
        parsed = undefined;
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new SpecError(`spec must be a JSON object of the user's fields (the User resource writes it); got ${describe(spec)}`);
    }
    const stray = Object.keys(parsed).filter((k) => !SPEC_FIELDS.includes(k));
    if (stray.length > 0) {
        throw new SpecError(
            `spec holds ${stray.map((k) => `'${k}'`).join(", ")}, which a User's spec does not take; it takes: ${SPEC_FIELDS.join(", ")}`,
        );
    }
    const strayOutside = Object.keys(outside).filter((k) => !OUTSIDE.has(k));
    if (strayOutside.length > 0) {
        throw new SpecError(`${strayOutside.map((k) => `'${k}'`).join(", ")} must be inside spec, not next to it`);
    }
    return { ...(parsed as Record<string, unknown>), ...outside } as Partial<UserInputs>;
}

/** Flat inputs in the engine's form. */
export function packInputs(flat: object): Record<string, unknown> {
    const outside: Record<string, unknown> = {};
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(flat)) {
        if (OUTSIDE.has(k)) outside[k] = v;
        else fields[k] = v;
    }
    return { ...outside, [SPEC_KEY]: specText(fields) };
}

function describe(v: unknown): string {
    if (typeof v !== "string") return v === undefined ? "nothing" : typeof v;
    return v.length > 40 ? `'${v.slice(0, 40)}...'` : `'${v}'`;
}
