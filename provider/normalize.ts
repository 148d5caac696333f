// Translations between the resource's inputs and outputs and the vendor's records.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { ServerDate, ServerUser, UserInputs, UserRecord } from "./schemas";

/** The resource's outputs: plain JSON, no undefined values. */
export interface UserOutputs {
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
    /** The server's internal id (also the resource's Pulumi id). */
    userId: string;
    status?: string;
    locked?: boolean;
    roleDetails: { name: string; id?: string; displayName?: string }[];
    organizationDetails?: { name: string; id?: string; displayName?: string; type?: string };
    createdDate?: string;
    updatedDate?: string;
    provisionedDate?: string;
    createdBy?: string;
    lastJobId?: string;
    /** Salted HMAC of the last password applied; detects a change without keeping the password. */
    passwordHash?: string;
    adopt?: boolean;
}

/** Fields of a user record that a program may manage and that a modify job must carry along. */
const WRITABLE_STRINGS = ["firstName", "middleName", "lastName", "emailAddress", "userType", "employeeNumber", "manager"] as const;

export function dateText(d: ServerDate | undefined): string | undefined {
    if (d === undefined || d === null) return undefined;
    if (typeof d === "string") return d || undefined;
    if (d.wrappedDateTime) return d.wrappedDateTime;
    if (typeof d.millis === "number") return new Date(d.millis).toISOString().slice(0, 19);
    return undefined;
}

/** "2026-01-31" and "2026-01-31T00:00:00Z" both become the vendor's "2026-01-31T00:00:00". */
export function normalizeDate(d: string | undefined): string | undefined {
    if (!d) return undefined;
    if (/^\d{4}-\d{2}-\d{2}$/.test(d)) return `${d}T00:00:00`;
    const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?/.exec(d);
    if (!m) return d;
    if (/(Z|[+-]\d{2}:?\d{2})$/.test(d)) return new Date(d).toISOString().slice(0, 19);
    return `${m[1]}${m[2] ?? ":00"}`;
}

export function toOutputs(user: ServerUser, extra: Pick<UserOutputs, "lastJobId" | "passwordHash" | "adopt">): UserOutputs {
    const roles = (user.roles ?? []).map((r) => ({ name: r.name, id: r.id, displayName: r.displayName }));
    const org = user.organization;
    const outs: UserOutputs = {
        loginId: user.loginId,
        firstName: user.firstName,
        middleName: user.middleName || undefined,
        lastName: user.lastName,
        emailAddress: user.emailAddress,
        userType: user.userType,
        organization: org ? { name: org.name, type: org.type } : undefined,
        roles: roles.map((r) => r.name).sort(),
        disabled: user.disabled ?? false,
        employeeNumber: user.employeeNumber || undefined,
        manager: user.manager || undefined,
        startDate: normalizeDate(dateText(user.startDate)),
        endDate: normalizeDate(dateText(user.endDate)),
        userId: user.id ?? "",
        status: user.status,
        locked: user.locked,
        roleDetails: roles.sort((a, b) => a.name.localeCompare(b.name)),
        organizationDetails: org ? { name: org.name, id: org.id, displayName: org.displayName, type: org.type } : undefined,
        createdDate: dateText(user.createdDate),
        updatedDate: dateText(user.updatedDate),
        provisionedDate: dateText(user.provisionedDate),
        createdBy: user.createdBy,
        ...extra,
    };
    return plainJson(outs);
}

/** Strips undefined (Pulumi's struct conversion refuses it) and anything that is not JSON. */
export function plainJson<T>(value: T): T {
    return JSON.parse(JSON.stringify(value)) as T;
}

/** The record a job needs to create this user from the inputs alone. */
export function recordFromInputs(inputs: UserInputs): UserRecord {
    return overlay({ loginId: inputs.loginId }, inputs);
}

/**
 * Read-modify-write: the live record with the managed fields laid over it. Fields and roles the
 * program does not set are carried over as they are, because the vendor replaces a user's role
 * set and may clear fields that a modify record leaves out.
 */
export function overlay(live: UserRecord, inputs: UserInputs): UserRecord {
    const rec: UserRecord = { ...live };
    for (const k of WRITABLE_STRINGS) if (inputs[k] !== undefined) rec[k] = inputs[k];
    if (inputs.organization)
        rec.organization = { name: inputs.organization.name, ...(inputs.organization.type ? { type: inputs.organization.type } : {}) };
    if (inputs.roles) rec.roles = inputs.roles.map((name) => ({ name }));
    rec.disabled = inputs.disabled ?? false;
    if (inputs.startDate !== undefined) rec.startDate = normalizeDate(inputs.startDate);
    if (inputs.endDate !== undefined) rec.endDate = normalizeDate(inputs.endDate);
    return plainJson(rec);
}

/** The writable part of a live user, as a modify record. */
export function recordFromLive(user: ServerUser): UserRecord {
    const rec: UserRecord = { loginId: user.loginId, id: user.id };
    for (const k of WRITABLE_STRINGS) if (typeof user[k] === "string") rec[k] = user[k] as string;
    if (user.organization)
        rec.organization = { name: user.organization.name, ...(user.organization.type ? { type: user.organization.type } : {}) };
    rec.roles = (user.roles ?? []).map((r) => ({ name: r.name }));
    rec.disabled = user.disabled ?? false;
    const start = normalizeDate(dateText(user.startDate));
    const end = normalizeDate(dateText(user.endDate));
    if (start) rec.startDate = start;
    if (end) rec.endDate = end;
    return plainJson(rec);
}

export function hashPassword(password: string, salt = randomBytes(12).toString("base64url")): string {
    return `hmac-sha256:${salt}:${createHmac("sha256", salt).update(password).digest("base64url")}`;
}

export function passwordMatches(password: string, stored: string | undefined): boolean {
    if (!stored) return false;
    const [scheme, salt] = stored.split(":");
    if (scheme !== "hmac-sha256" || !salt) return false;
    const a = Buffer.from(hashPassword(password, salt));
    const b = Buffer.from(stored);
    return a.length === b.length && timingSafeEqual(a, b);
}
