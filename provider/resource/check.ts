// check(): validates the inputs with zod, without the network, and returns them normalized
// (trimmed, dates in the tenant's form): what is validated is what is sent. Each failure names
// the property and says what is wrong. Values not known yet during a preview pass through and are
// validated at `up`. No defaults are added: a field the program leaves out is not managed.
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { datesOutOfOrder, INPUT_KEYS, UserInputs, userInputs } from "../model/fields";

/** The sentinel Pulumi sends for values not known during preview (runtime/rpc.js unknownValue). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const PROVIDER_KEY = "__provider";

/** Whether the program carries another provider text than the state: new provider code must reach the state. */
export function providerTextChanged(old: unknown, now: unknown): boolean {
    return old !== undefined && now !== undefined && old !== now;
}

export function containsUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(containsUnknown);
    if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
    return false;
}

export function checkInputs(news: object, what = "a User"): pulumi.dynamic.CheckResult<UserInputs> {
    // No prototype: an own `__proto__` key stays a key (refused as stray), never a prototype zod reads through.
    const candidate: Record<string, unknown> = Object.create(null);
    const unknowns: Record<string, unknown> = Object.create(null);
    for (const [k, v] of Object.entries(news)) {
        if (k === PROVIDER_KEY || v === undefined || v === null) continue;
        // A key that is no input is refused now, known or not: a typo must not wait for `up`.
        if (containsUnknown(v) && (INPUT_KEYS as string[]).includes(k)) unknowns[k] = v;
        else candidate[k] = v;
    }
    // Inputs whose value is unknown are validated once they are known (at `up`).
    const parsed = knownInputsFor(Object.keys(unknowns)).safeParse(candidate);
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!parsed.success) {
        for (const issue of parsed.error.issues) {
            if (issue.code === "unrecognized_keys") {
                const at = issue.path.map(String).join(".");
                for (const key of issue.keys) {
                    const property = at ? `${at}.${key}` : key;
                    const takes = at ? "" : `; ${what} takes: ${INPUT_KEYS.join(", ")}`;
                    failures.push({ property, reason: `${property}: not a property of ${at ? at : what}${takes}` });
                }
                continue;
            }
            // Every reason starts with the field it is about: the engine prints it after its own
            // "property X value {...} has a problem:".
            const property = issue.path.map(String).join(".") || "(inputs)";
            const missing = issue.code === "invalid_type" && valueAt(candidate, issue.path) === undefined;
            const reason = missing
                ? `${property}: required`
                : issue.message.startsWith(`${property.split(".")[0]}`)
                  ? issue.message
                  : `${property}: ${issue.message}`;
            failures.push({ property, reason });
        }
        // Nothing checked to hand back: the caller answers with what it was given.
        return { failures };
    }
    const order = datesOutOfOrder(parsed.data);
    if (order) failures.push({ property: "endDate", reason: order });
    // Values not known yet stay as the engine sent them, to be checked at `up`.
    const normalized: Partial<UserInputs> & Record<string, unknown> = { ...parsed.data, ...unknowns };
    return { inputs: normalized as UserInputs, failures };
}

/** Most distinct sets of unknown inputs whose schema is kept (a preview has few; more are built each time). */
const MASKS_KEPT = 64;
const maskedInputs = new Map<string, z.ZodType<Partial<UserInputs>>>();

/**
 * The input schema with the given input keys optional (those not known yet), built once per set of keys:
 * zod compiles a schema on its first parse, which a preview of many users would pay per user.
 */
function knownInputsFor(unknownKeys: string[]): z.ZodType<Partial<UserInputs>> {
    const keys = [...unknownKeys].sort();
    if (keys.length === 0) return userInputs;
    const id = keys.join(",");
    const kept = maskedInputs.get(id);
    if (kept) return kept;
    const mask = Object.fromEntries(keys.map((k) => [k, true as const])) as Parameters<typeof userInputs.partial>[0];
    // eslint-disable-next-line no-restricted-syntax -- the one place a masked schema is built, kept below
    const schema = userInputs.partial(mask);
    if (maskedInputs.size < MASKS_KEPT) maskedInputs.set(id, schema);
    return schema;
}

function valueAt(obj: unknown, path: PropertyKey[]): unknown {
    let cur: unknown = obj;
    for (const p of path) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<PropertyKey, unknown>)[p];
    }
    return cur;
}
