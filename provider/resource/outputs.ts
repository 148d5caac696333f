// The resource's outputs from a live user, and the managed inputs read() reports.
import { dateText } from "../model/dates";
import { declaredView, managedView, UserInputs } from "../model/fields";
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
 * A User resource's outputs: plain JSON, no undefined values. Only what managing the user needs
 * and what a program reads back: the engine stores them and rewrites the whole state at every
 * step, so each property is paid for at every checkpoint of every `pulumi up` (README,
 * Performance). The tenant's bookkeeping (role and organization ids, dates, creator) is in the
 * lookups' UserInfo (getUser), not here.
 */
export interface UserOutputs extends LiveFields {
    /** Salted HMAC of the last password applied; detects a change without keeping the password. */
    passwordHash?: string;
    adopt?: boolean;
    /**
     * The fields the program declares (manages), comma-separated: what read() reports as the live
     * inputs. States written by 0.1.0 hold an array (declaredList reads both).
     */
    declared?: string;
}

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

/** A User resource's outputs from the live user. */
export function toOutputs(user: ServerUser, extra: Extra, declaredOrgType?: string): UserOutputs {
    const { declared, ...rest } = extra;
    return plainJson({ ...liveFields(user, declaredOrgType), ...rest, declared: declared?.join(",") });
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
