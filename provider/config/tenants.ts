// Several tenants in one program: a `tenant` input (on User, UserSet and the lookups) names a
// profile, whose settings are the same keys under the same rules as the provider's own, read from
// the stack config `primavera:tenants` (a JSON object of profiles: `pulumi config set --path
// 'primavera:tenants.test.baseUrl' ...`, and `--secret` for its password) or from environment
// variables `PRIMAVERA_TENANT_<PROFILE>_<KEY>` (PRIMAVERA_TENANT_TEST_BASE_URL, ...). A profile is
// complete in itself: nothing is inherited from the provider's own settings but the defaults.
// The profile's name is all a state holds of it: no credential ever enters the state.
import { ConfigError, ConfigLookup, ConfigWording, resolveConfig, resolvedParts } from "./resolve";
import { CONFIG_KEYS, ConfigKey, ProviderConfig, ProviderConfigInput, SETTINGS } from "./settings";

const TENANTS_KEY = "primavera:tenants";
/** A profile's name: what a `tenant` input may hold. */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

const PROFILE_ENV_PREFIX = "PRIMAVERA_TENANT_";

/** The part of a profile's variable that names the key: `BASE_URL` for PRIMAVERA_BASE_URL. */
const keyEnvSuffix = (k: Pick<ConfigKey, "env">) => `_${k.env.replace(/^PRIMAVERA_/, "")}`;

/** The environment variable of `key` in profile `profile`: PRIMAVERA_TENANT_<PROFILE>_<KEY>. */
export function profileEnv(profile: string, k: ConfigKey): string {
    return `${PROFILE_ENV_PREFIX}${profile.toUpperCase().replace(/-/g, "_")}${keyEnvSuffix(k)}`;
}

/** The profiles the stack config names (an empty object when it names none); throws a ConfigError on a malformed value. */
export function profilesOf(stack: ConfigLookup): Record<string, Record<string, unknown>> {
    const text = stack(TENANTS_KEY);
    if (text === undefined || text.trim() === "") return {};
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        throw new ConfigError(`${TENANTS_KEY} must be a JSON object of profiles, e.g. {"test": {"baseUrl": "https://..."}}`);
    }
    if (!isRecord(parsed) || !Object.values(parsed).every(isRecord))
        throw new ConfigError(`${TENANTS_KEY} must be an object whose every value is a profile object (got ${describe(parsed)})`);
    return parsed as Record<string, Record<string, unknown>>;
}

/** The profiles named only by environment variables: each `PRIMAVERA_TENANT_<PROFILE>_BASE_URL` set. */
export function envProfiles(env: NodeJS.ProcessEnv): string[] {
    const suffix = keyEnvSuffix(SETTINGS.baseUrl);
    return Object.keys(env)
        .filter((name) => name.startsWith(PROFILE_ENV_PREFIX) && name.endsWith(suffix) && env[name])
        .map((name) => name.slice(PROFILE_ENV_PREFIX.length, -suffix.length))
        .filter((profile) => PROFILE_NAME.test(profile));
}

/** The settings of profile `profile`; throws a ConfigError naming each problem, with the profile's keys and variables. */
export function resolveProfile(profile: string, stack: ConfigLookup, env: NodeJS.ProcessEnv): ProviderConfig {
    if (!PROFILE_NAME.test(profile))
        throw new ConfigError(`tenant '${profile}' is not a profile name: letters, digits, _ and - (up to 63)`);
    const own = entryOf(profilesOf(stack), profile);
    const known = new Set(CONFIG_KEYS.map((k) => k.key as string));
    const stray = Object.keys(own).filter((k) => !known.has(k));
    if (stray.length)
        throw new ConfigError(
            `${TENANTS_KEY}.${profile} holds ${stray.join(", ")}, which is no setting; settings: ${[...known].join(", ")}`,
        );
    const { lookup, envOf } = sourcesOf(profile, own, env);
    const wording: ConfigWording = {
        name: (k) => `${TENANTS_KEY}.${profile}.${k.key} (${profileEnv(profile, k)})`,
        howToSet: (k) =>
            `set it with \`pulumi config set ${k.secret ? "--secret " : ""}--path '${TENANTS_KEY}.${profile}.${k.key}' <value>\` or the environment variable ${profileEnv(profile, k)}`,
    };
    return resolveConfig({}, lookup, envOf, wording);
}

/** An account the provider signs in to a server with. */
export type SignIn = Pick<ProviderConfig, "baseUrl" | "username">;

/**
 * Every account the provider may sign in with: its own and each profile's (in primavera:tenants or
 * only in variables), each read from its base URL and username alone, so a profile that is
 * otherwise unusable (a bad timeout, no password, a malformed primavera:tenants beside a profile
 * given by variables) still has its account protected. Never throws.
 */
export function signInAccounts(explicit: ProviderConfigInput, stack: ConfigLookup, env: NodeJS.ProcessEnv): SignIn[] {
    let profiles: Record<string, Record<string, unknown>> = {};
    try {
        profiles = profilesOf(stack);
    } catch {
        // Malformed: it fails the resources that name a profile; the variables still name theirs.
    }
    const names = new Set([...Object.keys(profiles), ...envProfiles(env)].filter((p) => PROFILE_NAME.test(p)));
    const parts = [
        resolvedParts(explicit, stack, env),
        ...[...names].map((profile) => {
            const { lookup, envOf } = sourcesOf(profile, entryOf(profiles, profile), env);
            return resolvedParts({}, lookup, envOf);
        }),
    ];
    return parts.flatMap(({ baseUrl, username }) => (baseUrl !== undefined && username !== undefined ? [{ baseUrl, username }] : []));
}

/** Profile `profile`'s entry in primavera:tenants (its own key only: `constructor` is no entry). */
function entryOf(profiles: Record<string, Record<string, unknown>>, profile: string): Record<string, unknown> {
    return Object.hasOwn(profiles, profile) ? profiles[profile] : {};
}

/** Where profile `profile`'s settings come from: its entry in primavera:tenants, then its variables. */
function sourcesOf(
    profile: string,
    own: Record<string, unknown>,
    env: NodeJS.ProcessEnv,
): { lookup: ConfigLookup; envOf: NodeJS.ProcessEnv } {
    const lookup: ConfigLookup = (stackKey) => {
        const key = CONFIG_KEYS.find((k) => k.stack === stackKey)?.key;
        const v = key ? own[key] : undefined;
        return v === undefined || v === null ? undefined : String(v);
    };
    const envOf: NodeJS.ProcessEnv = Object.fromEntries(CONFIG_KEYS.map((k) => [k.env, env[profileEnv(profile, k)]]));
    return { lookup, envOf };
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
    return Array.isArray(v) ? "a list" : v === null ? "null" : typeof v;
}
