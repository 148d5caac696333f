/**
 * The HTTP server and what happens to every request before its handler: the request log,
 * the two route tables (vendor routes, apiRoutes.ts, under `[basePath]/cloudapi/restapi[/v2|/v3]`;
 * control routes, simRoutes.ts, under `/__sim` at the root), and for vendor routes only: stats,
 * injected latency and random faults, 404/405, authentication per API version and the read-only
 * account's 403. Errors thrown by a handler become answers here.
 */
import * as http from "node:http";
import { Faults } from "../tenant/faults";
import { OneJobAtATime } from "../tenant/jobs";
import { RequestStats } from "../tenant/stats";
import { InputError, Store } from "../tenant/store";
import { ApiRoute, ApiRoutes, ApiVersion, BASE_PATH } from "./apiRoutes";
import { Auth, Principal } from "./auth";
import { HttpError, INTERNAL_ERROR, INVALID_INPUT, markMalformed, markStarted, markTrickle, sendError } from "./respond";
import { match, Match, Route } from "./router";
import { SimRoutes } from "./simRoutes";

export interface ServerConfig {
    host: string;
    jobMs: number;
    jobMsPerUser: number;
    busyStatus: 400 | 409 | 429;
    auth: Auth;
    store: Store;
    /** When false, one line per request (method, path, status, time) goes to stderr. */
    quiet: boolean;
    /** Tenant prefix before `/cloudapi/restapi` ("" or e.g. "/tenant1", no trailing slash). */
    basePath: string;
    /** `Location` headers: absolute URLs (from the `Host` header) or root-relative paths. */
    locationStyle: "absolute" | "relative";
    /** Largest request body, in bytes, of any route (413 beyond). */
    maxBodyBytes: number;
}

export class SimulatorServer {
    readonly http: http.Server;
    readonly jobs: OneJobAtATime;
    readonly faults = new Faults();
    readonly stats = new RequestStats();
    private readonly api: ApiRoutes;
    private readonly sim: SimRoutes;
    /** `basePath` + `/cloudapi/restapi`: where the vendor routes live. */
    private readonly apiRoot: string;

    constructor(private readonly cfg: ServerConfig) {
        this.apiRoot = cfg.basePath + BASE_PATH;
        this.jobs = new OneJobAtATime(() => cfg.store.allocateJobId());
        const { auth, store, jobMs, jobMsPerUser, busyStatus, locationStyle, maxBodyBytes } = cfg;
        const tenant = { auth, store, jobs: this.jobs, faults: this.faults, maxBodyBytes };
        this.api = new ApiRoutes({ ...tenant, apiRoot: this.apiRoot, jobMs, jobMsPerUser, busyStatus, locationStyle });
        this.sim = new SimRoutes({ ...tenant, stats: this.stats });
        this.http = http.createServer((req, res) => {
            this.dispatch(req, res).catch((e) => {
                if (!res.headersSent) sendError(res, new HttpError(500, INTERNAL_ERROR, (e as Error).message));
                else res.destroy();
            });
        });
    }

    stop(): void {
        this.jobs.stop();
    }

    private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const started = process.hrtime.bigint();
        markStarted(res, started);
        const url = new URL(req.url ?? "/", "http://simulator");
        const method = req.method ?? "GET";
        if (!this.cfg.quiet) {
            res.on("finish", () => {
                const ms = Number(process.hrtime.bigint() - started) / 1e6;
                process.stderr.write(`${method} ${url.pathname} ${res.statusCode} ${ms.toFixed(1)}ms\n`);
            });
        }
        if (url.pathname === "/__sim" || url.pathname.startsWith("/__sim/")) {
            return this.guard(res, () => {
                const found = match(this.sim.table, method, url.pathname);
                if (!found.route) throw new HttpError(404, `No simulator control route ${method} ${url.pathname}.`);
                return found.route.handler({ req, res, params: found.params });
            });
        }

        const found = this.matchApi(method, url.pathname);
        // Stats key: the version prefix as requested plus the template ("GET /v3/user/{loginId}").
        const routeKey = `${method} ${found.template ? found.version + found.template : "(unmatched)"}`;
        const unversionedKey = found.template && `${method} ${found.template}`;
        let counted = false;
        const count = (status: number | "dropped" | "aborted") => {
            if (!counted) this.stats.record(routeKey, status);
            counted = true;
        };
        res.on("finish", () => count(res.statusCode));
        // A connection that closes before the answer was written whole: the client went away.
        res.on("close", () => count("aborted"));

        if (this.faults.latencyMs > 0) {
            this.faults.counters.delayed++;
            await sleep(this.faults.latencyMs);
        }
        const fault = this.faults.draw(routeKey, unversionedKey);
        if (fault === "drop") {
            count("dropped");
            req.socket.destroy();
            return;
        }
        const trickleMs = unversionedKey ? this.faults.trickleMs(routeKey, unversionedKey) : undefined;
        if (trickleMs !== undefined) {
            markTrickle(res, trickleMs);
            this.faults.counters.trickledAnswers++;
        }
        if (fault === "5xx") return sendError(res, new HttpError(500, INTERNAL_ERROR, "injected fault"));
        if (fault === "429") {
            const retryAfter = String(this.faults.retryAfterSeconds);
            return sendError(res, new HttpError(429, "Too many requests.", "injected fault", { "Retry-After": retryAfter }));
        }

        await this.guard(res, async () => {
            if (!found.route) {
                if (found.allow.length) {
                    throw new HttpError(405, `Method ${method} is not supported for ${url.pathname}.`, "", {
                        Allow: found.allow.join(", "),
                    });
                }
                throw new HttpError(404, `No resource at ${url.pathname}.`);
            }
            const principal = this.authenticate(req, found.route, found.version);
            if (principal.readOnly && (method === "POST" || method === "PUT")) {
                throw new HttpError(403, `User ${principal.username} is not authorized to perform this operation.`);
            }
            if (unversionedKey && this.faults.malforms(routeKey, unversionedKey)) {
                markMalformed(res);
                this.faults.counters.malformedAnswers++;
            }
            await found.route.handler.handle({ req, res, url, version: found.version, params: found.params, principal });
        });
    }

    /** Runs a handler; an HttpError (or the tenant's InputError, as a 400) it throws becomes the answer. */
    private async guard(res: http.ServerResponse, fn: () => Promise<void> | void): Promise<void> {
        try {
            await fn();
        } catch (e) {
            if (e instanceof HttpError) return sendError(res, e);
            if (e instanceof InputError) return sendError(res, new HttpError(400, `${INVALID_INPUT} ${e.message}`, e.message));
            throw e;
        }
    }

    /** The vendor route of a path: strips the API root and the version prefix, then matches that version's table. */
    private matchApi(method: string, pathname: string): Match<ApiRoute> & { version: ApiVersion } {
        if (!pathname.startsWith(this.apiRoot + "/")) return { version: "", params: {}, allow: [] };
        let rest = pathname.slice(this.apiRoot.length);
        let version: ApiVersion = "";
        const v = /^\/(v2|v3)(?=\/)/.exec(rest);
        if (v) {
            version = `/${v[1]}` as ApiVersion;
            rest = rest.slice(v[0].length);
        }
        return { ...match(version === "" ? this.api.table : this.api.versionedTable, method, rest), version };
    }

    /** Basic for the token route and v1/v2; Bearer (from `/oauth2/token`) for v3. */
    private authenticate(req: http.IncomingMessage, r: Route<ApiRoute>, version: ApiVersion): Principal {
        const header = req.headers.authorization;
        if (version === "/v3") {
            const check = this.cfg.auth.bearer(header);
            if (check.ok) return check.principal;
            const text =
                check.reason === "expired"
                    ? "The access token has expired."
                    : /^Basic\s/i.test(header ?? "")
                      ? `The v3 API needs an OAuth access token (Authorization: Bearer ...); get one from ${this.apiRoot}/oauth2/token.`
                      : "Missing or invalid access token.";
            throw new HttpError(401, text, this.echoedHeader(header) ?? check.reason, {
                "WWW-Authenticate": `Bearer realm="Primavera Administration", error="invalid_token"`,
            });
        }
        const p = this.cfg.auth.basic(header);
        if (p) return p;
        const text =
            r.handler.auth === "api" && /^Bearer\s/i.test(header ?? "")
                ? "OAuth access tokens are accepted on the /v3/ paths only; use Basic authentication here."
                : "Missing or invalid credentials.";
        throw new HttpError(401, text, this.echoedHeader(header) ?? "", { "WWW-Authenticate": `Basic realm="Primavera Administration"` });
    }

    /** Under `echoSecrets`, what a 401 says it received: the Authorization header, quoted whole (counted); else undefined. */
    private echoedHeader(header: string | undefined): string | undefined {
        if (!this.faults.echoSecrets) return undefined;
        this.faults.counters.echoedSecrets++;
        return `Authorization header received: ${header === undefined ? "(none)" : `"${header}"`}`;
    }
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
