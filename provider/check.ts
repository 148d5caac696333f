// check(): validates the inputs with zod, without the network. Each failure names the property
// and says what is wrong. Values that are not known yet during a preview pass through.
import type * as pulumi from "@pulumi/pulumi";
import { INPUT_KEYS, UserInputs, userInputs } from "./schemas";

/** The sentinel Pulumi sends for values not known during preview (runtime/rpc.js unknownValue). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const PROVIDER_KEY = "__provider";

export function containsUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(containsUnknown);
    if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
    return false;
}

export function checkInputs(news: Record<string, unknown>): pulumi.dynamic.CheckResult<UserInputs> {
    const candidate: Record<string, unknown> = {};
    const unknownKeys: string[] = [];
    for (const [k, v] of Object.entries(news)) {
        if (k === PROVIDER_KEY || v === undefined || v === null) continue;
        if (containsUnknown(v)) unknownKeys.push(k);
        else candidate[k] = v;
    }
    // Keys whose value is unknown are validated once they are known (at `up`).
    const mask = Object.fromEntries(unknownKeys.filter((k) => (INPUT_KEYS as string[]).includes(k)).map((k) => [k, true as const]));
    const schema = unknownKeys.length ? userInputs.partial(mask as Parameters<typeof userInputs.partial>[0]) : userInputs;
    const parsed = schema.safeParse(candidate);
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!parsed.success) {
        for (const issue of parsed.error.issues) {
            if (issue.code === "unrecognized_keys") {
                for (const key of issue.keys) {
                    failures.push({
                        property: key,
                        reason: `unknown property '${key}'; a User takes: ${INPUT_KEYS.join(", ")}`,
                    });
                }
                continue;
            }
            const property = issue.path.map(String).join(".") || "(inputs)";
            const missing = issue.code === "invalid_type" && valueAt(candidate, issue.path) === undefined;
            failures.push({ property, reason: missing ? `${property} is required` : issue.message });
        }
    }
    const start = candidate.startDate,
        end = candidate.endDate;
    if (typeof start === "string" && typeof end === "string" && parsed.success && end.slice(0, 19) < start.slice(0, 19)) {
        failures.push({ property: "endDate", reason: `endDate (${end}) is before startDate (${start})` });
    }
    // The inputs Pulumi stores: what the program gave, with the documented defaults made explicit.
    const inputs = { ...news } as Record<string, unknown>;
    if (inputs.disabled === undefined || inputs.disabled === null) inputs.disabled = false;
    if (inputs.adopt === undefined || inputs.adopt === null) inputs.adopt = false;
    return { inputs: inputs as unknown as UserInputs, failures };
}

function valueAt(obj: unknown, path: PropertyKey[]): unknown {
    let cur: unknown = obj;
    for (const p of path) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<PropertyKey, unknown>)[p];
    }
    return cur;
}
