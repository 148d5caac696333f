// The resource's outputs from a live user, and the managed inputs read() reports.
import { dateText } from "../model/dates";
import { declaredView, managedView, RECORD_FIELDS, UserInputs } from "../model/fields";
import { ServerUser } from "../api/schemas";

/** The managed fields as the tenant holds them, with the user's id and state. */
interface LiveFields {
    loginId: string;
    firstName?: string;
    middleName?: string;
    lastName?: string;
    emailAddress?: string;
    userType?: string;
    organization?: { name: string; type?: string };
    roles: string[];
    disabled: boolean;
    employeeNumber?: string;
    manager?: string;
    startDate?: string;
    endDate?: string;
    /** The server's internal id (also a User resource's Pulumi id). */
    userId: string;
    status?: string;
    locked?: boolean;
}

/**
 * A User resource's outputs as the provider works with them: plain JSON, no undefined values.
 * What is stored is smaller (toOutputs, expandOutputs): only what managing the user needs and
 * what a program reads back, because the engine stores the outputs and rewrites the whole state at
 * every step, so each property is paid for at every checkpoint of every `pulumi up` (README,
 * Performance). The tenant's bookkeeping (role and organization ids, dates, creator) is in the
 * lookups' UserInfo (getUser), not here.
 */
export interface UserOutputs extends LiveFields {
    /** Salted HMAC of the last password applied; detects a change without keeping the password. */
    passwordHash?: string;
    /** Present (true) only when the program adopts. */
    adopt?: boolean;
    /**
     * The fields the program declares (manages), comma-separated: what read() reports as the live
     * inputs. States written by 0.1.0 hold an array (declaredList reads both).
     */
    declared?: string;
}

/**
 * The stored form: the declared fields with the values the tenant last showed (what diff measures
 * drift against) are kept together as one JSON text, `spec`, whose keys are the declared fields
 * (`"organization.type": true` when the type is declared), instead of one output each and a list
 * of their names. It has the name of the input that holds the declared values (spec.ts), so a
 * secret field, which makes the input a secret, makes the engine keep this output secret too (it
 * marks an output secret when the input of the same name is). The program reads the declared
 * fields' outputs from its own inputs (user.ts), which the job or read-back confirmed. Fields the
 * program does not declare stay outputs of their own (a program without `roles` still reads the
 * live roles; `User.get` declares nothing and reads all). States written before are read as they
 * are (expandOutputs): every field its own output and `declared` (0.1.0), or the same text as
 * `live` (development builds only: that name left a secret field's live value in plain text).
 */
export type StoredUserOutputs = Partial<UserOutputs> & { spec?: string; live?: string };

/** The key of the stored `spec` that says the organization's type is declared. */
const ORG_TYPE = "organization.type";

/** Always outputs of their own: the identity and state a program uses to refer to the user. */
const OWN_OUTPUTS = new Set(["loginId", "userId", "status", "locked"]);

/** What the stored `spec` may hold: the managed fields but the login (an output of its own), and ORG_TYPE. */
const LIVE_KEYS = new Set<string>([...RECORD_FIELDS.map((f) => f.key as string).filter((k) => !OWN_OUTPUTS.has(k)), ORG_TYPE]);

/** A user as the tenant holds it, with the tenant's bookkeeping: what the lookups (getUser, getUsers) return. */
export interface UserInfo extends LiveFields {
    roleDetails: { name: string; id?: string; displayName?: string }[];
    organizationDetails?: { name: string; id?: string; displayName?: string; type?: string };
    createdDate?: string;
    updatedDate?: string;
    provisionedDate?: string;
    createdBy?: string;
}

type Extra = Pick<UserOutputs, "passwordHash" | "adopt"> & { declared?: string[] };

/**
 * The managed fields, id and state of a live user. `declaredOrgType`: the organization type the
 * program declared. The type belongs to the organization, and a tenant may report none for it:
 * then the declared type is what is in force (it was sent with the user's record), so it is kept,
 * where a later change of it shows as a change. A type the tenant reports always wins (drift shows).
 */
function liveFields(user: ServerUser, declaredOrgType?: string): LiveFields {
    const view = managedView(user);
    const organization = view.organization && {
        name: view.organization.name,
        type: view.organization.type ?? declaredOrgType,
    };
    return {
        ...view,
        middleName: view.middleName || undefined,
        employeeNumber: view.employeeNumber || undefined,
        manager: view.manager || undefined,
        organization,
        roles: view.roles ?? [],
        disabled: view.disabled ?? false,
        userId: user.id ?? "",
        status: user.status,
        locked: user.locked,
    };
}

/** A User resource's outputs from the live user, as the provider works with them (expanded). */
export function outputsOf(user: ServerUser, extra: Extra, declaredOrgType?: string): UserOutputs {
    const { declared, adopt, ...rest } = extra;
    return plainJson({ ...liveFields(user, declaredOrgType), ...rest, adopt: adopt || undefined, declared: declared?.join(",") });
}

/** What the state holds of some outputs (StoredUserOutputs): the declared fields folded into `spec`. */
export function storedOutputs(outs: UserOutputs): StoredUserOutputs {
    const { declared, ...fields } = outs as UserOutputs & Record<string, unknown>;
    if (declared === undefined) return fields;
    const live: Record<string, unknown> = {};
    for (const key of declared.split(",")) {
        if (key === ORG_TYPE) live[ORG_TYPE] = true;
        if (key === ORG_TYPE || !LIVE_KEYS.has(key)) continue;
        live[key] = fields[key] ?? null;
        delete fields[key];
    }
    return { ...fields, spec: JSON.stringify(live) };
}

/** A User resource's stored outputs from the live user. */
export function toOutputs(user: ServerUser, extra: Extra, declaredOrgType?: string): StoredUserOutputs {
    return storedOutputs(outputsOf(user, extra, declaredOrgType));
}

/**
 * The outputs as the provider works with them, from what the state holds: the `spec` text (`live`
 * in development builds) unfolded into its fields and `declared` (its keys). A state without it
 * (written by 0.1.0, or by `User.get`) is already in that form. A text that is not a JSON object is
 * ignored: the declared fields then read as absent and the declared list as unknown, so the next up
 * re-applies them (a change, never a loss) and refresh reports no managed inputs. Only managed
 * fields are unfolded: never the identity, the provider text or anything else an edited state holds.
 */
export function expandOutputs<T extends StoredUserOutputs>(stored: T): Omit<T, "spec" | "live"> & Partial<UserOutputs> {
    const { spec, live, ...rest } = stored;
    const text = spec ?? live;
    let parsed: unknown;
    try {
        parsed = typeof text === "string" ? JSON.parse(text) : undefined;
    } catch {
        parsed = undefined;
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return rest;
    const declared = ["loginId"];
    const unfolded: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
        if (!LIVE_KEYS.has(key)) continue; // only what toOutputs writes: never the identity or the provider
        declared.push(key);
        if (key !== ORG_TYPE && value !== null) unfolded[key] = value;
    }
    return { ...rest, ...unfolded, declared: declared.join(",") };
}

/** The lookups' view of a user: its fields and the tenant's bookkeeping. */
export function userInfo(user: ServerUser): UserInfo {
    const org = user.organization;
    return plainJson({
        ...liveFields(user),
        roleDetails: (user.roles ?? [])
            .map((r) => ({ name: r.name, id: r.id, displayName: r.displayName }))
            .sort((a, b) => a.name.localeCompare(b.name)),
        organizationDetails: org ? { name: org.name, id: org.id, displayName: org.displayName, type: org.type } : undefined,
        createdDate: dateText(user.createdDate),
        updatedDate: dateText(user.updatedDate),
        provisionedDate: dateText(user.provisionedDate),
        createdBy: user.createdBy,
    });
}

/** The declared fields recorded in outputs: a comma-separated text, or (states written by 0.1.0) an array. */
export function declaredList(outs: { declared?: unknown }): string[] | undefined {
    const d = outs.declared;
    if (typeof d === "string") return d ? d.split(",") : [];
    if (Array.isArray(d)) return d.filter((k): k is string => typeof k === "string");
    return undefined;
}

/**
 * The managed inputs as the tenant holds them (read() returns them, so refresh and preview show
 * drift by field): only the fields the outputs say are declared, so an absent `roles` stays absent.
 */
export function liveInputs(outs: UserOutputs, declared: string[]): Record<string, unknown> {
    return { ...declaredView(outs, declared), loginId: outs.loginId, ...(outs.adopt ? { adopt: true } : {}) };
}

/** The declared organization type of some inputs, if any. */
export function orgTypeOf(inputs: Partial<UserInputs> | undefined): string | undefined {
    const t = inputs?.organization?.type;
    return typeof t === "string" ? t : undefined;
}

/** Strips undefined (Pulumi's struct conversion refuses it) and anything that is not JSON. */
export function plainJson<T>(value: T): T {
    return JSON.parse(JSON.stringify(value)) as T;
}
