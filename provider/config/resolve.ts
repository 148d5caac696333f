// Resolves the provider's settings: an explicit object first (UserProvider's constructor, a
// lookup's `config`), then the stack config (`primavera:*`, passed to configure()), then the
// environment (the environment first for a setting that says so). Each value goes through its
// setting's one schema (settings.ts); every problem is reported in words a user can act on: the
// stack key and the environment variable, the value given (never a secret), and what is allowed.
import { CONFIG_KEYS, ConfigKey, ProviderConfig, ProviderConfigInput, SETTINGS, SettingKey } from "./settings";

/** One problem with the settings: `property` is the stack key (e.g. `primavera:authMode`), `reason` a whole sentence. */
export interface ConfigFailure {
    property: string;
    reason: string;
}

export class ConfigError extends Error {
    /** Each problem on its own, as configFailures() returns them. */
    readonly failures: ConfigFailure[];
    constructor(message: string, failures: ConfigFailure[] = []) {
        super(message);
        this.name = "ConfigError";
        this.failures = failures;
    }
}

export type ConfigLookup = (stackKey: string) => string | undefined;

/** How messages name a setting and say how to set a missing one (the export CLI has flags instead of stack config). */
export interface ConfigWording {
    /** How a setting is named; default `primavera:authMode (PRIMAVERA_AUTH_MODE)`. */
    name?: (key: ConfigKey) => string;
    /** How to set a missing setting; default `` `pulumi config set primavera:baseUrl <value>` or the environment variable PRIMAVERA_BASE_URL ``. */
    howToSet?: (key: ConfigKey) => string;
}

const defaultName = (k: ConfigKey) => `${k.stack} (${k.env})`;
const defaultHowToSet = (k: ConfigKey) =>
    `set it with \`pulumi config set ${k.secret ? "--secret " : ""}${k.stack} <value>\` or the environment variable ${k.env}`;

const MAX_ECHO = 200;

/** The value as a message shows it: quoted text, never a secret, never the credentials of a URL. */
function echo(k: ConfigKey, value: unknown): string {
    if (k.secret) return "(secret, not shown)";
    if (typeof value !== "string") return typeof value === "object" ? JSON.stringify(value) : String(value);
    const s = k.key === "baseUrl" ? withoutCredentials(value) : value;
    return JSON.stringify(s.length > MAX_ECHO ? `${s.slice(0, MAX_ECHO)}...` : s);
}

/** A base URL as a message may show it: whatever stands before an `@` is never shown, however it is written. */
function withoutCredentials(value: string): string {
    const at = value.lastIndexOf("@");
    if (at < 0) return value;
    let url: URL | undefined;
    try {
        url = new URL(value);
    } catch {
        url = undefined;
    }
    return url ? `${url.protocol}//***@${url.host}${url.pathname}` : `***@${value.slice(at + 1)}`;
}

/** The first value given for a setting, in the setting's order of sources; blank text counts as not given. */
function given(k: ConfigKey, explicit: ProviderConfigInput, stack: ConfigLookup, env: NodeJS.ProcessEnv): unknown {
    const sources = k.envWins ? [explicit[k.key], env[k.env], stack(k.stack)] : [explicit[k.key], stack(k.stack), env[k.env]];
    return sources.find((v) => v !== undefined && v !== null && !(typeof v === "string" && v.trim() === ""));
}

interface Resolution {
    values: Partial<Record<SettingKey, unknown>>;
    failures: ConfigFailure[];
    missing: ConfigFailure[];
}

function resolveAll(explicit: ProviderConfigInput, stack: ConfigLookup, env: NodeJS.ProcessEnv, wording: ConfigWording): Resolution {
    const name = wording.name ?? defaultName;
    const howToSet = wording.howToSet ?? defaultHowToSet;
    const out: Resolution = { values: {}, failures: [], missing: [] };
    for (const k of CONFIG_KEYS) {
        const value = given(k, explicit, stack, env) ?? k.default;
        if (value === undefined) {
            const f = { property: k.stack, reason: `${name(k)} is not set; ${howToSet(k)}` };
            out.failures.push(f);
            out.missing.push(f);
            continue;
        }
        const parsed = k.schema.safeParse(value);
        if (parsed.success) out.values[k.key] = parsed.data;
        else out.failures.push({ property: k.stack, reason: `${name(k)} is ${echo(k, value)}; ${parsed.error.issues[0].message}` });
    }
    const plain = plainHttpProblem(out.values, name);
    if (plain) out.failures.push(plain);
    return out;
}

/** https everywhere, except a loopback host (the simulator) or an explicit opt-in: credentials must not cross a network in clear. */
function plainHttpProblem(values: Resolution["values"], name: (k: ConfigKey) => string): ConfigFailure | undefined {
    if (typeof values.baseUrl !== "string" || values.insecure === undefined) return undefined;
    const url = new URL(values.baseUrl);
    if (url.protocol !== "http:" || isLoopback(url.hostname) || values.insecure === true) return undefined;
    const k = CONFIG_KEYS[0];
    return {
        property: SETTINGS.baseUrl.stack,
        reason:
            `${name(k)} is ${echo(k, values.baseUrl)}: plain http to a host that is not a loopback address, so credentials ` +
            `would cross the network in clear text. Use https://, or set primavera:insecure=true (PRIMAVERA_INSECURE=true) if ` +
            `you really mean it.`,
    };
}

/**
 * Every problem with the settings, without throwing: each missing required setting (with how to
 * set it) and each bad value. Empty when the settings resolve.
 */
export function configFailures(
    explicit: ProviderConfigInput = {},
    stack: ConfigLookup = () => undefined,
    env: NodeJS.ProcessEnv = process.env,
    wording: ConfigWording = {},
): ConfigFailure[] {
    return resolveAll(explicit, stack, env, wording).failures;
}

/**
 * The settings that resolve, each on its own, whatever the problems of the others: for what must
 * not wait on a usable configuration (the accounts the provider signs in with, to protect them).
 */
export function resolvedParts(
    explicit: ProviderConfigInput = {},
    stack: ConfigLookup = () => undefined,
    env: NodeJS.ProcessEnv = process.env,
): Partial<ProviderConfig> {
    return resolveAll(explicit, stack, env, {}).values as Partial<ProviderConfig>;
}

/** The settings in force; throws a ConfigError listing every problem (see configFailures). */
export function resolveConfig(
    explicit: ProviderConfigInput = {},
    stack: ConfigLookup = () => undefined,
    env: NodeJS.ProcessEnv = process.env,
    wording: ConfigWording = {},
): ProviderConfig {
    const { values, failures, missing } = resolveAll(explicit, stack, env, wording);
    if (failures.length > 0) throw new ConfigError(configErrorMessage(failures, missing), failures);
    return values as ProviderConfig;
}

/** The message of a ConfigError carrying these failures. */
function configErrorMessage(failures: ConfigFailure[], missing: ConfigFailure[]): string {
    const invalid = failures.filter((f) => !missing.includes(f));
    const parts: string[] = [];
    if (missing.length > 0)
        parts.push(`Primavera provider is not configured; missing:\n${missing.map((f) => `  - ${f.reason}`).join("\n")}`);
    if (invalid.length > 0) parts.push(`Primavera provider configuration is invalid:\n${invalid.map((f) => `  - ${f.reason}`).join("\n")}`);
    return parts.join("\n");
}

/** The README's configuration table (`npm run docs:config` writes it; a test checks it is current). */
export function configTable(): string {
    const rows = CONFIG_KEYS.map((k) =>
        [`\`${k.stack}\``, `\`${k.env}\``, k.required ? "(required)" : `\`${k.default}\``, k.allowedDoc, k.description].join(" | "),
    );
    return [
        "| stack config | environment variable | default | allowed | meaning |",
        "|---|---|---|---|---|",
        ...rows.map((r) => `| ${r} |`),
    ].join("\n");
}

function isLoopback(hostname: string): boolean {
    const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
    return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}
