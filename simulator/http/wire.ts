/**
 * Wire shapes of the simulator, each defined once.
 *
 * Request shapes are zod schemas (the server validates every body with them and the
 * TypeScript types are inferred from them). Response shapes are plain interfaces: the
 * server builds them, nobody parses them here.
 *
 * Unknown fields in a request record are dropped (zod's default for objects), which is the
 * simulator's reading of the vendor's silence on the point (see README "Assumptions").
 */
import { z } from "zod";

/* ------------------------------------------------------------------ request shapes */

/** Optional text field; `null` is accepted and means "absent". */
const optionalText = z.string().nullish();

/** Client ids are strings on the wire; a number is accepted and turned into its text. */
const idText = z.union([z.string(), z.number().transform(String)]);

/** Organization reference in a user record: looked up by name, everything else ignored. */
export const OrganizationRefSchema = z.object({
    name: z.string().min(1),
    type: optionalText,
    id: idText.nullish(),
});
export type OrganizationRef = z.infer<typeof OrganizationRefSchema>;

/** Role reference in a user record (vendor shape `{name}`; id/displayName are ignored). */
export const RoleRefSchema = z.object({ name: z.string().min(1) });
export type RoleRef = z.infer<typeof RoleRefSchema>;

/** Loose email check: something@something, no blanks. */
const EMAIL = /^[^@\s]+@[^@\s]+$/;

/** One user record of `added` / `modified` (the writable part of the vendor's UserRO). */
export const UserRecordSchema = z.object({
    id: idText.nullish(),
    loginId: z.string().min(1),
    firstName: z.string().min(1),
    middleName: optionalText,
    lastName: z.string().min(1),
    emailAddress: z.string().regex(EMAIL, { error: "not a valid email address" }),
    userType: optionalText,
    organization: OrganizationRefSchema,
    roles: z.array(RoleRefSchema).nullish(),
    disabled: z.boolean().nullish(),
    password: optionalText,
    employeeNumber: optionalText,
    manager: optionalText,
    startDate: optionalText,
    endDate: optionalText,
    pwdCantChange: z.boolean().nullish(),
});
export type UserRecord = z.infer<typeof UserRecordSchema>;

/** Body of `POST /user` (the vendor's UserDataStore, request side). */
export const UserDataStoreRequestSchema = z.object({
    added: z.array(UserRecordSchema).nullish(),
    modified: z.array(UserRecordSchema).nullish(),
    deleted: z.array(z.string().min(1)).nullish(),
});
export type UserDataStoreRequest = z.infer<typeof UserDataStoreRequestSchema>;

/** Body of `PUT /user/change-status`: the vendor sends User objects; only these two fields matter. */
export const ChangeStatusRequestSchema = z.array(z.object({ loginId: z.string().min(1), disabled: z.boolean() }));
export type ChangeStatusRequest = z.infer<typeof ChangeStatusRequestSchema>;

/** Body of `PUT /user/change-lock`: User objects; only the login id matters. */
export const ChangeLockRequestSchema = z.array(z.object({ loginId: z.string().min(1) }));
export type ChangeLockRequest = z.infer<typeof ChangeLockRequestSchema>;

const rate = z.number().min(0).max(1);

/** Body of `POST /__sim/faults`. */
export const FaultConfigSchema = z.object({
    seed: z.number().int().optional(),
    error5xxRate: rate.optional(),
    rate429: rate.optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
    dropRate: rate.optional(),
    latencyMs: z.number().min(0).optional(),
    stuckJobs: z.number().int().min(0).optional(),
    failUsers: z.array(z.string()).optional(),
    /** Role names whose application access fails inside jobs: the user is still created or updated. */
    failRoles: z.array(z.string()).optional(),
    foreignJobMs: z.number().min(0).optional(),
    routes: z.array(z.string()).optional(),
    /** Logins whose entries are left out of job results although the job applied (or failed) their change. */
    dropFromResult: z.array(z.string()).optional(),
    /** Logins jobs silently do not process: not applied, not in the result. */
    skipUsers: z.array(z.string()).optional(),
    /** Every job processes nothing and completes with this text as `exception`. */
    jobException: z.string().min(1).optional(),
    /** Every user a job updates gets a fresh id, reported in `updatedIdMap`. */
    renameIds: z.boolean().optional(),
});
export type FaultConfig = z.infer<typeof FaultConfigSchema>;

/** Role reference outside the vendor API (seed files, drift): a name or a `{name}` object. */
const RoleNameOrRefSchema = z.union([z.string().min(1), RoleRefSchema]);
const OrgNameOrRefSchema = z.union([z.string().min(1), OrganizationRefSchema]);

/** Body of `PUT /__sim/users/{loginId}` (drift): any subset of the stored fields. */
export const UserPatchSchema = z.object({
    id: idText.optional(),
    firstName: z.string().min(1).optional(),
    middleName: optionalText,
    lastName: z.string().min(1).optional(),
    emailAddress: z.string().regex(EMAIL, { error: "not a valid email address" }).optional(),
    userType: z.string().optional(),
    organization: OrgNameOrRefSchema.optional(),
    roles: z.array(RoleNameOrRefSchema).optional(),
    disabled: z.boolean().optional(),
    locked: z.boolean().optional(),
    password: z.string().optional(),
    employeeNumber: optionalText,
    manager: optionalText,
    startDate: optionalText,
    endDate: optionalText,
    pwdCantChange: z.boolean().optional(),
    loginAttemptsCtr: z.union([z.string(), z.number().transform(String)]).optional(),
});
export type UserPatch = z.infer<typeof UserPatchSchema>;

export const OrganizationSchema = z.object({
    id: idText,
    name: z.string().min(1),
    displayName: z.string().optional(),
    type: z.string().optional(),
    associations: z.array(z.string()).optional(),
    inheritedPolicy: z.boolean().optional(),
    isDeletable: z.boolean().optional(),
    bidderCompany: z.boolean().optional(),
});
export type OrganizationInput = z.infer<typeof OrganizationSchema>;

export const RoleSchema = z.object({
    id: idText,
    name: z.string().min(1),
    displayName: z.string().optional(),
    companyAccessType: z.boolean().optional(),
    userAccessType: z.string().optional(),
});
export type RoleInput = z.infer<typeof RoleSchema>;

/** A seeded user: the drift shape plus the login id (and the fields a create needs). */
export const SeedUserSchema = UserPatchSchema.extend({ loginId: z.string().min(1) });
export type SeedUser = z.infer<typeof SeedUserSchema>;

/** `--seed FILE`: replaces entries with the same name / loginId, adds the others. */
export const SeedFileSchema = z.object({
    organizations: z.array(OrganizationSchema).optional(),
    roles: z.array(RoleSchema).optional(),
    users: z.array(SeedUserSchema).optional(),
});
export type SeedFile = z.infer<typeof SeedFileSchema>;

/** A user as the simulator keeps it (also the record format of the data file). */
export const StoredUserSchema = z.object({
    id: z.string(),
    loginId: z.string(),
    firstName: z.string(),
    middleName: z.string().optional(),
    lastName: z.string(),
    emailAddress: z.string(),
    userType: z.string(),
    organization: z.string(),
    roles: z.array(z.string()),
    disabled: z.boolean(),
    locked: z.boolean(),
    loginAttemptsCtr: z.string(),
    pwdCantChange: z.boolean(),
    /** `sha256$<salt hex>$<digest hex>`; never rendered. */
    passwordHash: z.string().optional(),
    employeeNumber: z.string().optional(),
    manager: z.string().optional(),
    startDate: z.string().optional(),
    endDate: z.string().optional(),
    createdBy: z.string(),
    createdDate: z.string(),
    updatedDate: z.string(),
    provisionedDate: z.string(),
    lastAction: z.enum(["Created", "Updated"]),
});
export type StoredUser = z.infer<typeof StoredUserSchema>;

/** `--data FILE` contents. */
export const DataFileSchema = z.object({
    format: z.literal("primavera-simulator/1"),
    nextUserId: z.number().int(),
    nextJobId: z.number().int(),
    users: z.array(StoredUserSchema),
});
export type DataFile = z.infer<typeof DataFileSchema>;

/* ----------------------------------------------------------------- response shapes */

export interface OrganizationWire {
    associations: string[];
    inheritedPolicy: boolean;
    isDeletable: boolean;
    bidderCompany: boolean;
    displayName: string;
    id: string;
    name: string;
    type?: string;
}

export interface RoleWire {
    id: string;
    name: string;
    displayName: string;
    companyAccessType: boolean;
    userAccessType: string;
}

export type RoleRefWire = Pick<RoleWire, "id" | "name" | "displayName">;

export interface UserWire {
    id: string;
    loginId: string;
    firstName: string;
    middleName?: string;
    lastName: string;
    emailAddress: string;
    userType: string;
    organization: OrganizationWire;
    roles: RoleRefWire[];
    disabled: boolean;
    locked: boolean;
    status: "Active" | "Disabled";
    createdBy: string;
    createdDate: string;
    updatedDate: string;
    provisionedDate: string;
    startDate?: string;
    endDate?: string;
    employeeNumber?: string;
    manager?: string;
    pwdExpired: boolean;
    pwdCantChange: boolean;
    pwdWarned: boolean;
    loginAttemptsCtr: string;
    changePwdAtNextLogin: boolean;
    lastAction: "Created" | "Updated";
    statusInfo: string;
}

/** One entry of a job result's `added` / `modified` / `deleteFailed`. */
export type UserResultEntry =
    | (UserWire & { statusInfoOK: boolean; processed: true })
    | { loginId: string; statusInfo: string; statusInfoOK: false; processed?: true; [field: string]: unknown };

/** The vendor's UserDataStore, response side (job status body). */
export interface UserDataStoreResult {
    added: UserResultEntry[];
    modified: UserResultEntry[];
    deleted: string[];
    deleteFailed: UserResultEntry[];
    exception: string;
    localizedException: boolean;
    message: string;
    updatedIdMap: Record<string, string>;
}

/** Body of every error answer. */
export interface ErrorBody {
    exception: string;
    localizedException: false;
    message: string;
}

/* ---------------------------------------------------------------------- validation */

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
