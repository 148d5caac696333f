// Lookups for programs and scripts: read the tenant's users and roles as plain data.
//
//     const dpatel = await primavera.getUser("DPATEL");
//     const nyc = await primavera.getUsers({ organization: "nyc", disabled: false });
//     const roles = (await primavera.getRoles()).map((r) => r.name);
//
// Settings are resolved like the provider's: an explicit `config` argument first, then the stack
// config (`primavera:*`, through `new pulumi.Config("primavera")` when running inside a Pulumi
// program), then the environment variables (PRIMAVERA_BASE_URL, ...). Lookups only read: they
// never take the tenant's job slot.
import * as pulumi from "@pulumi/pulumi";
import { ConfigLookup, resolveConfig } from "./config";
import { toOutputs, UserOutputs } from "./normalize";
import { forgetRoleCatalog, roleCatalog } from "./roles";
import { ProviderConfig, ProviderConfigInput } from "./schemas";
import { tenantFor } from "./tenant";

/** A user as the tenant holds it, in the same shape as a User resource's outputs. */
export type UserInfo = Omit<UserOutputs, "lastJobId" | "passwordHash" | "adopt">;

/** A role of the tenant's catalog. */
export interface RoleInfo {
    name: string;
    id?: string;
    displayName?: string;
    /** Other fields the tenant returns (e.g. `userAccessType`), passed through. */
    [key: string]: unknown;
}

/** Every condition given must hold (AND). Names compare exactly, except the login prefix. */
export interface UserFilter {
    /** Organization name, e.g. "sfo". */
    organization?: string;
    /** The user holds this role (by name). */
    role?: string;
    /** "Active" or "Disabled" (the tenant's status; compared ignoring case). */
    status?: string;
    disabled?: boolean;
    /** Logins starting with this text, ignoring case (logins are case-insensitive). */
    loginIdPrefix?: string;
}

/** Settings for a lookup: any of the provider's settings; what is absent comes from stack config, then the environment. */
export type LookupConfig = Partial<ProviderConfigInput>;

/** Stack config when running inside a Pulumi program; nothing elsewhere. */
function stackConfig(): ConfigLookup {
    let config: pulumi.Config | undefined;
    try {
        config = new pulumi.Config("primavera");
    } catch {
        return () => undefined;
    }
    return (key) => {
        try {
            return config!.get(key.replace(/^primavera:/, "")) ?? undefined;
        } catch {
            return undefined;
        }
    };
}

/** The settings a lookup uses (exported for the CLI). */
export function lookupSettings(explicit: LookupConfig = {}): ProviderConfig {
    return resolveConfig(explicit, stackConfig());
}

function deadlineOf(config: ProviderConfig): number {
    return Date.now() + config.timeoutSeconds * 1000;
}

/** The user with this login, or undefined when the tenant has none. */
export async function getUser(loginId: string, config?: LookupConfig): Promise<UserInfo | undefined> {
    const settings = lookupSettings(config);
    const user = await tenantFor(settings).reader.read(loginId, deadlineOf(settings));
    return user ? info(user) : undefined;
}

/** Every user of the tenant matching `filter` (all of them without one), sorted by login. One `GET /user`. */
export async function getUsers(filter: UserFilter = {}, config?: LookupConfig): Promise<UserInfo[]> {
    const settings = lookupSettings(config);
    const users = await tenantFor(settings).reader.list(deadlineOf(settings));
    const prefix = filter.loginIdPrefix?.toLowerCase();
    return users
        .map(info)
        .filter(
            (u) =>
                (filter.organization === undefined || u.organization?.name === filter.organization) &&
                (filter.role === undefined || u.roles.includes(filter.role)) &&
                (filter.status === undefined || (u.status ?? "").toLowerCase() === filter.status.toLowerCase()) &&
                (filter.disabled === undefined || u.disabled === filter.disabled) &&
                (prefix === undefined || u.loginId.toLowerCase().startsWith(prefix)),
        )
        .sort((a, b) => a.loginId.localeCompare(b.loginId));
}

/** The tenant's role catalog (`GET /roles`), sorted by name. Cached per process; `fresh: true` asks again. */
export async function getRoles(config?: LookupConfig & { fresh?: boolean }): Promise<RoleInfo[]> {
    const { fresh, ...explicit } = config ?? {};
    const settings = lookupSettings(explicit);
    const tenant = tenantFor(settings);
    if (fresh) forgetRoleCatalog(tenant);
    let roles;
    try {
        roles = await roleCatalog(tenant, deadlineOf(settings));
    } catch (e) {
        forgetRoleCatalog(tenant); // a lookup that failed is asked again next time
        throw e;
    }
    return roles.map((r) => ({ ...r }) as RoleInfo).sort((a, b) => a.name.localeCompare(b.name));
}

function info(user: Parameters<typeof toOutputs>[0]): UserInfo {
    const { lastJobId: _j, passwordHash: _p, adopt: _a, ...rest } = toOutputs(user, {});
    return rest;
}
