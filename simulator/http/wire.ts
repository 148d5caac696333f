/**
 * Wire shapes of the vendor's API, each defined once: the bodies of `POST /user`,
 * `PUT /user/change-status` and `PUT /user/change-lock`, and the answers (user record, role
 * catalog entry, job result, error body).
 *
 * Request shapes are zod schemas (the routes validate every body with them and the TypeScript
 * types are inferred from them). Answer shapes are plain interfaces: the tenant builds them
 * (tenant/render.ts), nobody parses them here; the audit event is the exception, a schema,
 * because the data file keeps events as the API shows them and reads them back. The simulator's own shapes live with the module
 * that reads them: the fault configuration in tenant/faults.ts, the drift patch and the stored
 * user in tenant/user.ts, the seed file in tenant/seedData.ts, the data file in
 * tenant/persistence.ts.
 *
 * Unknown fields in a request record are dropped (zod's default for objects), which is the
 * simulator's reading of the vendor's silence on the point (see README "Assumptions").
 *
 * Imports nothing of the simulator's: the tenant layer reads its types from here.
 */
import { z } from "zod";

/* ------------------------------------------------------------------ request shapes */

/** Optional text field; `null` is accepted and means "absent". */
export const optionalText = z.string().nullish();

/** Client ids are strings on the wire; a number is accepted and turned into its text. */
export const idText = z.union([z.string(), z.number().transform(String)]);

/** Organization reference in a user record: looked up by name, everything else ignored. */
export const OrganizationRefSchema = z.object({
    name: z.string().min(1),
    type: optionalText,
    id: idText.nullish(),
});

/** Role reference in a user record (vendor shape `{name}`; id/displayName are ignored). */
export const RoleRefSchema = z.object({ name: z.string().min(1) });

/** Loose email check: something@something, no blanks. */
export const emailAddressText = z.string().regex(/^[^@\s]+@[^@\s]+$/, { error: "not a valid email address" });

/** One user record of `added` / `modified` (the writable part of the vendor's UserRO). */
export const UserRecordSchema = z.object({
    id: idText.nullish(),
    loginId: z.string().min(1),
    firstName: z.string().min(1),
    middleName: optionalText,
    lastName: z.string().min(1),
    emailAddress: emailAddressText,
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
export type UserRecordWire = z.infer<typeof UserRecordSchema>;

/** Body of `POST /user` (the vendor's UserDataStore, request side). */
export const UserDataStoreRequestSchema = z.object({
    added: z.array(UserRecordSchema).nullish(),
    modified: z.array(UserRecordSchema).nullish(),
    deleted: z.array(z.string().min(1)).nullish(),
});
export type UserDataStoreRequest = z.infer<typeof UserDataStoreRequestSchema>;

/** Body of `PUT /user/change-status`: the vendor sends User objects; only these two fields matter. */
export const ChangeStatusRequestSchema = z.array(z.object({ loginId: z.string().min(1), disabled: z.boolean() }));

/** Body of `PUT /user/change-lock`: User objects; only the login id matters. */
export const ChangeLockRequestSchema = z.array(z.object({ loginId: z.string().min(1) }));

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

/**
 * One user audit event (the vendor's UserAuditEventRO). The vendor's field list is cut off after
 * `grantor`; `loginId`, the user acted on, is the simulator's addition.
 */
export const AuditEventSchema = z.object({
    /** Numeric text, one more per event. */
    auditId: z.string().regex(/^\d+$/),
    /** ISO-8601 UTC with milliseconds, e.g. `2026-12-01T10:04:11.123Z`. */
    createTime: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    description: z.string(),
    /** The account that made the change, upper-cased (`ADMIN`), or the administrator a control route names. */
    grantor: z.string(),
    loginId: z.string(),
});
export type AuditEventWire = z.infer<typeof AuditEventSchema>;

/** Body of every error answer. */
export interface ErrorBody {
    exception: string;
    localizedException: false;
    message: string;
}
