/**
 * The HTTP side: routing, authentication per API version, fault injection, and the handlers
 * of the vendor routes (`[basePath]/cloudapi/restapi[/v2|/v3]/...`) and of the simulator's
 * own control routes (`/__sim/...` at the root, no auth, never faulted).
 */
import * as http from "node:http";
import { z } from "zod";
import { Auth, DEFAULT_TOKEN_EXPIRY_S, Principal } from "./auth";
import { Faults, FaultConfigSchema } from "../tenant/faults";
import { Job, JobRunner } from "../tenant/jobs";
import { ChangeLockRequestSchema, ChangeStatusRequestSchema, ErrorBody, UserDataStoreRequestSchema, UserDataStoreResult } from "./wire";
import { RequestStats, StatsSnapshot } from "../tenant/stats";
import { emptyResult } from "../tenant/render";
import { InputError, Store } from "../tenant/store";
import { UserPatchSchema } from "../tenant/user";
import { validate } from "../tenant/validate";

/** The API root after the tenant's base path (`ServerConfig.basePath`, often ""). */
export const BASE_PATH = "/cloudapi/restapi";
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const INVALID_INPUT = "Invalid input, Please check.";
const INTERNAL_ERROR = "Internal Server Error. Underlying Identity Management System threw an error, Please check the logs.";

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
}

/** "" for v1, "/v2" or "/v3": the version prefix after the base path. */
type Version = "" | "/v2" | "/v3";

interface Ctx {
    req: http.IncomingMessage;
    res: http.ServerResponse;
    url: URL;
    version: Version;
    params: Record<string, string>;
    principal: Principal;
}

type Handler = (ctx: Ctx) => Promise<void> | void;

interface Route {
    method: string;
    template: string;
    pattern: RegExp;
    paramNames: string[];
    /** "token": Basic auth, v1 path only; "api": Basic for v1/v2, Bearer for v3. */
    auth: "token" | "api";
    handler: Handler;
}

/** Answers a request with a status, headers and body; records nothing (the server does). */
class HttpError extends Error {
    constructor(
        readonly status: number,
        readonly exception: string,
        message = "",
        readonly headers: Record<string, string> = {},
    ) {
        super(message);
    }
}

export class SimulatorServer {
    readonly http: http.Server;
    readonly runner: JobRunner;
    readonly faults = new Faults();
    readonly stats = new RequestStats();
    private readonly routes: Route[];
    private readonly resultText = new WeakMap<Job, string>();
    /** `basePath` + `/cloudapi/restapi`: where the vendor routes live. */
    private readonly apiRoot: string;

    constructor(private readonly cfg: ServerConfig) {
        this.apiRoot = cfg.basePath + BASE_PATH;
        this.runner = new JobRunner(() => cfg.store.allocateJobId());
        this.routes = [
            route("GET", "/user", "api", (c) => this.listUsers(c)),
            route("POST", "/user", "api", (c) => this.submitJob(c)),
            route("GET", "/user/status/{jobId}", "api", (c) => this.jobStatus(c)),
            route("PUT", "/user/change-status", "api", (c) => this.changeStatus(c)),
            route("PUT", "/user/change-lock", "api", (c) => this.changeLock(c)),
            route("GET", "/user/{loginId}", "api", (c) => this.getUser(c)),
            route("GET", "/roles", "api", (c) => this.listRoles(c)),
            route("GET", "/oauth2/token", "token", (c) => this.token(c)),
        ];
        this.http = http.createServer((req, res) => {
            this.dispatch(req, res).catch((e) => {
                if (!res.headersSent) sendError(res, new HttpError(500, INTERNAL_ERROR, (e as Error).message));
                else res.destroy();
            });
        });
    }

    stop(): void {
        this.runner.stop();
    }

    /* ---------------------------------------------------------------- dispatch */

    private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const started = process.hrtime.bigint();
        startedAt.set(res, started);
        const url = new URL(req.url ?? "/", "http://simulator");
        const method = req.method ?? "GET";
        if (!this.cfg.quiet) {
            res.on("finish", () => {
                const ms = Number(process.hrtime.bigint() - started) / 1e6;
                process.stderr.write(`${method} ${url.pathname} ${res.statusCode} ${ms.toFixed(1)}ms\n`);
            });
        }
        if (url.pathname === "/__sim" || url.pathname.startsWith("/__sim/")) {
            return this.guard(res, () => this.sim(req, res, url, method));
        }

        const found = this.match(method, url.pathname);
        // Stats key: the version prefix as requested plus the template ("GET /v3/user/{loginId}").
        const routeKey = `${method} ${found.template ? found.version + found.template : "(unmatched)"}`;
        res.on("finish", () => this.stats.record(routeKey, res.statusCode));

        if (this.faults.latencyMs > 0) {
            this.faults.counters.delayed++;
            await sleep(this.faults.latencyMs);
        }
        const fault = this.faults.draw(routeKey, found.template && `${method} ${found.template}`);
        if (fault === "drop") {
            this.stats.record(routeKey, "dropped");
            req.socket.destroy();
            return;
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
            await found.route.handler({ req, res, url, version: found.version, params: found.params, principal });
        });
    }

    private async guard(res: http.ServerResponse, fn: () => Promise<void> | void): Promise<void> {
        try {
            await fn();
        } catch (e) {
            if (e instanceof HttpError) return sendError(res, e);
            if (e instanceof InputError) return sendError(res, new HttpError(400, `${INVALID_INPUT} ${e.message}`, e.message));
            throw e;
        }
    }

    private match(
        method: string,
        pathname: string,
    ): { route?: Route; template?: string; version: Version; params: Record<string, string>; allow: string[] } {
        const none = { version: "" as Version, params: {}, allow: [] as string[] };
        if (!pathname.startsWith(this.apiRoot + "/")) return none;
        let rest = pathname.slice(this.apiRoot.length);
        let version: Version = "";
        const v = /^\/(v2|v3)(?=\/)/.exec(rest);
        if (v) {
            version = `/${v[1]}` as Version;
            rest = rest.slice(v[0].length);
        }
        const allow: string[] = [];
        let template: string | undefined;
        for (const r of this.routes) {
            if (r.auth === "token" && version !== "") continue;
            const m = r.pattern.exec(rest);
            if (!m) continue;
            template ??= r.template;
            if (r.method !== method) {
                allow.push(r.method);
                continue;
            }
            const params: Record<string, string> = {};
            r.paramNames.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
            return { route: r, template: r.template, version, params, allow };
        }
        return { template, version, params: {}, allow };
    }

    /** Basic for the token route and v1/v2; Bearer (from `/oauth2/token`) for v3. */
    private authenticate(req: http.IncomingMessage, r: Route, version: Version): Principal {
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
            throw new HttpError(401, text, check.reason, {
                "WWW-Authenticate": `Bearer realm="Primavera Administration", error="invalid_token"`,
            });
        }
        const p = this.cfg.auth.basic(header);
        if (p) return p;
        const text =
            r.auth === "api" && /^Bearer\s/i.test(header ?? "")
                ? "OAuth access tokens are accepted on the /v3/ paths only; use Basic authentication here."
                : "Missing or invalid credentials.";
        throw new HttpError(401, text, "", { "WWW-Authenticate": `Basic realm="Primavera Administration"` });
    }

    /* ------------------------------------------------------------ vendor routes */

    private listUsers(c: Ctx): void {
        sendJson(c.res, 200, this.cfg.store.listUsers());
    }

    private getUser(c: Ctx): void {
        const user = this.cfg.store.getUser(c.params.loginId);
        if (!user) throw new HttpError(404, `User ${c.params.loginId} does not exist.`);
        sendJson(c.res, 200, user);
    }

    private listRoles(c: Ctx): void {
        sendJson(c.res, 200, this.cfg.store.roleCatalog());
    }

    private async submitJob(c: Ctx): Promise<void> {
        const request = parseWith(UserDataStoreRequestSchema, await readJson(c.req));
        const users = (request.added?.length ?? 0) + (request.modified?.length ?? 0) + (request.deleted?.length ?? 0);
        const jobFaults = this.faults.jobFaults();
        const createdBy = c.principal.username.toUpperCase();
        const r = this.runner.trySubmit({
            owner: "client",
            users,
            durationMs: this.cfg.jobMs + this.cfg.jobMsPerUser * users,
            stuck: () => this.faults.takeStuck(),
            work: () =>
                this.cfg.store.applyJob(request, {
                    createdBy,
                    ...jobFaults,
                    failRoles: this.faults.failRoleSet,
                    onFault: (counter) => this.faults.counters[counter]++,
                }),
        });
        if ("busyWith" in r) {
            const id = r.busyWith.id;
            throw new HttpError(
                this.cfg.busyStatus,
                `The previous create user operation must complete before another create user operation is allowed. Job ${id} is in progress.`,
                `Job ${id} is in progress.`,
                this.cfg.busyStatus === 429 ? { "Retry-After": "1" } : {},
            );
        }
        sendText(c.res, 202, r.job.id, "text/plain", { Location: this.statusUrl(c, r.job.id) });
    }

    private jobStatus(c: Ctx): void {
        const job = this.runner.get(c.params.jobId);
        if (!job) throw new HttpError(404, `Job ${c.params.jobId} does not exist.`);
        if (job.state === "running") {
            const partial: UserDataStoreResult = {
                added: [],
                modified: [],
                deleted: [],
                deleteFailed: [],
                exception: "",
                localizedException: false,
                message: `Job ${job.id} is in progress.`,
                updatedIdMap: {},
            };
            return sendJson(c.res, 202, partial, { Location: this.statusUrl(c, job.id) });
        }
        let text = this.resultText.get(job);
        if (text === undefined) this.resultText.set(job, (text = JSON.stringify(job.result)));
        sendText(c.res, 200, text, "application/json");
    }

    private async changeStatus(c: Ctx): Promise<void> {
        const items = parseWith(ChangeStatusRequestSchema, await readJson(c.req));
        sendJson(c.res, 200, this.cfg.store.changeStatus(items));
    }

    private async changeLock(c: Ctx): Promise<void> {
        const items = parseWith(ChangeLockRequestSchema, await readJson(c.req));
        sendJson(c.res, 200, this.cfg.store.unlock(items.map((i) => i.loginId)));
    }

    private token(c: Ctx): void {
        const raw = c.url.searchParams.get("tokenExpiry");
        const expiry = raw === null ? DEFAULT_TOKEN_EXPIRY_S : Number(raw);
        if (!Number.isInteger(expiry) || expiry <= 0) {
            throw new HttpError(
                400,
                `${INVALID_INPUT} tokenExpiry: expected a positive number of seconds`,
                "tokenExpiry: expected a positive number of seconds",
            );
        }
        sendText(c.res, 200, this.cfg.auth.issueToken(c.principal, expiry), "text/plain");
    }

    /* ------------------------------------------------------------ /__sim routes */

    private async sim(req: http.IncomingMessage, res: http.ServerResponse, url: URL, method: string): Promise<void> {
        const p = url.pathname;
        const userPath = /^\/__sim\/users\/([^/]+)$/.exec(p);
        if (p === "/__sim/faults" && method === "GET") return sendJson(res, 200, this.faults.describe());
        if (p === "/__sim/faults" && method === "POST") {
            const cfg = parseWith(FaultConfigSchema, await readJson(req));
            const busy = cfg.foreignJobMs !== undefined && this.runner.busyWith();
            if (busy) throw new HttpError(409, `Job ${busy.id} is in progress; the foreign job was not started (faults unchanged).`);
            this.faults.set(cfg);
            let foreignJobId: string | undefined;
            if (cfg.foreignJobMs !== undefined) {
                const r = this.runner.trySubmit({
                    owner: "foreign",
                    users: 0,
                    durationMs: cfg.foreignJobMs,
                    stuck: () => false,
                    work: () => ({ ...emptyResult(), message: "Job submitted by another client." }),
                });
                if ("job" in r) {
                    this.faults.counters.foreignJobs++;
                    foreignJobId = r.job.id;
                }
            }
            return sendJson(res, 200, { ...this.faults.describe(), ...(foreignJobId ? { foreignJobId } : {}) });
        }
        if (p === "/__sim/faults" && method === "DELETE") {
            this.faults.clear();
            this.runner.releaseStuck();
            return sendJson(res, 200, this.faults.describe());
        }
        if (p === "/__sim/stats" && method === "GET") return sendJson(res, 200, this.snapshot());
        if (p === "/__sim/tokens" && method === "GET") return sendJson(res, 200, { tokens: this.cfg.auth.issued });
        if (p === "/__sim/reset" && method === "POST") {
            this.runner.reset();
            this.cfg.store.reset();
            this.faults.reset();
            this.stats.reset();
            return sendJson(res, 200, { reset: true, users: this.cfg.store.userCount });
        }
        if (userPath && method === "PUT") {
            const loginId = decodeURIComponent(userPath[1]);
            const patch = parseWith(UserPatchSchema, await readJson(req));
            const { user, created } = this.cfg.store.putUser(loginId, patch);
            return sendJson(res, created ? 201 : 200, user);
        }
        if (userPath && method === "DELETE") {
            const loginId = decodeURIComponent(userPath[1]);
            if (!this.cfg.store.removeUser(loginId)) throw new HttpError(404, `User ${loginId} does not exist.`);
            res.writeHead(204).end();
            return;
        }
        throw new HttpError(404, `No simulator control route ${method} ${p}.`);
    }

    /** A job's status URL with the request's own version prefix: absolute, or root-relative. */
    private statusUrl(c: Ctx, jobId: string): string {
        const path = `${this.apiRoot}${c.version}/user/status/${encodeURIComponent(jobId)}`;
        if (this.cfg.locationStyle === "relative") return path;
        const host = c.req.headers.host ?? `${c.req.socket.localAddress ?? "127.0.0.1"}:${c.req.socket.localPort}`;
        return `http://${host}${path}`;
    }

    snapshot(): StatsSnapshot {
        const r = this.runner;
        return {
            requests: this.stats.toJSON(),
            requestsTotal: this.stats.total,
            jobsRun: r.jobsRun,
            jobsSubmitted: r.jobsSubmitted,
            largestJob: r.largestJob,
            overlappingJobs: r.overlappingJobs,
            lastJobWorkMs: r.lastJobWorkMs,
            busyRefusals: r.busyRefusals,
            faultsInjected: { ...this.faults.counters },
            users: this.cfg.store.userCount,
        };
    }
}

/* ------------------------------------------------------------------- helpers */

function route(method: string, template: string, auth: Route["auth"], handler: Handler): Route {
    const paramNames: string[] = [];
    const source = template.replace(/\{(\w+)\}/g, (_, n: string) => {
        paramNames.push(n);
        return "([^/]+)";
    });
    return { method, template, pattern: new RegExp(`^${source}$`), paramNames, auth, handler };
}

function parseWith<T extends z.ZodType>(schema: T, data: unknown): z.infer<T> {
    const v = validate(schema, data);
    if (!v.ok) {
        const detail = v.problems.slice(0, 20).join("; ") + (v.problems.length > 20 ? `; and ${v.problems.length - 20} more` : "");
        throw new HttpError(400, `${INVALID_INPUT} ${detail}`, detail);
    }
    return v.value;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY_BYTES) throw new HttpError(413, `Request body larger than ${MAX_BODY_BYTES} bytes.`);
        chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString("utf8");
    if (!text.trim()) throw new HttpError(400, `${INVALID_INPUT} body: required`, "body: required");
    try {
        return JSON.parse(text);
    } catch {
        throw new HttpError(400, `${INVALID_INPUT} body: not valid JSON`, "body: not valid JSON");
    }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    sendText(res, status, JSON.stringify(body), "application/json", headers);
}

/** When each response's request arrived, for the `Server-Timing` header. */
const startedAt = new WeakMap<http.ServerResponse, bigint>();

function sendText(res: http.ServerResponse, status: number, text: string, type: string, headers: Record<string, string> = {}): void {
    const started = startedAt.get(res);
    const timing: Record<string, string> =
        started === undefined ? {} : { "Server-Timing": `app;dur=${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(2)}` };
    res.writeHead(status, { "Content-Type": `${type}; charset=utf-8`, "Content-Length": Buffer.byteLength(text), ...timing, ...headers });
    res.end(text);
}

function sendError(res: http.ServerResponse, e: HttpError): void {
    const body: ErrorBody = { exception: e.exception, localizedException: false, message: e.message };
    sendJson(res, e.status, body, e.headers);
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
