/**
 * The tenant's state as the vendor's API shows it: a stored user rendered as the vendor's user
 * record (organization and roles expanded from the catalog, read-only fields filled in), the
 * catalog entries built from the seed, a failed job entry, and an empty job result.
 *
 * Pure functions of their arguments; the rules that decide what is stored live in store.ts.
 */
import { OrganizationWire, RoleRefWire, RoleWire, UserDataStoreResult, UserRecordWire, UserResultEntry, UserWire } from "../http/wire";
import { OrganizationInput, RoleInput } from "./seedData";
import { StoredUser } from "./user";

/** A seed organization as the API shows it (absent flags are false, the display name is the name). */
export function organizationWire(o: OrganizationInput): OrganizationWire {
    return {
        associations: o.associations ?? [],
        inheritedPolicy: o.inheritedPolicy ?? false,
        isDeletable: o.isDeletable ?? false,
        bidderCompany: o.bidderCompany ?? false,
        displayName: o.displayName ?? o.name,
        id: o.id,
        name: o.name,
        ...(o.type ? { type: o.type } : {}),
    };
}

/** A seed role as the role catalog (`GET /roles`) shows it. */
export function roleWire(r: RoleInput): RoleWire {
    return {
        id: r.id,
        name: r.name,
        displayName: r.displayName ?? r.name,
        companyAccessType: r.companyAccessType ?? false,
        userAccessType: r.userAccessType ?? "Standard",
    };
}

/** A role as a user record lists it. */
export function roleRefWire(role: RoleWire): RoleRefWire {
    return { id: role.id, name: role.name, displayName: role.displayName };
}

/**
 * A stored user as `GET /user` and job results show it. Organization and roles come from the
 * catalog by name; a name missing from it (only possible through a data file) renders with an
 * empty id. The password hash is never rendered.
 */
export function renderUser(
    u: StoredUser,
    orgs: ReadonlyMap<string, OrganizationWire>,
    roleRefs: ReadonlyMap<string, RoleRefWire>,
): UserWire {
    const w: UserWire = {
        id: u.id,
        loginId: u.loginId,
        firstName: u.firstName,
        lastName: u.lastName,
        emailAddress: u.emailAddress,
        userType: u.userType,
        organization: orgs.get(u.organization) ?? {
            associations: [],
            inheritedPolicy: false,
            isDeletable: false,
            bidderCompany: false,
            displayName: u.organization,
            id: "",
            name: u.organization,
        },
        roles: u.roles.map((n) => roleRefs.get(n) ?? { id: "", name: n, displayName: n }),
        disabled: u.disabled,
        locked: u.locked,
        status: u.disabled ? "Disabled" : "Active",
        createdBy: u.createdBy,
        createdDate: u.createdDate,
        updatedDate: u.updatedDate,
        provisionedDate: u.provisionedDate,
        pwdExpired: false,
        pwdCantChange: u.pwdCantChange,
        pwdWarned: false,
        loginAttemptsCtr: u.loginAttemptsCtr,
        changePwdAtNextLogin: true,
        lastAction: u.lastAction,
        statusInfo: "",
    };
    if (u.middleName !== undefined) w.middleName = u.middleName;
    if (u.startDate !== undefined) w.startDate = u.startDate;
    if (u.endDate !== undefined) w.endDate = u.endDate;
    if (u.employeeNumber !== undefined) w.employeeNumber = u.employeeNumber;
    if (u.manager !== undefined) w.manager = u.manager;
    return w;
}

/** Entry for a record the job could not apply: the record echoed (never its password or id). */
export function failedEntry(rec: UserRecordWire, statusInfo: string): UserResultEntry {
    const { password: _p, id: _id, ...rest } = rec;
    return { ...stripNullish(rest), loginId: rec.loginId, statusInfo, statusInfoOK: false, processed: true };
}

/** A job result with nothing in it yet (also what a running job's status answers). */
export function emptyResult(): UserDataStoreResult {
    return {
        added: [],
        modified: [],
        deleted: [],
        deleteFailed: [],
        exception: "",
        localizedException: false,
        message: "",
        updatedIdMap: {},
    };
}

function stripNullish<T extends object>(o: T): Record<string, unknown> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v != null));
}
