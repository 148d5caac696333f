/**
 * Programmatic API of the Primavera Administration simulator.
 *
 *     const sim = await startSimulator({ port: 0, jobMs: 20 });
 *     // ... talk HTTP to sim.baseUrl + "/cloudapi/restapi/user" ...
 *     await sim.stop();
 */
import { Account, Auth } from "./http/auth";
import { DEFAULT_MAX_BODY_BYTES } from "./http/body";
import { loadSeed } from "./tenant/seedData";
import { SimulatorServer } from "./http/server";
import { Store } from "./tenant/store";

// Not "admin": Pulumi masks a secret config value wherever it appears, and "admin" is part of many names.
const DEFAULT_PASSWORD = "sim-Pw-4827";
const DEFAULT_READONLY_PASSWORD = "viewer-Pw-3961";

export interface SimulatorOptions {
    /** TCP port; 0 (the default) picks a free one. */
    port?: number;
    /** Interface to listen on; default 127.0.0.1. */
    host?: string;
    /** Fixed time of every job, ms (default 1000). */
    jobMs?: number;
    /** Extra time per user in a job, ms (default 2). */
    jobMsPerUser?: number;
    /** Administrator account (default admin / sim-Pw-4827). */
    username?: string;
    password?: string;
    /**
     * More administrator accounts next to the main one, e.g. a second team's account; a job's
     * `createdBy` and an audit event's `grantor` name the account that made the change.
     */
    admins?: { username: string; password: string }[];
    /** Read-only account (default viewer / viewer-Pw-3961): may read, gets 403 on POST/PUT. */
    readOnlyUsername?: string;
    readOnlyPassword?: string;
    /** Status of a `POST /user` refused because a job is running (default 409). */
    busyStatus?: 400 | 409 | 429;
    /** Persist users and id counters here after every change; loaded at start when present. */
    dataFile?: string;
    /** JSON `{organizations?, roles?, users?}` laid over the built-in seed. */
    seedFile?: string;
    /** Default true. When false, one line per request (method, path, status, time) goes to stderr. */
    quiet?: boolean;
    /**
     * Logins that differ only in case are the same user (default false: case-sensitive). Users
     * are keyed by the lower-cased login and keep the loginId they were first created with.
     */
    caseInsensitiveLogins?: boolean;
    /**
     * Tenant prefix before `/cloudapi/restapi`, e.g. "/tenant1" (default ""). The API answers
     * only under it; the `/__sim` routes stay at the root.
     */
    basePath?: string;
    /** `Location` of `POST /user` and of a running job: "absolute" (default) or root-relative. */
    locationStyle?: "absolute" | "relative";
    /** Largest request body, in bytes (default 64 MiB); a larger one is answered 413. */
    maxBodyBytes?: number;
}

export interface RunningSimulator {
    /** `http://127.0.0.1:PORT`, no trailing slash: the origin (the `/__sim` routes live here). */
    url: string;
    /** `url` plus the base path (equal to `url` without one): the tenant URL, before `/cloudapi/restapi`. */
    baseUrl: string;
    port: number;
    stop(): Promise<void>;
}

/**
 * Checks a base path and drops trailing slashes: "" or "/segment[/segment...]" of URL-safe
 * characters (no "." or ".." segment), not under `/__sim`. Throws with the reason otherwise.
 */
export function normalizeBasePath(basePath: string): string {
    const p = basePath.replace(/\/+$/, "");
    if (p !== "" && (!/^(\/[A-Za-z0-9._~-]+)+$/.test(p) || /\/\.{1,2}(\/|$)/.test(p))) {
        throw new Error(`basePath must be empty or look like "/tenant1" (segments of letters, digits, . _ ~ -), got "${basePath}"`);
    }
    if (p === "/__sim" || p.startsWith("/__sim/")) throw new Error(`basePath must not be under /__sim, got "${basePath}"`);
    return p;
}

/** The accounts as given; throws when a name is empty, holds a colon (Basic auth splits there) or repeats, or a password is empty. */
function checkAccounts(accounts: Account[]): Account[] {
    const seen = new Set<string>();
    for (const a of accounts) {
        if (!a.username || a.username.includes(":")) throw new Error(`account name must be non-empty and without ":", got "${a.username}"`);
        if (!a.password) throw new Error(`account ${a.username}: the password must not be empty`);
        if (seen.has(a.username)) throw new Error(`account ${a.username} is given twice`);
        seen.add(a.username);
    }
    return accounts;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
    const host = opts.host ?? "127.0.0.1";
    const busyStatus = opts.busyStatus ?? 409;
    if (![400, 409, 429].includes(busyStatus)) throw new Error(`busyStatus must be 400, 409 or 429, got ${busyStatus}`);
    const basePath = normalizeBasePath(opts.basePath ?? "");
    const locationStyle = opts.locationStyle ?? "absolute";
    if (locationStyle !== "absolute" && locationStyle !== "relative") {
        throw new Error(`locationStyle must be "absolute" or "relative", got "${String(locationStyle)}"`);
    }
    const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1)
        throw new Error(`maxBodyBytes must be a positive integer, got ${maxBodyBytes}`);
    const store = new Store(loadSeed(opts.seedFile), opts.dataFile, { caseInsensitiveLogins: opts.caseInsensitiveLogins ?? false });
    const auth = new Auth(
        checkAccounts([
            { username: opts.username ?? "admin", password: opts.password ?? DEFAULT_PASSWORD, readOnly: false },
            { username: opts.readOnlyUsername ?? "viewer", password: opts.readOnlyPassword ?? DEFAULT_READONLY_PASSWORD, readOnly: true },
            ...(opts.admins ?? []).map((a) => ({ username: a.username, password: a.password, readOnly: false })),
        ]),
    );
    const server = new SimulatorServer({
        host,
        jobMs: opts.jobMs ?? 1000,
        jobMsPerUser: opts.jobMsPerUser ?? 2,
        busyStatus,
        auth,
        store,
        quiet: opts.quiet ?? true,
        basePath,
        locationStyle,
        maxBodyBytes,
    });
    await new Promise<void>((resolve, reject) => {
        server.http.once("error", reject);
        server.http.listen(opts.port ?? 0, host, () => {
            server.http.off("error", reject);
            resolve();
        });
    });
    const address = server.http.address();
    const port = typeof address === "object" && address ? address.port : (opts.port ?? 0);
    const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
    let stopping: Promise<void> | undefined;
    const url = `http://${urlHost}:${port}`;
    return {
        url,
        baseUrl: url + basePath,
        port,
        stop: () =>
            (stopping ??= new Promise<void>((resolve) => {
                server.stop();
                server.http.close(() => resolve());
                server.http.closeAllConnections();
            })),
    };
}
