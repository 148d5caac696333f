// Resolves the provider's settings: an explicit object (UserProvider's constructor) first, then
// the stack config (`primavera:*`, passed to configure()), then environment variables.
//
// Every problem is reported in words a user can act on: the stack key and the environment
// variable, the value that was given (never for a secret), and what is allowed. configFailures()
// returns the problems without throwing, so check() can fail a preview with them; resolveConfig()
// throws them as one ConfigError.
import { ProviderConfig, ProviderConfigInput, providerConfig } from "./schemas";

export interface ConfigKey {
    key: keyof ProviderConfigInput;
    stack: string;
    env: string;
    secret?: boolean;
    required?: boolean;
    description: string;
    default?: string;
    /** What the value may be, in words: the end of every message about a bad value. */
    allowed: string;
    /** The same for the README's table (markdown). */
    allowedDoc: string;
    /** Whether a value that is set (already trimmed, except credentials) is outside what is allowed. */
    invalid: (value: unknown) => boolean;
    /** The environment variable wins over the stack config (a guard raised for one run). */
    envWins?: boolean;
}

/** Seconds an operation may take at most: Node's timers cannot wait longer than about 24 days, and a day is plenty. */
const MAX_TIMEOUT_SECONDS = 86_400;
/** OAuth token lifetime asked for at most: a day. */
const MAX_TOKEN_EXPIRY_SECONDS = 86_400;

const TRUE_WORDS = ["true", "1", "yes"];
const FALSE_WORDS = ["false", "0", "no"];

/** A decimal number written as such ("5", "2.5", "-1", "1e3"); not "", "5s", "0x10" or "Infinity". */
function asNumber(value: unknown): number | undefined {
    if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
    if (typeof value !== "string") return undefined;
    const s = value.trim();
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : undefined;
}

const numberIn =
    (min: number, max: number, whole = false) =>
    (value: unknown): boolean => {
        const n = asNumber(value);
        return n === undefined || n < min || n > max || (whole && !Number.isInteger(n));
    };

const oneOf =
    (...allowed: string[]) =>
    (value: unknown): boolean =>
        typeof value !== "string" || !allowed.includes(value);

/** The boolean a setting means, or undefined when it is not one of true/false/1/0/yes/no (any case). */
function parseBoolean(value: unknown): boolean | undefined {
    if (typeof value === "boolean") return value;
    if (typeof value === "number" && (value === 0 || value === 1)) return value === 1;
    if (typeof value !== "string") return undefined;
    const s = value.trim().toLowerCase();
    if (TRUE_WORDS.includes(s)) return true;
    if (FALSE_WORDS.includes(s)) return false;
    return undefined;
}

function urlProblem(value: unknown): string | undefined {
    if (typeof value !== "string") return "must be an absolute URL such as https://<region>.p6.oraclecloud.com/<tenant>";
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return "must be an absolute URL such as https://<region>.p6.oraclecloud.com/<tenant>";
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
        return "must start with https:// (http:// only for a loopback host, or with primavera:insecure)";
    }
    if (!url.hostname) return "must name a host, e.g. https://<region>.p6.oraclecloud.com/<tenant>";
    if (url.username || url.password)
        return "must not carry credentials (user:password@): set primavera:username and primavera:password (or PRIMAVERA_USERNAME and PRIMAVERA_PASSWORD) instead";
    return undefined;
}

/** Every setting, documented once: the README's configuration table is generated from this list (configTable()). */
export const CONFIG_KEYS: ConfigKey[] = [
    {
        key: "baseUrl",
        stack: "primavera:baseUrl",
        env: "PRIMAVERA_BASE_URL",
        required: true,
        description:
            "Root URL of the tenant, e.g. `https://<region>.p6.oraclecloud.com/<tenant>`, or `http://127.0.0.1:18080` for the simulator. `/cloudapi/restapi` is appended. Must be `https://` unless the host is a loopback address or `primavera:insecure` is set.",
        allowedDoc:
            "an absolute URL, `https://`; `http://` only for a loopback host (`localhost`, `127.x.x.x`, `::1`) or with `primavera:insecure`; no `user:password@`",
        allowed: "must be an absolute https:// URL (http:// only for a loopback host, or with primavera:insecure)",
        invalid: (v) => urlProblem(v) !== undefined,
    },
    {
        key: "username",
        stack: "primavera:username",
        env: "PRIMAVERA_USERNAME",
        required: true,
        description: "An account with the Cloud Administrator privilege.",
        allowedDoc: "non-empty text",
        allowed: "must be a non-empty text",
        invalid: (v) => typeof v !== "string" || v.length === 0,
    },
    {
        key: "password",
        stack: "primavera:password",
        env: "PRIMAVERA_PASSWORD",
        required: true,
        secret: true,
        description: "Its password; set it with `pulumi config set --secret`.",
        allowedDoc: "non-empty text; a secret, never shown in messages",
        allowed: "must be a non-empty text",
        invalid: (v) => typeof v !== "string" || v.length === 0,
    },
    {
        key: "authMode",
        stack: "primavera:authMode",
        env: "PRIMAVERA_AUTH_MODE",
        default: "basic",
        description:
            "`basic`: HTTP Basic on the v1 paths. `oauth`: a Bearer token from `/oauth2/token` on the v3 paths (OCI-hosted tenants), renewed once on 401.",
        allowedDoc: "`basic` or `oauth` (exactly)",
        allowed: 'allowed: "basic" or "oauth"',
        invalid: oneOf("basic", "oauth"),
    },
    {
        key: "deletionMode",
        stack: "primavera:deletionMode",
        env: "PRIMAVERA_DELETION_MODE",
        default: "delete",
        description:
            "`delete`: a job with `deleted`, then a read to verify the user is gone. `deprovision`: disable the user and remove all its roles (the vendor's documented offboarding; use it if your tenant refuses deletes).",
        allowedDoc: "`delete` or `deprovision` (exactly)",
        allowed: 'allowed: "delete" or "deprovision"',
        invalid: oneOf("delete", "deprovision"),
    },
    {
        key: "timeoutSeconds",
        stack: "primavera:timeoutSeconds",
        env: "PRIMAVERA_TIMEOUT_SECONDS",
        default: "600",
        description: "Deadline of one operation, including waiting for a busy tenant, retries and the job itself.",
        allowedDoc: "a number of seconds from 1 to 86400 (a day); fractions allowed",
        allowed: `must be a number of seconds, at least 1 and at most ${MAX_TIMEOUT_SECONDS} (a day); fractions are allowed`,
        invalid: numberIn(1, MAX_TIMEOUT_SECONDS),
    },
    {
        key: "maxUsersPerJob",
        stack: "primavera:maxUsersPerJob",
        env: "PRIMAVERA_MAX_USERS_PER_JOB",
        default: "500",
        // 500: per-user job cost is fixed/k + per-user, so past a few hundred the gain is small (1000 is ~20% faster on
        // 1,000 users) while a failed or refused job costs more users; see the README, Performance.
        description: "Most users in one job; `1` turns batching off. See Performance.",
        allowedDoc: "a whole number from 1 to 10000",
        allowed: "must be a whole number from 1 to 10000",
        invalid: numberIn(1, 10_000, true),
    },
    {
        key: "maxDeletions",
        stack: "primavera:maxDeletions",
        env: "PRIMAVERA_MAX_DELETIONS",
        default: "10",
        envWins: true,
        description:
            "Most users one run may delete or deprovision (every User delete and UserSet member removal counts); a UserSet's removal over it fails at `preview`, and deletes beyond it fail during `up`. Raise it for one run with the environment variable, which wins over the stack config for this setting: `PRIMAVERA_MAX_DELETIONS=250 pulumi destroy`.",
        allowedDoc: "a whole number from 0 to 1000000",
        allowed: "must be a whole number from 0 to 1000000",
        invalid: numberIn(0, 1_000_000, true),
    },
    {
        key: "insecure",
        stack: "primavera:insecure",
        env: "PRIMAVERA_INSECURE",
        default: "false",
        description: "Allow plain `http://` to a host that is not loopback.",
        allowedDoc: "`true` or `false`, also `1`/`0` and `yes`/`no`, in any case; anything else is an error",
        allowed: "allowed: true or false (also 1/0, yes/no; any case)",
        invalid: (v) => parseBoolean(v) === undefined,
    },
    {
        key: "tokenExpirySeconds",
        stack: "primavera:tokenExpirySeconds",
        env: "PRIMAVERA_TOKEN_EXPIRY_SECONDS",
        default: "3600",
        description: "Lifetime asked for OAuth tokens (renewed a tenth of the lifetime before expiry, and once on a 401).",
        allowedDoc: "a whole number of seconds from 1 to 86400 (a day)",
        allowed: `must be a whole number of seconds from 1 to ${MAX_TOKEN_EXPIRY_SECONDS} (a day)`,
        invalid: numberIn(1, MAX_TOKEN_EXPIRY_SECONDS, true),
    },
];

/** One problem with the settings: `property` is the stack key (e.g. `primavera:authMode`), `reason` a whole sentence. */
export interface ConfigFailure {
    property: string;
    reason: string;
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

/** The value as the message shows it: quoted text, never a secret, never the credentials of a URL. */
function echo(k: ConfigKey, value: unknown): string {
    if (k.secret) return "(secret, not shown)";
    if (typeof value !== "string") return typeof value === "object" ? JSON.stringify(value) : String(value);
    let s = value;
    if (k.key === "baseUrl") s = s.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, "$1***@");
    if (s.length > MAX_ECHO) s = `${s.slice(0, MAX_ECHO)}...`;
    return JSON.stringify(s);
}

/** The first non-empty value of a setting: explicit, then stack config, then environment. */
function lookup(k: ConfigKey, explicit: Partial<ProviderConfigInput>, stack: ConfigLookup, env: NodeJS.ProcessEnv): unknown {
    const ordered = k.envWins ? [explicit[k.key], env[k.env], stack(k.stack)] : [explicit[k.key], stack(k.stack), env[k.env]];
    for (const candidate of ordered) {
        if (candidate === undefined || candidate === null) continue;
        if (typeof candidate === "string") {
            // Credentials are taken as they are; around anything else, spaces are a typing accident.
            const s = k.key === "username" || k.key === "password" ? candidate : candidate.trim();
            if (s === "") continue;
            return s;
        }
        return candidate;
    }
    return undefined;
}

interface Checked {
    failures: ConfigFailure[];
    raw: Record<string, unknown>;
    missing: ConfigFailure[];
}

function checkAll(explicit: Partial<ProviderConfigInput>, stack: ConfigLookup, env: NodeJS.ProcessEnv, wording: ConfigWording): Checked {
    const name = wording.name ?? defaultName;
    const howToSet = wording.howToSet ?? defaultHowToSet;
    const raw: Record<string, unknown> = {};
    const failures: ConfigFailure[] = [];
    const missing: ConfigFailure[] = [];
    const bad = new Set<string>();
    for (const k of CONFIG_KEYS) {
        const value = lookup(k, explicit, stack, env);
        if (value === undefined) {
            if (k.required) {
                const f = { property: k.stack, reason: `${name(k)} is not set; ${howToSet(k)}` };
                failures.push(f);
                missing.push(f);
            }
            continue;
        }
        if (k.invalid(value)) {
            const problem = k.key === "baseUrl" ? urlProblem(value)! : k.allowed;
            failures.push({ property: k.stack, reason: `${name(k)} is ${echo(k, value)}; ${problem}` });
            bad.add(k.key);
            continue;
        }
        raw[k.key] = k.key === "insecure" ? parseBoolean(value) : value;
    }
    // https everywhere, except loopback (the simulator) or an explicit opt-in.
    if (typeof raw.baseUrl === "string" && !bad.has("insecure")) {
        const url = new URL(raw.baseUrl);
        if (url.protocol === "http:" && !isLoopback(url.hostname) && raw.insecure !== true) {
            const baseUrl = CONFIG_KEYS[0];
            failures.push({
                property: baseUrl.stack,
                reason:
                    `${name(baseUrl)} is ${echo(baseUrl, raw.baseUrl)}: plain http to a host that is not a loopback address, so ` +
                    `credentials would cross the network in clear text. Use https://, or set primavera:insecure=true ` +
                    `(PRIMAVERA_INSECURE=true) if you really mean it.`,
            });
        }
    }
    return { failures, raw, missing };
}

/**
 * Every problem with the settings, without throwing: each missing required setting (with how to
 * set it) and each bad value (naming the stack key and the environment variable, echoing the value
 * unless it is a secret, and saying what is allowed). Empty when the settings resolve.
 */
export function configFailures(
    explicit: Partial<ProviderConfigInput> = {},
    stack: ConfigLookup = () => undefined,
    env: NodeJS.ProcessEnv = process.env,
    wording: ConfigWording = {},
): ConfigFailure[] {
    const checked = checkAll(explicit, stack, env, wording);
    if (checked.failures.length > 0) return checked.failures;
    return parse(checked.raw, wording).failures;
}

/** The schema's own parse, as a backstop: its issues are reworded like every other problem (no raw zod text). */
function parse(raw: Record<string, unknown>, wording: ConfigWording): { config?: ProviderConfig; failures: ConfigFailure[] } {
    const parsed = providerConfig.safeParse(raw);
    if (parsed.success) return { config: parsed.data, failures: [] };
    const name = wording.name ?? defaultName;
    const failures = parsed.error.issues.map((issue) => {
        const k = CONFIG_KEYS.find((c) => c.key === issue.path[0]);
        if (!k) return { property: String(issue.path[0] ?? "primavera"), reason: "the Primavera provider settings are not valid" };
        return { property: k.stack, reason: `${name(k)} is ${echo(k, raw[k.key])}; ${k.allowed}` };
    });
    return { failures };
}

/** The message of a ConfigError carrying these failures. */
function configErrorMessage(failures: ConfigFailure[], missing: ConfigFailure[] = []): string {
    const invalid = failures.filter((f) => !missing.includes(f));
    const parts: string[] = [];
    if (missing.length > 0) {
        parts.push(`Primavera provider is not configured; missing:\n${missing.map((f) => `  - ${f.reason}`).join("\n")}`);
    }
    if (invalid.length > 0) {
        parts.push(`Primavera provider configuration is invalid:\n${invalid.map((f) => `  - ${f.reason}`).join("\n")}`);
    }
    return parts.join("\n");
}

/** The settings in force; throws a ConfigError listing every problem (see configFailures). */
export function resolveConfig(
    explicit: Partial<ProviderConfigInput> = {},
    stack: ConfigLookup = () => undefined,
    env: NodeJS.ProcessEnv = process.env,
    wording: ConfigWording = {},
): ProviderConfig {
    const checked = checkAll(explicit, stack, env, wording);
    if (checked.failures.length > 0) throw new ConfigError(configErrorMessage(checked.failures, checked.missing), checked.failures);
    const { config, failures } = parse(checked.raw, wording);
    if (!config) throw new ConfigError(configErrorMessage(failures), failures);
    config.baseUrl = config.baseUrl.replace(/\/+$/, "").replace(/\/cloudapi\/restapi$/, "");
    return config;
}

function isLoopback(hostname: string): boolean {
    const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
    return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}
