// The resource's outputs from a live user, and the managed inputs read() reports.
import { dateText } from "../model/dates";
import { declaredView, managedView, UserInputs } from "../model/fields";
import { ServerUser } from "../api/schemas";

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
    /** The fields the program declares (manages): what read() reports as the live inputs. */
    declared?: string[];
}

type Extra = Pick<UserOutputs, "lastJobId" | "passwordHash" | "adopt" | "declared">;

/**
 * Outputs from the live user. `declaredOrgType`: the organization type the program declared. The
 * type belongs to the organization, and a tenant may report none for it: then the declared type
 * is what is in force (it was sent with the user's record), so it is kept in the outputs, where a
 * later change of it shows as a change. A type the tenant reports always wins (drift shows).
 */
export function toOutputs(user: ServerUser, extra: Extra, declaredOrgType?: string): UserOutputs {
    const view = managedView(user);
    const roles = (user.roles ?? []).map((r) => ({ name: r.name, id: r.id, displayName: r.displayName }));
    const org = user.organization;
    const organization = view.organization && {
        name: view.organization.name,
        type: view.organization.type ?? declaredOrgType,
    };
    const outs: UserOutputs = {
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
