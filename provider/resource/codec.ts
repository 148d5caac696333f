// The provider boundary of a User: what the engine hands over (property bags of any vintage) in,
// typed values out, and typed outputs back to the flat form the state holds. The CRUD methods of
// UserProvider see typed values only.
//
// The state holds one output per field, as Pulumi's own providers do, plus `managedFields`. Forms
// written by earlier versions are read as they are and written back flat by the next up or refresh:
// - 0.1.0: one output per field, the declared fields as the list `declared`, and bookkeeping
//   outputs (role and organization details, dates, the creator, the last job id), now dropped;
// - `spec` (0.2 development): the declared fields' live values in one JSON text `spec`, whose keys
//   were the declared fields (`"organization.type": true` when the type was declared);
// - `live`: the same text under an older name.
import { z } from "zod";
import { containsUnknown, PROVIDER_KEY } from "./check";
import { RECORD_FIELDS, UserInputs, userInputs } from "../model/fields";
import { PrimaveraError } from "../api/errors";
import { userTexts } from "../api/schemas";

/** What the engine passes in and stores: an untyped property bag. */
export type PropertyBag = Record<string, unknown>;

const organization = z.object({ name: z.string(), type: z.string().optional() }).strict();

/** A User's outputs, as the provider returns them and the state holds them (the flat form). */
export const userOutputs = z
    .object({
        ...z.object(userTexts).omit({ id: true }).shape,
        organization: organization.optional(),
        roles: z.array(z.string()),
        disabled: z.boolean(),
        startDate: z.string().optional(),
        endDate: z.string().optional(),
        userId: z.string(),
        status: z.string().optional(),
        locked: z.boolean().optional(),
        passwordHash: z.string().optional(),
        adopt: z.boolean().optional(),
        managedFields: z.array(z.string()).optional(),
        tenant: z.string().optional(),
    })
    .strict();

/** A User's outputs (see userOutputs). */
export type UserOutputs = z.infer<typeof userOutputs>;

/** Stored outputs may lack anything: `User.get` starts from none, and a hand-edited state from some. */
const storedOutputs = userOutputs.partial();

/** Outputs as read from a state of any form. */
export type StoredOutputs = z.infer<typeof storedOutputs>;

/** The known inputs of a diff: any may be absent. Built once: zod compiles a schema on its first parse. */
const knownInputs = userInputs.partial();

/** The form a state was written in: only `flat` is written today. */
export type StoredForm = "flat" | "0.1.0" | "spec" | "live";

/** Outputs 0.1.0 wrote that are not kept any more. */
const BOOKKEEPING_0_1_0 = ["roleDetails", "organizationDetails", "createdDate", "updatedDate", "provisionedDate", "createdBy", "lastJobId"];

/** The keys the `spec` text held: the managed fields but the login, and the organization type marker. */
const SPEC_TEXT_KEYS = new Set<string>([...RECORD_FIELDS.map((f) => f.key as string).filter((k) => k !== "loginId"), "organization.type"]);

/** A state or inputs that are not a User's (hand-edited, or another resource's); names what is wrong. */
export class CodecError extends PrimaveraError {
    constructor(message: string) {
        super(message);
        this.name = "CodecError";
    }
}

/** The stored outputs of a User, in any form, as typed outputs; throws CodecError naming a stray property. */
export function decodeOutputs(raw: PropertyBag | undefined): { outputs: StoredOutputs; form: StoredForm } {
    const { [PROVIDER_KEY]: _provider, spec, live, declared, ...rest } = raw ?? {};
    const fields: PropertyBag = { ...rest };
    let form: StoredForm = "flat";
    if (spec !== undefined || live !== undefined) {
        form = spec !== undefined ? "spec" : "live";
        Object.assign(fields, unfoldText(spec ?? live, form));
    } else if (declared !== undefined || BOOKKEEPING_0_1_0.some((k) => k in fields)) {
        form = "0.1.0";
        for (const k of BOOKKEEPING_0_1_0) delete fields[k];
        const list = typeof declared === "string" ? declared.split(",").filter(Boolean) : declared;
        if (list !== undefined) fields.managedFields = list;
    }
    const parsed = storedOutputs.safeParse(fields);
    if (!parsed.success) throw new CodecError(`the state of user '${describeLogin(fields)}' ${problems(parsed.error, "outputs")}`);
    return { outputs: parsed.data, form };
}

/**
 * The fields of a `spec` (or `live`) text and the managed field list its keys make. A text that is
 * not a JSON object is read as holding nothing: the declared fields then read as absent, so the
 * next up applies them again (a change, never a loss).
 */
function unfoldText(text: unknown, form: StoredForm): PropertyBag {
    let parsed: unknown;
    try {
        parsed = typeof text === "string" ? JSON.parse(text) : undefined;
    } catch {
        parsed = undefined;
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
    const entries = Object.entries(parsed);
    const stray = entries.filter(([k]) => !SPEC_TEXT_KEYS.has(k)).map(([k]) => `'${k}'`);
    if (stray.length > 0)
        throw new CodecError(
            `the stored \`${form}\` text holds ${stray.join(", ")}, which a User never stored there; fix or remove the state`,
        );
    const managed = inTableOrder(["loginId", ...entries.map(([k]) => k)]);
    const values = Object.fromEntries(entries.filter(([k, v]) => k !== "organization.type" && v !== null));
    return { ...values, managedFields: managed };
}

/** Typed outputs in the form the state holds: one property per field, nothing undefined. */
export function encodeOutputs(outputs: UserOutputs): PropertyBag {
    const { adopt, ...rest } = userOutputs.parse(outputs);
    return plainJson({ ...rest, ...(adopt ? { adopt } : {}) });
}

/** The declared inputs of a create or update (checked before): typed; throws CodecError naming the problem. */
export function decodeInputs(raw: PropertyBag): UserInputs {
    const { [PROVIDER_KEY]: _provider, ...fields } = raw;
    const parsed = userInputs.safeParse(withoutNulls(fields));
    if (!parsed.success) throw new CodecError(`the inputs of user '${describeLogin(fields)}' ${problems(parsed.error, "inputs")}`);
    return parsed.data;
}

/** The declared inputs of a diff: the known ones typed, and the names of those not known yet (a preview). */
export function decodeNews(raw: PropertyBag): { known: Partial<UserInputs>; unknown: string[]; provider?: string } {
    const { [PROVIDER_KEY]: provider, ...fields } = raw;
    const unknown = Object.keys(fields).filter((k) => containsUnknown(fields[k]));
    const known = Object.fromEntries(Object.entries(withoutNulls(fields)).filter(([k]) => !unknown.includes(k)));
    const parsed = knownInputs.safeParse(known);
    if (!parsed.success) throw new CodecError(`the inputs of user '${describeLogin(fields)}' ${problems(parsed.error, "inputs")}`);
    return { known: parsed.data, unknown, ...(typeof provider === "string" ? { provider } : {}) };
}

/** The `__provider` text of some properties, if any. */
export function providerTextOf(raw: PropertyBag | undefined): string | undefined {
    const text = raw?.[PROVIDER_KEY];
    return typeof text === "string" ? text : undefined;
}

/** Strips undefined (Pulumi's struct conversion refuses it) and anything that is not JSON. */
export function plainJson<T>(value: T): T {
    return JSON.parse(JSON.stringify(value)) as T;
}

/** Field names in the field table's order, `organization.type` last (the order declaredKeys gives). */
function inTableOrder(names: string[]): string[] {
    const order = [...RECORD_FIELDS.map((f) => f.key as string), "organization.type"];
    return [...names].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

function withoutNulls(fields: PropertyBag): PropertyBag {
    return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined));
}

function describeLogin(fields: PropertyBag): string {
    return typeof fields.loginId === "string" ? fields.loginId : "(no login)";
}

/** Each problem of a failed parse, naming the property: a stray one, or one of the wrong shape. */
function problems(error: z.ZodError, what: string): string {
    const parts = error.issues.map((issue) => {
        const at = issue.path.map(String).join(".");
        if (issue.code === "unrecognized_keys") {
            const keys = issue.keys.map((k) => `'${at ? `${at}.` : ""}${k}'`).join(", ");
            return `holds ${keys}, which a User's ${what} do not take`;
        }
        return `has ${at || "a value"} of the wrong shape (${issue.message})`;
    });
    return parts.join("; ");
}
