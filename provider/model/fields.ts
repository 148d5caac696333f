// The field table: every property a program declares on a user, with its rules in one place:
// how it is validated and normalized (check), whether it is managed (only when declared), its
// default (on create only), its length limit, how it goes on the wire, how it is read back from
// the tenant, and how a declared value is compared with the live one (diff, confirmation).
// Everything else (the input schema, records, outputs, diff, export columns, the README's table)
// is derived from USER_FIELDS, and UserSet reuses it per user.
import { z } from "zod";
import { DATE_PATTERN, dateText, isRealDate, isSendableDate, normalizeDate } from "./dates";
import { ServerUser, UserRecord } from "../api/schemas";
import { PROFILE_NAME } from "../config/tenants";

export type FieldKind = "login" | "text" | "email" | "organization" | "roles" | "boolean" | "date" | "secret";

export interface FieldSpec {
    key: string;
    kind: FieldKind;
    /** Required in every declaration (else optional: absent means not managed). */
    required?: boolean;
    /** Longest value in characters (strings; for roles: each name). */
    max?: number;
    /** An optional text that, when declared, must not be empty (there is no "clear it"). */
    notEmpty?: boolean;
    /** One line for the docs. */
    doc: string;
}

/** Longest organization type, in characters. */
const ORG_TYPE_MAX = 50;
/** Most roles one user may list. */
const ROLES_MAX = 500;

export const USER_FIELDS = [
    { key: "loginId", kind: "login", required: true, max: 255, doc: "The login (primary key, exact case). Changing it replaces the user." },
    { key: "firstName", kind: "text", required: true, max: 100, doc: "Given name." },
    { key: "middleName", kind: "text", max: 100, doc: 'Middle name; `""` clears it.' },
    { key: "lastName", kind: "text", required: true, max: 100, doc: "Family name." },
    { key: "emailAddress", kind: "email", required: true, max: 254, doc: "Email address." },
    {
        key: "organization",
        kind: "organization",
        required: true,
        max: 100,
        doc: `\`{ name, type? }\`: the company, by name (at most 100 characters; type at most ${ORG_TYPE_MAX}).`,
    },
    { key: "userType", kind: "text", max: 50, notEmpty: true, doc: 'The tenant\'s user type code, e.g. "EMP".' },
    {
        key: "roles",
        kind: "roles",
        max: 255,
        doc: `Role names (each at most 255 characters, at most ${ROLES_MAX}). Absent: roles are not managed. \`[]\`: no roles.`,
    },
    {
        key: "disabled",
        kind: "boolean",
        doc: "Absent: not managed, and never sent (the tenant creates a new user enabled; an adopted or disabled user stays as it is).",
    },
    { key: "employeeNumber", kind: "text", max: 100, doc: 'Employee number; `""` clears it.' },
    { key: "manager", kind: "text", max: 255, doc: 'Manager (login or name, as the tenant uses it); `""` clears it.' },
    {
        key: "startDate",
        kind: "date",
        doc: '"2026-01-31" or "2026-01-31T08:00:00[Z|+02:00]"; stored as the tenant\'s "YYYY-MM-DDTHH:MM:SS".',
    },
    { key: "endDate", kind: "date", doc: "As startDate; not before startDate (compared as instants)." },
    { key: "password", kind: "secret", max: 255, doc: "Write-only, always a secret; a change is detected through a salted hash." },
] as const satisfies readonly FieldSpec[];

/** The fields that describe the user on the tenant (all but the write-only password). */
export const RECORD_FIELDS = USER_FIELDS.filter((f) => f.kind !== "secret");

// ---------------------------------------------------------------------------------------------
// Validation and normalization (check): what is validated is what is sent.

const LOGIN_ID = /^[A-Za-z0-9][A-Za-z0-9._@+-]*$/;

const tooLong = (what: string, max: number) => ({ error: `${what}: must be at most ${max} characters` });

function loginSchema(f: FieldSpec) {
    const k = f.key;
    return z
        .string({ error: `${k}: required, the user's login, e.g. "JSMITH"` })
        .min(1, { error: `${k}: must not be empty` })
        .max(f.max!, tooLong(k, f.max!))
        .regex(LOGIN_ID, { error: `${k}: may hold letters, digits and . _ @ + - only, starting with a letter or digit` });
}

function textSchema(f: FieldSpec) {
    const k = f.key;
    const s = z.string({ error: `${k}: must be a string` }).trim();
    return (f.required || f.notEmpty ? s.min(1, { error: `${k}: must not be empty` }) : s).max(f.max!, tooLong(k, f.max!));
}

function emailSchema(f: FieldSpec) {
    const k = f.key;
    return z
        .string({ error: `${k}: required, e.g. "jim.smith@example.com"` })
        .trim()
        .max(f.max!, tooLong(k, f.max!))
        .pipe(z.email({ error: `${k}: not an email address (e.g. "jim.smith@example.com")` }));
}

function organizationSchema(f: FieldSpec) {
    return z
        .object(
            {
                name: z
                    .string({ error: "organization.name: must be a string" })
                    .trim()
                    .min(1, { error: "organization.name: must not be empty" })
                    .max(f.max!, tooLong("organization.name", f.max!)),
                type: z
                    .string({ error: "organization.type: must be a string" })
                    .trim()
                    .min(1, { error: "organization.type: must not be empty (leave it out instead)" })
                    .max(ORG_TYPE_MAX, tooLong("organization.type", ORG_TYPE_MAX))
                    .optional(),
            },
            { error: 'organization: must be an object such as { name: "sfo", type: "Company" }' },
        )
        .strict();
}

function rolesSchema(f: FieldSpec) {
    return z
        .array(
            z
                .string({ error: "roles: each role name must be a string" })
                .trim()
                .min(1, { error: "roles: a role name must not be empty" })
                .max(f.max!, { error: `roles: each role name must be at most ${f.max!} characters` }),
            { error: "roles: must be a list of role names" },
        )
        .max(ROLES_MAX, { error: `roles: may list at most ${ROLES_MAX} roles` })
        .refine((r) => new Set(r).size === r.length, { error: "roles: must not list the same role twice" });
}

function booleanSchema(f: FieldSpec) {
    return z.boolean({ error: `${f.key}: must be true or false` });
}

function dateSchema(f: FieldSpec) {
    const k = f.key;
    return z
        .string({ error: `${k}: must be a date string such as "2026-01-31"` })
        .trim()
        .regex(DATE_PATTERN, {
            error: `${k}: must look like "2026-01-31" or "2026-01-31T08:00:00" (hours 00-23), optionally with Z or an offset such as +02:00`,
        })
        .refine(isRealDate, { error: `${k}: not a real calendar date` })
        .refine(isSendableDate, {
            error: `${k}: falls outside the years 0001-9999 once converted to UTC, which the tenant cannot store`,
        })
        .transform((s) => normalizeDate(s)!);
}

function secretSchema(f: FieldSpec) {
    const k = f.key;
    return z
        .string({ error: `${k}: must be a string` })
        .min(1, { error: `${k}: must not be empty` })
        .max(f.max!, tooLong(k, f.max!));
}

/** The table's entry of a field. */
function field(key: (typeof USER_FIELDS)[number]["key"]): FieldSpec {
    return USER_FIELDS.find((f) => f.key === key)!;
}

/**
 * The inputs of one user, as check() validates and normalizes them; optional fields absent when
 * not managed. Every message starts with the field it is about (`emailAddress: not an email
 * address ...`), so a failure reads well inside the engine's own words around it.
 */
export const userInputs = z
    .object({
        loginId: loginSchema(field("loginId")),
        firstName: textSchema(field("firstName")),
        middleName: textSchema(field("middleName")).optional(),
        lastName: textSchema(field("lastName")),
        emailAddress: emailSchema(field("emailAddress")),
        organization: organizationSchema(field("organization")),
        userType: textSchema(field("userType")).optional(),
        roles: rolesSchema(field("roles")).optional(),
        disabled: booleanSchema(field("disabled")).optional(),
        employeeNumber: textSchema(field("employeeNumber")).optional(),
        manager: textSchema(field("manager")).optional(),
        startDate: dateSchema(field("startDate")).optional(),
        endDate: dateSchema(field("endDate")).optional(),
        password: secretSchema(field("password")).optional(),
        /** Take over a user that already exists with this login. */
        adopt: z.boolean({ error: "adopt: must be true or false" }).optional(),
        /** The profile of primavera:tenants whose tenant holds the user; absent: the provider's own settings. */
        tenant: z
            .string({ error: "tenant: must be a profile name of primavera:tenants" })
            .regex(PROFILE_NAME, { error: "tenant: a profile name holds letters, digits, _ and - only (up to 63)" })
            .optional(),
    })
    .strict();

/** The inputs of one user after check (normalized); optional fields absent when not managed. */
export type UserInputs = z.infer<typeof userInputs>;

/** The input properties, in the order they are documented. */
export const INPUT_KEYS = [...USER_FIELDS.map((f) => f.key), "adopt", "tenant"] as (keyof UserInputs)[];

/** endDate before startDate (both normalized to the tenant's form, so compared as instants). */
export function datesOutOfOrder(inputs: Partial<UserInputs>): string | undefined {
    const { startDate: s, endDate: e } = inputs;
    // The values are not quoted: either may be a secret.
    if (typeof s === "string" && typeof e === "string" && e < s) return "endDate: before startDate (they are compared as instants)";
    return undefined;
}

// ---------------------------------------------------------------------------------------------
// The managed view: the record fields a program can declare, as comparable plain values.

/** The managed fields of a user, as the tenant holds them (the same shape as normalized inputs). */
export type ManagedView = Omit<UserInputs, "password" | "adopt" | "tenant">;

/** What the tenant holds for each field, in the normalized shape of the inputs. */
export function managedView(live: ServerUser): ManagedView {
    const org = live.organization;
    const view: Record<string, unknown> = {};
    for (const f of RECORD_FIELDS) {
        switch (f.kind) {
            case "login":
            case "text":
            case "email": {
                const v = live[f.key as keyof ServerUser];
                view[f.key] = typeof v === "string" ? v : (f as FieldSpec).required ? "" : undefined;
                break;
            }
            case "organization":
                view[f.key] = org ? { name: org.name, ...(org.type ? { type: org.type } : {}) } : undefined;
                break;
            case "roles":
                view[f.key] = (live.roles ?? []).map((r) => r.name).sort();
                break;
            case "boolean":
                view[f.key] = live.disabled ?? false;
                break;
            case "date":
                view[f.key] = normalizeDate(dateText(live[f.key as "startDate" | "endDate"]));
                break;
        }
    }
    return view as ManagedView;
}

/** The record fields a declaration holds (its managed fields), in table order; `organization.type` when declared. */
export function declaredKeys(declared: Partial<UserInputs> | Record<string, unknown>): string[] {
    const d = declared as Partial<UserInputs> & Record<string, unknown>;
    const keys = RECORD_FIELDS.map((f) => f.key as string).filter((k) => d[k] !== undefined);
    if (d.organization?.type !== undefined) keys.push("organization.type");
    return keys;
}

/**
 * The fields `keys` (from declaredKeys) of a user as the tenant holds them: what read() reports as
 * the live inputs, and what a UserSet keeps per member. A clearable text the tenant does not hold
 * reads "" (what declaring "" means); the organization's type appears only when it is declared,
 * the declared one standing in when the tenant reports none.
 */
export function declaredView(view: Partial<ManagedView>, keys: readonly string[], declaredOrgType?: string): Record<string, unknown> {
    const all = view as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of RECORD_FIELDS as readonly FieldSpec[]) {
        if (f.kind === "login" || !keys.includes(f.key)) continue;
        const clearable = f.kind === "text" && !f.required && !f.notEmpty;
        const v = all[f.key] ?? (clearable ? "" : undefined);
        if (v !== undefined) out[f.key] = v;
    }
    const org = out.organization as { name: string; type?: string } | undefined;
    if (org)
        out.organization = keys.includes("organization.type") ? { name: org.name, type: org.type ?? declaredOrgType } : { name: org.name };
    return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}

/**
 * The declared fields whose value differs from `current` (a managed view, or the last outputs).
 * Only declared fields count: a field the program leaves out is not managed.
 */
export function changedFields(
    current: Partial<ManagedView> | Record<string, unknown>,
    declared: Partial<UserInputs> | Record<string, unknown>,
    opts: CompareOptions = {},
): string[] {
    const unknown = opts.unknown ?? (() => false);
    const changed: string[] = [];
    const cur = current as Record<string, unknown>;
    const dec = declared as Record<string, unknown>;
    for (const f of RECORD_FIELDS) {
        if (f.kind === "login") continue; // the primary key: a change replaces, it is not an update
        const v = dec[f.key];
        if (v === undefined || v === null) continue;
        if (unknown(v) || !sameValue(f, cur[f.key], v, opts.live === true)) changed.push(f.key);
    }
    return changed;
}

export interface CompareOptions {
    /** Whether a declared value is not known yet (preview): such a field counts as changed. */
    unknown?: (v: unknown) => boolean;
    /**
     * `current` is a live record (a managed view), not the last outputs: an organization type the
     * tenant does not report cannot be compared, so it is not (the outputs keep the declared one).
     */
    live?: boolean;
}

function sameValue(f: FieldSpec, current: unknown, declared: unknown, live: boolean): boolean {
    switch (f.kind) {
        case "text":
        case "email":
            return declared === ((current as string | undefined) ?? "");
        case "date":
            return normalizeDate(declared as string) === current;
        case "boolean":
            return declared === ((current as boolean | undefined) ?? false);
        case "roles":
            return sameSet(declared as string[], (current as string[] | undefined) ?? []);
        case "organization": {
            const n = declared as { name: string; type?: string };
            const o = current as { name: string; type?: string } | undefined;
            // A declared type is compared with the type in force: the tenant's, else the one last
            // declared (kept in the outputs). A live record without a type says nothing about it.
            if (n.name !== o?.name || n.type === undefined) return n.name === o?.name;
            return n.type === o?.type || (live && o?.type === undefined);
        }
        default:
            return declared === current;
    }
}

function sameSet(a: string[], b: string[]): boolean {
    if (a.length !== b.length) return false;
    const s = new Set(b);
    return a.every((x) => s.has(x));
}

// ---------------------------------------------------------------------------------------------
// Wire records.

/**
 * The writable part of a live user, as a modify record (read-modify-write starts here): every
 * field but `disabled`, which the tenant keeps when a record leaves it out; carrying the value read
 * before the job would undo an administrator who disables the user while the job runs.
 */
export function recordFromLive(live: ServerUser): UserRecord {
    const { disabled: _kept, ...view } = managedView(live);
    return declaredOnto({ loginId: live.loginId, ...(live.id ? { id: live.id } : {}) }, view);
}

/**
 * The record with the declared fields laid over it. Fields and roles the program leaves out are
 * carried over as they are (the vendor replaces a user's role set and may clear fields a modify
 * record leaves out). Nothing is defaulted: a field the program leaves out of a create is the
 * tenant's to fill.
 */
export function declaredOnto(base: UserRecord, declared: Partial<UserInputs>): UserRecord {
    const rec: Record<string, unknown> = { ...base };
    for (const f of RECORD_FIELDS) {
        const v = (declared as Record<string, unknown>)[f.key];
        if (v === undefined || v === null) continue;
        switch (f.kind) {
            case "organization": {
                const o = v as { name: string; type?: string };
                rec.organization = { name: o.name, ...(o.type ? { type: o.type } : {}) };
                break;
            }
            case "roles":
                rec.roles = (v as string[]).map((name) => ({ name }));
                break;
            case "date":
                rec[f.key] = normalizeDate(v as string);
                break;
            default:
                rec[f.key] = v;
        }
    }
    return JSON.parse(JSON.stringify(rec)) as UserRecord;
}

/** The declaration that reproduces a user exactly (export): every record field the tenant holds. */
export function declarationOf(view: Partial<ManagedView>): Record<string, unknown> {
    const args: Record<string, unknown> = {};
    for (const f of RECORD_FIELDS) {
        const v = (view as Record<string, unknown>)[f.key];
        if (v !== undefined) args[f.key] = Array.isArray(v) ? [...v] : v;
    }
    return args;
}
