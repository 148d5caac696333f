// Every wire shape of the Primavera Administration user API, and the resource's own inputs, each
// defined once as a zod schema; the TypeScript types are inferred from them.
//
// This module is loaded at run time by the implementation, never captured by Pulumi's closure
// serializer (zod schemas hold bound functions that cannot be serialized; __provider is a fixed text: see
// resource/providerText.ts).
import { z } from "zod";

// ---------------------------------------------------------------------------------------------
// Server shapes (what the vendor returns). Parsed leniently: unknown fields pass through, since
// the vendor adds fields between editions and we must not fail on them.

/** CloudTZDateTime in the schema, a plain local string in every example: accept both. */
export const serverDate = z.union([
    z.string(),
    z.object({ millis: z.number().optional(), wrappedDateTime: z.string().optional() }).loose(),
]);
export type ServerDate = z.infer<typeof serverDate>;

/** RoleRO: a role by name, with the tenant's id and display name. */
const serverRole = z
    .object({
        id: z.string().optional(),
        name: z.string(),
        displayName: z.string().optional(),
    })
    .loose();
export type ServerRole = z.infer<typeof serverRole>;

/** CompanyRO as a user's organization: named like a role, plus its type. */
const serverOrganization = serverRole.extend({ type: z.string().optional() });

/** The identity and the plain text fields, the same in what the tenant returns and in what we send. */
export const userTexts = {
    id: z.string().optional(),
    loginId: z.string(),
    firstName: z.string().optional(),
    middleName: z.string().optional(),
    lastName: z.string().optional(),
    emailAddress: z.string().optional(),
    userType: z.string().optional(),
    employeeNumber: z.string().optional(),
    manager: z.string().optional(),
};

/** UserRO as returned by GET /user/{loginId}, GET /user and inside job results. */
export const serverUser = z
    .object({
        ...userTexts,
        organization: serverOrganization.optional(),
        roles: z.array(serverRole).optional(),
        disabled: z.boolean().optional(),
        locked: z.boolean().optional(),
        status: z.string().optional(),
        startDate: serverDate.optional(),
        endDate: serverDate.optional(),
        createdDate: serverDate.optional(),
        updatedDate: serverDate.optional(),
        provisionedDate: serverDate.optional(),
        createdBy: z.string().optional(),
        statusInfo: z.string().optional(),
        statusInfoOK: z.boolean().optional(),
        processed: z.boolean().optional(),
        lastAction: z.string().optional(),
    })
    .loose();
export type ServerUser = z.infer<typeof serverUser>;

export const serverRoleList = z.array(serverRole);

/** UserDataStore: the job result (and, in a narrower form, the job request). */
export const jobResult = z
    .object({
        added: z.array(serverUser).nullish(),
        modified: z.array(serverUser).nullish(),
        deleted: z.array(z.string()).nullish(),
        deleteFailed: z.array(serverUser.partial({ loginId: true })).nullish(),
        exception: z.string().nullish(),
        localizedException: z.boolean().nullish(),
        message: z.string().nullish(),
        updatedIdMap: z.record(z.string(), z.string()).nullish(),
    })
    .loose();
export type JobResult = z.infer<typeof jobResult>;

/** Error bodies: the vendor documents none; the simulator answers {exception, message}. */
export const errorBody = z.object({ exception: z.string().optional(), message: z.string().optional() }).loose();

// ---------------------------------------------------------------------------------------------
// Request shapes (what we send).

/** A user record inside `added` / `modified` of POST /user. */
export const userRecord = z.object({
    ...userTexts,
    organization: z.object({ name: z.string(), type: z.string().optional() }).optional(),
    roles: z.array(z.object({ name: z.string() })).optional(),
    disabled: z.boolean().optional(),
    startDate: z.string().optional(),
    endDate: z.string().optional(),
    password: z.string().optional(),
});
export type UserRecord = z.infer<typeof userRecord>;

export const jobRequest = z.object({
    added: z.array(userRecord).optional(),
    modified: z.array(userRecord).optional(),
    deleted: z.array(z.string()).optional(),
});
export type JobRequest = z.infer<typeof jobRequest>;

// The resource's inputs are derived from the field table: see model/fields.ts (userInputs, UserInputs).
