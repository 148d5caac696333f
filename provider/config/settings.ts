// Every setting of the provider, defined once: where it is read (stack config key, environment
// variable), its one zod schema (from the text a user typed, or a typed value given in code, to
// the value in force; its message says what is allowed, and is what the user reads), its default
// and its documentation (the README's configuration table is generated from this table).
import { z } from "zod";

/** Seconds an operation may take at most: Node's timers cannot wait longer than about 24 days, and a day is plenty. */
const MAX_TIMEOUT_SECONDS = 86_400;
/** OAuth token lifetime asked for at most: a day. */
const MAX_TOKEN_EXPIRY_SECONDS = 86_400;

export interface Setting<T> {
    stack: string;
    env: string;
    required?: true;
    secret?: true;
    /** The environment variable wins over the stack config (a guard raised for one run). */
    envWins?: true;
    /** The default in force when the setting is not given, as a user would type it. */
    default?: string;
    description: string;
    /** What the value may be, for the README's table (markdown). */
    allowedDoc: string;
    /** From what was given to the value in force; its one message says what is allowed. */
    schema: z.ZodType<T>;
}

/** A parse that failed for a reason of its own, said instead of the setting's `allowed`. */
class Problem {
    constructor(readonly message: string) {}
}

/** A schema that turns a given value into the setting's value with `parse`, or fails with `allowed`. */
function rule<T>(allowed: string, parse: (value: unknown) => T | Problem | undefined): z.ZodType<T> {
    return z.unknown().transform((value, ctx): T => {
        const out = parse(value);
        if (out === undefined || out instanceof Problem) {
            ctx.addIssue({ code: "custom", message: out instanceof Problem ? out.message : allowed });
            return z.NEVER;
        }
        return out;
    });
}

/** A decimal number written as such ("5", "2.5", "1e3"); not "", "5s", "0x10" or "Infinity". */
function asNumber(value: unknown): number | undefined {
    if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
    if (typeof value !== "string" || !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value.trim())) return undefined;
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : undefined;
}

function numberIn(min: number, max: number, whole: boolean, allowed: string): z.ZodType<number> {
    return rule(allowed, (v) => {
        const n = asNumber(v);
        return n === undefined || n < min || n > max || (whole && !Number.isInteger(n)) ? undefined : n;
    });
}

function oneOf<const T extends string>(allowed: string, ...values: T[]): z.ZodType<T> {
    return rule(allowed, (v) => (typeof v === "string" && (values as string[]).includes(v.trim()) ? (v.trim() as T) : undefined));
}

/** true/false, 1/0, yes/no, in any case. */
function parseBoolean(value: unknown): boolean | undefined {
    if (typeof value === "boolean") return value;
    if (value === 0 || value === 1) return value === 1;
    if (typeof value !== "string") return undefined;
    const s = value.trim().toLowerCase();
    return s === "true" || s === "1" || s === "yes" ? true : s === "false" || s === "0" || s === "no" ? false : undefined;
}

function text(allowed: string): z.ZodType<string> {
    // Credentials are taken as typed: a space may be part of them.
    return rule(allowed, (v) => (typeof v === "string" && v.length > 0 ? v : undefined));
}

/** The base URL in force: absolute http(s), no credentials, without a trailing / or the API root. */
function parseBaseUrl(value: unknown): string | Problem | undefined {
    if (typeof value !== "string") return undefined;
    let url: URL;
    try {
        url = new URL(value.trim());
    } catch {
        return undefined;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:")
        return new Problem("must start with https:// (http:// only for a loopback host, or with primavera:insecure)");
    if (!url.hostname) return new Problem("must name a host, e.g. https://<region>.p6.oraclecloud.com/<tenant>");
    if (url.username || url.password)
        return new Problem(
            "must not carry credentials (user:password@): set primavera:username and primavera:password " +
                "(or PRIMAVERA_USERNAME and PRIMAVERA_PASSWORD) instead",
        );
    return value
        .trim()
        .replace(/\/+$/, "")
        .replace(/\/cloudapi\/restapi$/, "");
}

export const SETTINGS = {
    baseUrl: {
        stack: "primavera:baseUrl",
        env: "PRIMAVERA_BASE_URL",
        required: true,
        description:
            "Root URL of the tenant, e.g. `https://<region>.p6.oraclecloud.com/<tenant>`, or `http://127.0.0.1:18080` for the simulator. `/cloudapi/restapi` is appended. Must be `https://` unless the host is a loopback address or `primavera:insecure` is set.",
        allowedDoc:
            "an absolute URL, `https://`; `http://` only for a loopback host (`localhost`, `127.x.x.x`, `::1`) or with `primavera:insecure`; no `user:password@`",
        schema: rule("must be an absolute URL such as https://<region>.p6.oraclecloud.com/<tenant>", parseBaseUrl),
    },
    username: {
        stack: "primavera:username",
        env: "PRIMAVERA_USERNAME",
        required: true,
        description: "An account with the Cloud Administrator privilege.",
        allowedDoc: "non-empty text",
        schema: text("must be a non-empty text"),
    },
    password: {
        stack: "primavera:password",
        env: "PRIMAVERA_PASSWORD",
        required: true,
        secret: true,
        description: "Its password; set it with `pulumi config set --secret`.",
        allowedDoc: "non-empty text; a secret, never shown in messages",
        schema: text("must be a non-empty text"),
    },
    authMode: {
        stack: "primavera:authMode",
        env: "PRIMAVERA_AUTH_MODE",
        default: "basic",
        description:
            "`basic`: HTTP Basic on the v1 paths. `oauth`: a Bearer token from `/oauth2/token` on the v3 paths (OCI-hosted tenants), renewed once on 401.",
        allowedDoc: "`basic` or `oauth` (exactly)",
        schema: oneOf('allowed: "basic" or "oauth"', "basic", "oauth"),
    },
    deletionMode: {
        stack: "primavera:deletionMode",
        env: "PRIMAVERA_DELETION_MODE",
        default: "delete",
        description:
            "`delete`: a job with `deleted`, then a read to verify the user is gone. `deprovision`: disable the user and remove all its roles (the vendor's documented offboarding; use it if your tenant refuses deletes).",
        allowedDoc: "`delete` or `deprovision` (exactly)",
        schema: oneOf('allowed: "delete" or "deprovision"', "delete", "deprovision"),
    },
    timeoutSeconds: {
        stack: "primavera:timeoutSeconds",
        env: "PRIMAVERA_TIMEOUT_SECONDS",
        default: "600",
        description: "Deadline of one operation, including waiting for a busy tenant, retries and the job itself.",
        allowedDoc: "a number of seconds from 1 to 86400 (a day); fractions allowed",
        schema: numberIn(
            1,
            MAX_TIMEOUT_SECONDS,
            false,
            `must be a number of seconds, at least 1 and at most ${MAX_TIMEOUT_SECONDS} (a day); fractions are allowed`,
        ),
    },
    maxUsersPerJob: {
        stack: "primavera:maxUsersPerJob",
        env: "PRIMAVERA_MAX_USERS_PER_JOB",
        default: "500",
        description: "Most users in one job; `1` turns batching off. See docs/performance.md.",
        allowedDoc: "a whole number from 1 to 10000",
        schema: numberIn(1, 10_000, true, "must be a whole number from 1 to 10000"),
    },
    maxDeletions: {
        stack: "primavera:maxDeletions",
        env: "PRIMAVERA_MAX_DELETIONS",
        default: "10",
        envWins: true,
        description:
            "Most users one run may delete or deprovision (every User delete and UserSet member removal counts); a UserSet's removal over it fails at `preview`, and deletes beyond it fail during `up`. Raise it for one run with the environment variable, which wins over the stack config for this setting: `PRIMAVERA_MAX_DELETIONS=250 pulumi destroy`.",
        allowedDoc: "a whole number from 0 to 1000000",
        schema: numberIn(0, 1_000_000, true, "must be a whole number from 0 to 1000000"),
    },
    insecure: {
        stack: "primavera:insecure",
        env: "PRIMAVERA_INSECURE",
        default: "false",
        description: "Allow plain `http://` to a host that is not loopback.",
        allowedDoc: "`true` or `false`, also `1`/`0` and `yes`/`no`, in any case; anything else is an error",
        schema: rule("allowed: true or false (also 1/0, yes/no; any case)", parseBoolean),
    },
    tokenExpirySeconds: {
        stack: "primavera:tokenExpirySeconds",
        env: "PRIMAVERA_TOKEN_EXPIRY_SECONDS",
        default: "3600",
        description: "Lifetime asked for OAuth tokens (renewed a tenth of the lifetime before expiry, and once on a 401).",
        allowedDoc: "a whole number of seconds from 1 to 86400 (a day)",
        schema: numberIn(
            1,
            MAX_TOKEN_EXPIRY_SECONDS,
            true,
            `must be a whole number of seconds from 1 to ${MAX_TOKEN_EXPIRY_SECONDS} (a day)`,
        ),
    },
} satisfies Record<string, Setting<unknown>>;

export type SettingKey = keyof typeof SETTINGS;

/** The settings in force. */
export type ProviderConfig = { [K in SettingKey]: z.output<(typeof SETTINGS)[K]["schema"]> };

/** Settings given in code (UserProvider's constructor, a lookup's `config`): a value or its text, per key. */
export type ProviderConfigInput = { [K in SettingKey]?: ProviderConfig[K] | string };

/** One setting with its key, as the docs and messages list them. */
export type ConfigKey = Setting<unknown> & { key: SettingKey };

/** Every setting, in the documented order. */
export const CONFIG_KEYS: ConfigKey[] = (Object.keys(SETTINGS) as SettingKey[]).map((key) => ({ key, ...SETTINGS[key] }));

/** When an operation started now must end: primavera:timeoutSeconds, or `capSeconds` when that is shorter. */
export function deadlineFrom(config: Pick<ProviderConfig, "timeoutSeconds">, capSeconds = Infinity): number {
    return Date.now() + Math.min(config.timeoutSeconds, capSeconds) * 1000;
}
