/**
 * A user as the tenant keeps it (StoredUser: names instead of catalog objects, a password
 * hash instead of a password, the fields the vendor's record shows read-only), the partial
 * user that drift and the seed lay over it (UserPatch), a job's record made into a stored user,
 * the password hash itself, and which fields a change altered (for the audit events).
 *
 * The vendor's record is a wire shape (http/wire.ts); tenant/render.ts turns one into the other.
 */
import * as crypto from "node:crypto";
import { z } from "zod";
import { emailAddressText, idText, optionalText, OrganizationRefSchema, RoleRefSchema, UserRecordWire } from "../http/wire";

/** A user as the tenant keeps it (also the record format of the data file). */
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

/** Role reference outside the vendor API (seed files, drift): a name or a `{name}` object. */
const RoleNameOrRefSchema = z.union([z.string().min(1), RoleRefSchema]);
const OrgNameOrRefSchema = z.union([z.string().min(1), OrganizationRefSchema]);

/**
 * Any subset of a user's stored fields, laid over a stored user: the body of
 * `PUT /__sim/users/{loginId}` (drift), and, with the login id, a seed user (seedData.ts).
 */
export const UserPatchSchema = z.object({
    id: idText.optional(),
    firstName: z.string().min(1).optional(),
    middleName: optionalText,
    lastName: z.string().min(1).optional(),
    emailAddress: emailAddressText.optional(),
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

/**
 * The user a job's record makes, the vendor's way: the record is the full user (optional texts
 * it lacks are cleared), `disabled`, `userType` and `pwdCantChange` it lacks are kept from
 * `existing`, the login keeps its first-created case, bookkeeping follows `existing`. The caller
 * has resolved `organization` and `roles` against the catalog and chosen the `id`.
 */
export function userFromRecord(
    rec: UserRecordWire,
    existing: StoredUser | undefined,
    given: { id: string; organization: string; roles: string[]; createdBy: string; now: string },
): StoredUser {
    const user: StoredUser = {
        id: given.id,
        loginId: existing ? existing.loginId : rec.loginId,
        firstName: rec.firstName,
        lastName: rec.lastName,
        emailAddress: rec.emailAddress,
        userType: rec.userType ?? existing?.userType ?? "EMP",
        organization: given.organization,
        roles: given.roles,
        disabled: rec.disabled ?? existing?.disabled ?? false,
        locked: existing?.locked ?? false,
        loginAttemptsCtr: existing?.loginAttemptsCtr ?? "0",
        pwdCantChange: rec.pwdCantChange ?? existing?.pwdCantChange ?? false,
        createdBy: existing?.createdBy ?? given.createdBy,
        createdDate: existing?.createdDate ?? given.now,
        updatedDate: given.now,
        provisionedDate: existing?.provisionedDate ?? given.now,
        lastAction: existing ? "Updated" : "Created",
    };
    if (rec.middleName) user.middleName = rec.middleName;
    if (rec.employeeNumber) user.employeeNumber = rec.employeeNumber;
    if (rec.manager) user.manager = rec.manager;
    if (rec.startDate) user.startDate = rec.startDate;
    if (rec.endDate) user.endDate = rec.endDate;
    const passwordHash = rec.password ? hashStoredPassword(rec.password) : existing?.passwordHash;
    if (passwordHash) user.passwordHash = passwordHash;
    return user;
}

/**
 * What the tenant keeps of a password: `sha256$<salt hex>$<digest hex>`, a salted SHA-256 (fast
 * on purpose: jobs of 10,000 users must stay quick; this is a test double). Never rendered.
 */
export function hashStoredPassword(password: string): string {
    const salt = crypto.randomBytes(16).toString("hex");
    return `sha256$${salt}$${crypto.createHash("sha256").update(salt).update(password).digest("hex")}`;
}

/** Whether `password` is the one `hash` (from hashStoredPassword) was made from. */
export function passwordMatches(hash: string, password: string): boolean {
    const [kind, salt, digest] = hash.split("$");
    return kind === "sha256" && digest === crypto.createHash("sha256").update(salt).update(password).digest("hex");
}

/** The fields a change can alter, in the order of the vendor's record (drift's lock fields last). */
const COMPARED_FIELDS = [
    "id",
    "firstName",
    "middleName",
    "lastName",
    "emailAddress",
    "userType",
    "organization",
    "roles",
    "disabled",
    "password",
    "employeeNumber",
    "manager",
    "startDate",
    "endDate",
    "pwdCantChange",
    "locked",
    "loginAttemptsCtr",
] as const;

/**
 * The names of the fields whose value differs between two versions of a user, in record order.
 * Roles compare as a set; `password` counts when one was sent (`sentPassword`) that the old hash
 * was not made from. Bookkeeping (dates, createdBy, lastAction) never counts.
 */
export function changedFields(before: StoredUser, after: StoredUser, sentPassword?: string | null): string[] {
    return COMPARED_FIELDS.filter((f) => {
        if (f === "password") return !!sentPassword && !(before.passwordHash && passwordMatches(before.passwordHash, sentPassword));
        if (f === "roles") return before.roles.length !== after.roles.length || before.roles.some((r) => !after.roles.includes(r));
        return before[f] !== after[f];
    });
}
