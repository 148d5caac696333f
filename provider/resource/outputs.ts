// The resource's outputs from a live user, and the managed inputs read() reports.
import { dateText } from "../model/dates";
import { declaredView, managedView, UserInputs } from "../model/fields";
import { ServerUser } from "../api/schemas";
import { plainJson, UserOutputs } from "./codec";

/** The managed fields as the tenant holds them, with the user's id and state. */
type LiveFields = Omit<UserOutputs, "passwordHash" | "adopt" | "managedFields" | "tenant">;

/** A user as the tenant holds it, with the tenant's bookkeeping: what the lookups (getUser, getUsers) return. */
export interface UserInfo extends LiveFields {
    roleDetails: { name: string; id?: string; displayName?: string }[];
    organizationDetails?: { name: string; id?: string; displayName?: string; type?: string };
    createdDate?: string;
    updatedDate?: string;
    provisionedDate?: string;
    createdBy?: string;
}

/** What the outputs hold besides the live user: what only the provider knows. */
type Extra = Pick<UserOutputs, "passwordHash" | "adopt" | "managedFields" | "tenant">;

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

/**
 * A User resource's outputs from the live user. `roleOrder`: the declared roles, whose order the
 * output `roles` follows (live roles outside it come after, sorted), so a role added outside Pulumi
 * shows as one more entry, not as a shifted list.
 */
export function outputsOf(user: ServerUser, extra: Extra, declaredOrgType?: string, roleOrder?: readonly string[]): UserOutputs {
    const { adopt, ...rest } = extra;
    const fields = liveFields(user, declaredOrgType);
    return plainJson({ ...fields, roles: orderRoles(fields.roles, roleOrder), ...rest, adopt: adopt || undefined });
}

/** `live` in the order of `order` where it holds them, then the others sorted. */
export function orderRoles(live: readonly string[], order: readonly string[] = []): string[] {
    const held = new Set(live);
    const first = order.filter((r) => held.has(r));
    const listed = new Set(first);
    return [...first, ...live.filter((r) => !listed.has(r)).sort()];
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

/**
 * The managed inputs as the tenant holds them (read() returns them, so refresh and preview show
 * drift by field): only the fields the outputs say are declared, so an absent `roles` stays absent.
 */
export function liveInputs(outs: UserOutputs, declared: readonly string[]): Record<string, unknown> {
    return {
        ...declaredView(outs, declared),
        loginId: outs.loginId,
        ...(outs.adopt ? { adopt: true } : {}),
        ...(outs.tenant !== undefined ? { tenant: outs.tenant } : {}),
    };
}

/** The declared organization type of some inputs, if any. */
export function orgTypeOf(inputs: Partial<UserInputs> | undefined): string | undefined {
    const t = inputs?.organization?.type;
    return typeof t === "string" ? t : undefined;
}

// The UserSet provider takes plainJson from here; it lives with the codec that writes the state.
export { plainJson } from "./codec";
