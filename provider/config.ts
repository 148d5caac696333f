// Resolves the provider's settings: an explicit object (UserProvider's constructor) first, then
// the stack config (`primavera:*`, passed to configure()), then environment variables.
import { ProviderConfig, ProviderConfigInput, providerConfig } from "./schemas";

export interface ConfigKey {
    key: keyof ProviderConfigInput;
    stack: string;
    env: string;
    secret?: boolean;
    required?: boolean;
    description: string;
    default?: string;
}

/** Every setting, documented once; the README's configuration table is written from this list. */
export const CONFIG_KEYS: ConfigKey[] = [
    {
        key: "baseUrl",
        stack: "primavera:baseUrl",
        env: "PRIMAVERA_BASE_URL",
        required: true,
        description:
            "Root URL of the tenant, e.g. https://<region>.p6.oraclecloud.com/<tenant> or http://127.0.0.1:18080 for the simulator; /cloudapi/restapi is appended",
    },
    {
        key: "username",
        stack: "primavera:username",
        env: "PRIMAVERA_USERNAME",
        required: true,
        description: "Account with the Cloud Administrator privilege",
    },
    {
        key: "password",
        stack: "primavera:password",
        env: "PRIMAVERA_PASSWORD",
        required: true,
        secret: true,
        description: "Its password (set it with `pulumi config set --secret`)",
    },
    {
        key: "authMode",
        stack: "primavera:authMode",
        env: "PRIMAVERA_AUTH_MODE",
        default: "basic",
        description: "`basic` (HTTP Basic on the v1 paths) or `oauth` (Bearer token from /oauth2/token on the v3 paths, renewed on 401)",
    },
    {
        key: "deletionMode",
        stack: "primavera:deletionMode",
        env: "PRIMAVERA_DELETION_MODE",
        default: "delete",
        description: "`delete` (a job with `deleted`) or `deprovision` (disable and remove all roles: the vendor's documented offboarding)",
    },
    {
        key: "timeoutSeconds",
        stack: "primavera:timeoutSeconds",
        env: "PRIMAVERA_TIMEOUT_SECONDS",
        default: "600",
        description: "Deadline of one operation, including waiting for a busy tenant, retries and the job itself",
    },
    {
        key: "maxUsersPerJob",
        stack: "primavera:maxUsersPerJob",
        env: "PRIMAVERA_MAX_USERS_PER_JOB",
        default: "500",
        // 500: per-user job cost is fixed/k + per-user, so past a few hundred the gain is small (1000 is ~20% faster on
        // 1,000 users) while a failed or refused job costs more users; see the README, Performance.
        description:
            "Most users sent in one job; 1 turns batching off. Batches only grow this large when the engine has that many operations in flight (`--parallel`)",
    },
    {
        key: "lingerMs",
        stack: "primavera:lingerMs",
        env: "PRIMAVERA_LINGER_MS",
        default: "0",
        // 0: measured, a linger did not produce bigger jobs nor a shorter run (README, Performance).
        description:
            "How long the job runner waits after a job to gather more operations before the next one (0: measured, a linger did not pay)",
    },
    {
        key: "insecure",
        stack: "primavera:insecure",
        env: "PRIMAVERA_INSECURE",
        default: "false",
        description: "Allow plain http to a host that is not a loopback address (never do this with real credentials)",
    },
    {
        key: "tokenExpirySeconds",
        stack: "primavera:tokenExpirySeconds",
        env: "PRIMAVERA_TOKEN_EXPIRY_SECONDS",
        default: "3600",
        description: "Lifetime asked for OAuth tokens (authMode oauth)",
    },
];

export class ConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

export type ConfigLookup = (stackKey: string) => string | undefined;

export function resolveConfig(
    explicit: Partial<ProviderConfigInput> = {},
    stack: ConfigLookup = () => undefined,
    env: NodeJS.ProcessEnv = process.env,
): ProviderConfig {
    const raw: Record<string, unknown> = {};
    const missing: ConfigKey[] = [];
    for (const k of CONFIG_KEYS) {
        const value = explicit[k.key] ?? stack(k.stack) ?? env[k.env];
        if (value === undefined || value === "") {
            if (k.required) missing.push(k);
            continue;
        }
        raw[k.key] = value;
    }
    if (missing.length > 0) {
        const lines = missing.map(
            (k) => `  - ${k.key}: \`pulumi config set ${k.secret ? "--secret " : ""}${k.stack} <value>\` or environment variable ${k.env}`,
        );
        throw new ConfigError(`Primavera provider is not configured; missing:\n${lines.join("\n")}`);
    }
    const parsed = providerConfig.safeParse(raw);
    if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => {
            const key = CONFIG_KEYS.find((k) => k.key === i.path[0]);
            return `  - ${key ? `${key.stack} (${key.env})` : i.path.join(".")}: ${i.message}`;
        });
        throw new ConfigError(`Primavera provider configuration is invalid:\n${issues.join("\n")}`);
    }
    const config = parsed.data;
    config.baseUrl = config.baseUrl.replace(/\/+$/, "").replace(/\/cloudapi\/restapi$/, "");
    assertTransportIsSafe(config);
    return config;
}

/** https everywhere, except loopback (the simulator) or an explicit opt-in. */
function assertTransportIsSafe(config: ProviderConfig): void {
    const url = new URL(config.baseUrl);
    if (url.protocol === "https:") return;
    if (url.protocol !== "http:") {
        throw new ConfigError(`primavera:baseUrl must use https:// (got ${url.protocol}//)`);
    }
    if (isLoopback(url.hostname) || config.insecure) return;
    throw new ConfigError(
        `primavera:baseUrl ${url.origin} uses plain http to a host that is not a loopback address: credentials would ` +
            `cross the network in clear text. Use https://, or set primavera:insecure=true (PRIMAVERA_INSECURE=true) ` +
            `if you really mean it.`,
    );
}

export function isLoopback(hostname: string): boolean {
    const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
    return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}
