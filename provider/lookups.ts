// Lookups for programs and scripts: read the tenant's users and roles as plain data.
//
//     const dpatel = await primavera.getUser("DPATEL");
//     const nyc = await primavera.getUsers({ organization: "nyc", disabled: false });
//     const roles = (await primavera.getRoles()).map((r) => r.name);
//
// Each has an Output form for programs whose arguments are themselves outputs (the Pulumi
// convention for invokes): getUserOutput, getUsersOutput, getRolesOutput take pulumi.Input
// arguments and return a pulumi.Output.
//
// Settings are resolved like the provider's: an explicit `config` argument first, then the stack
// config (`primavera:*`, through `new pulumi.Config("primavera")` when running inside a Pulumi
// program), then the environment variables (PRIMAVERA_BASE_URL, ...). Lookups only read: they
// never take the tenant's job slot.
import * as pulumi from "@pulumi/pulumi";
import { ConfigLookup, ConfigWording, resolveConfig } from "./config/resolve";
import { userInfo, UserInfo } from "./resource/outputs";
import { forgetRoleCatalog, roleCatalog } from "./tenant/roles";
import { deadlineFrom, ProviderConfig, ProviderConfigInput } from "./config/settings";
import { tenantFor } from "./tenant/registry";
import { resolveProfile } from "./config/tenants";
import { redacting } from "./safety/redaction";

export type { UserInfo };

/** A role of the tenant's catalog. */
export interface RoleInfo {
    name: string;
    id?: string;
    displayName?: string;
    /** Other fields the tenant returns (e.g. `userAccessType`), passed through. */
    [key: string]: unknown;
}

/** Every condition given must hold (AND). Names and logins compare exactly (the login identity rule); the status ignores case. */
export interface UserFilter {
    /** Organization name, e.g. "sfo". */
    organization?: string;
    /** The user holds this role (by name). */
    role?: string;
    /** "Active" or "Disabled" (the tenant's status; compared ignoring case). */
    status?: string;
    disabled?: boolean;
    /** Logins starting with exactly this text (case included: `JDOE` and `jdoe` are two users). */
    loginIdPrefix?: string;
}

/** The keys a UserFilter may have; any other key is refused (a misspelt filter must not match every user). */
export const USER_FILTER_KEYS = ["organization", "role", "status", "disabled", "loginIdPrefix"] as const;
const FILTER_TYPES: Record<(typeof USER_FILTER_KEYS)[number], "string" | "boolean"> = {
    organization: "string",
    role: "string",
    status: "string",
    disabled: "boolean",
    loginIdPrefix: "string",
};

/** Throws a TypeError naming an unknown key (and the allowed ones) or a value of the wrong type. */
function assertFilter(filter: unknown): asserts filter is UserFilter {
    if (filter === null || typeof filter !== "object" || Array.isArray(filter)) {
        throw new TypeError(
            `getUsers: the filter must be an object with any of ${USER_FILTER_KEYS.join(", ")} (got ${JSON.stringify(filter)})`,
        );
    }
    for (const [key, value] of Object.entries(filter)) {
        if (!(USER_FILTER_KEYS as readonly string[]).includes(key)) {
            throw new TypeError(`getUsers: unknown filter key '${key}'; allowed: ${USER_FILTER_KEYS.join(", ")}`);
        }
        const type = FILTER_TYPES[key as keyof typeof FILTER_TYPES];
        if (value !== undefined && typeof value !== type) {
            throw new TypeError(`getUsers: filter '${key}' must be a ${type} (got ${JSON.stringify(value)})`);
        }
    }
}

/** Settings for a lookup: any of the provider's settings; what is absent comes from stack config, then the environment. */
export type LookupConfig = Partial<ProviderConfigInput> & {
    /** A tenant profile (`primavera:tenants.<name>`, PRIMAVERA_TENANT_<NAME>_*) instead of the provider's own settings. */
    tenant?: string;
};

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

/**
 * The settings a lookup uses (exported for the CLI). `wording` changes how problems name a setting
 * and how to set a missing one; the CLI passes its environment and reads no stack config.
 */
export function lookupSettings(
    explicit: LookupConfig = {},
    wording: ConfigWording = {},
    env = process.env,
    fromStack = true,
): ProviderConfig {
    const { tenant, ...settings } = explicit;
    const stack = fromStack ? stackConfig() : () => undefined;
    if (tenant !== undefined) return resolveProfile(tenant, stack, env);
    return resolveConfig(settings, stack, env, wording);
}

/** The user with exactly this login (case-sensitive), or undefined when the tenant has none. */
export function getUser(loginId: string, config?: LookupConfig): Promise<UserInfo | undefined> {
    return redacting(() => readUser(loginId, config));
}

async function readUser(loginId: string, config?: LookupConfig): Promise<UserInfo | undefined> {
    if (typeof loginId !== "string" || loginId === "")
        throw new TypeError(`getUser: loginId must be a non-empty string (got ${JSON.stringify(loginId)})`);
    const settings = lookupSettings(config);
    const user = await tenantFor(settings).reader.read(loginId, deadlineFrom(settings));
    // Exact match: a tenant that answers a login case-insensitively must not turn "jdoe" into JDOE.
    return user && user.loginId === loginId ? userInfo(user) : undefined;
}

/**
 * Every user of the tenant matching `filter` (all of them without one), sorted by login. One `GET /user`.
 * An unknown filter key (e.g. `org`) is an error naming the key and the allowed ones.
 */
export function getUsers(filter: UserFilter = {}, config?: LookupConfig): Promise<UserInfo[]> {
    return redacting(() => listUsers(filter, config));
}

async function listUsers(filter: UserFilter, config?: LookupConfig): Promise<UserInfo[]> {
    assertFilter(filter);
    const settings = lookupSettings(config);
    const users = await tenantFor(settings).reader.list(deadlineFrom(settings));
    const prefix = filter.loginIdPrefix;
    return users
        .map((u) => userInfo(u))
        .filter(
            (u) =>
                (filter.organization === undefined || u.organization?.name === filter.organization) &&
                (filter.role === undefined || u.roles.includes(filter.role)) &&
                (filter.status === undefined || (u.status ?? "").toLowerCase() === filter.status.toLowerCase()) &&
                (filter.disabled === undefined || u.disabled === filter.disabled) &&
                (prefix === undefined || u.loginId.startsWith(prefix)),
        )
        .sort((a, b) => a.loginId.localeCompare(b.loginId));
}

/** The tenant's role catalog (`GET /roles`), sorted by name. Cached per process; `fresh: true` asks again. */
export function getRoles(config?: LookupConfig & { fresh?: boolean }): Promise<RoleInfo[]> {
    return redacting(() => listRoles(config));
}

async function listRoles(config?: LookupConfig & { fresh?: boolean }): Promise<RoleInfo[]> {
    const { fresh, ...explicit } = config ?? {};
    const settings = lookupSettings(explicit);
    const tenant = tenantFor(settings);
    if (fresh) forgetRoleCatalog(tenant);
    let roles;
    try {
        roles = await roleCatalog(tenant, deadlineFrom(settings));
    } catch (e) {
        forgetRoleCatalog(tenant); // a lookup that failed is asked again next time
        throw e;
    }
    return roles.map((r) => ({ ...r }) as RoleInfo).sort((a, b) => a.name.localeCompare(b.name));
}

/** Each field of `T` may be a pulumi.Input (an output of another resource, a promise or a plain value). */
export type InputsOf<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** getUser for programs: the arguments may be outputs; the result is an Output (secret if any argument is). */
export function getUserOutput(
    loginId: pulumi.Input<string>,
    config?: pulumi.Input<InputsOf<LookupConfig>>,
): pulumi.Output<UserInfo | undefined> {
    return pulumi.output({ loginId, config }).apply((a) => getUser(a.loginId, a.config as LookupConfig | undefined));
}

/** getUsers for programs: the filter and settings may be outputs; the result is an Output. */
export function getUsersOutput(
    filter?: pulumi.Input<InputsOf<UserFilter>>,
    config?: pulumi.Input<InputsOf<LookupConfig>>,
): pulumi.Output<UserInfo[]> {
    return pulumi.output({ filter, config }).apply((a) => getUsers((a.filter ?? {}) as UserFilter, a.config as LookupConfig | undefined));
}

/** getRoles for programs: the settings may be outputs; the result is an Output. */
export function getRolesOutput(config?: pulumi.Input<InputsOf<LookupConfig & { fresh?: boolean }>>): pulumi.Output<RoleInfo[]> {
    return pulumi.output({ config }).apply((a) => getRoles(a.config as (LookupConfig & { fresh?: boolean }) | undefined));
}
