/**
 * The vendor's routes (`[basePath]/cloudapi/restapi[/v2|/v3]/...`): their route table and their
 * handlers, which read a request, ask the tenant, and answer in the vendor's shapes (the audit
 * routes' entries and handlers come from auditRoutes.ts).
 * Routing, authentication, fault injection and error answers happen before and around them, in
 * server.ts.
 */
import * as http from "node:http";
import { Faults, ForeignActionSlot } from "../tenant/faults";
import { applyForeignAction } from "../tenant/foreignActions";
import { Job, OneJobAtATime } from "../tenant/jobs";
import { emptyResult } from "../tenant/render";
import { Store } from "../tenant/store";
import { Auth, DEFAULT_TOKEN_EXPIRY_S, Principal } from "./auth";
import { auditRoutes } from "./auditRoutes";
import { parseJson, parseWith, readJson, readText } from "./body";
import { hugeListBody } from "./hugeList";
import { HttpError, INVALID_INPUT, sendChunks, sendJson, sendText } from "./respond";
import { route, Route } from "./router";
import { ChangeLockRequestSchema, ChangeStatusRequestSchema, UserDataStoreRequest, UserDataStoreRequestSchema } from "./wire";

/** The API root after the tenant's base path (`ServerConfig.basePath`, often ""). */
export const BASE_PATH = "/cloudapi/restapi";

/** "" for v1, "/v2" or "/v3": the version prefix after the base path. */
export type ApiVersion = "" | "/v2" | "/v3";

/** What a vendor route's handler gets: the exchange, the version asked for, path parameters, the caller. */
export interface ApiCtx {
    req: http.IncomingMessage;
    res: http.ServerResponse;
    url: URL;
    version: ApiVersion;
    params: Record<string, string>;
    principal: Principal;
}

export interface ApiRoute {
    /** "token": Basic auth, v1 path only; "api": Basic for v1/v2, Bearer for v3. */
    auth: "token" | "api";
    handle: (ctx: ApiCtx) => Promise<void> | void;
}

export interface ApiRoutesConfig {
    /** `basePath` + `/cloudapi/restapi`: where the vendor routes live. */
    apiRoot: string;
    jobMs: number;
    jobMsPerUser: number;
    busyStatus: 400 | 409 | 429;
    locationStyle: "absolute" | "relative";
    /** Largest request body, in bytes (413 beyond). */
    maxBodyBytes: number;
    auth: Auth;
    store: Store;
    jobs: OneJobAtATime;
    faults: Faults;
}

export class ApiRoutes {
    /** Every vendor route, in match order (v1 paths). */
    readonly table: Route<ApiRoute>[];
    /** The routes of the /v2 and /v3 paths: all but the token route. */
    readonly versionedTable: Route<ApiRoute>[];
    private readonly resultText = new WeakMap<Job, string>();

    constructor(private readonly cfg: ApiRoutesConfig) {
        const api = (handle: ApiRoute["handle"]): ApiRoute => ({ auth: "api", handle });
        this.table = [
            route(
                "GET",
                "/user",
                api((c) => this.listUsers(c)),
            ),
            route(
                "POST",
                "/user",
                api((c) => this.submitJob(c)),
            ),
            route(
                "GET",
                "/user/status/{jobId}",
                api((c) => this.jobStatus(c)),
            ),
            route(
                "PUT",
                "/user/change-status",
                api((c) => this.changeStatus(c)),
            ),
            route(
                "PUT",
                "/user/change-lock",
                api((c) => this.changeLock(c)),
            ),
            route(
                "GET",
                "/user/{loginId}",
                api((c) => this.getUser(c)),
            ),
            route(
                "GET",
                "/roles",
                api((c) => this.listRoles(c)),
            ),
            ...auditRoutes(cfg.store.audit, cfg.faults),
            route("GET", "/oauth2/token", { auth: "token", handle: (c) => this.token(c) }),
        ];
        this.versionedTable = this.table.filter((r) => r.handler.auth !== "token");
    }

    private listUsers(c: ApiCtx): void {
        const huge = this.cfg.faults.hugeList;
        if (huge) {
            this.cfg.faults.counters.hugeLists++;
            const body = hugeListBody(huge.bytes, huge.kind);
            return sendChunks(c.res, 200, "application/json", body.length, body.chunks);
        }
        sendJson(c.res, 200, this.cfg.store.listUsers());
    }

    private getUser(c: ApiCtx): void {
        const user = this.cfg.store.getUser(c.params.loginId);
        if (!user) throw new HttpError(404, `User ${c.params.loginId} does not exist.`);
        sendJson(c.res, 200, user);
    }

    private listRoles(c: ApiCtx): void {
        sendJson(c.res, 200, this.cfg.store.roleCatalog());
    }

    private async submitJob(c: ApiCtx): Promise<void> {
        const { faults, store, jobs } = this.cfg;
        const text = await readText(c.req, this.cfg.maxBodyBytes);
        let request: UserDataStoreRequest;
        try {
            request = parseWith(UserDataStoreRequestSchema, parseJson(text));
        } catch (e) {
            if (!(e instanceof HttpError) || !faults.echoSecrets) throw e;
            faults.counters.echoedSecrets++;
            throw new HttpError(e.status, e.exception, `${e.message}; request body: ${text}`, e.headers);
        }
        const users = (request.added?.length ?? 0) + (request.modified?.length ?? 0) + (request.deleted?.length ?? 0);
        const jobFaults = faults.jobFaults();
        const grantor = grantorOf(c);
        let foreign: ForeignActionSlot[] = [];
        const r = jobs.trySubmit({
            owner: "client",
            users,
            durationMs: this.cfg.jobMs + this.cfg.jobMsPerUser * users,
            stuck: () => faults.takeStuck(),
            work: () => {
                // Another administrator's changes land first, as if made while the job waited.
                for (const slot of foreign) {
                    applyForeignAction(store, slot.action);
                    faults.foreignActionFired(slot);
                }
                return store.applyJob(request, {
                    grantor,
                    ...jobFaults,
                    failRoles: faults.failRoleSet,
                    onFault: (counter) => faults.counters[counter]++,
                });
            },
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
        // Claimed only once accepted, so a refused POST leaves the actions to the next job.
        const named = new Set([...(request.added ?? []), ...(request.modified ?? [])].map((u) => store.key(u.loginId)));
        for (const l of request.deleted ?? []) named.add(store.key(l));
        foreign = faults.claimForeignActions((loginId) => named.has(store.key(loginId)));
        sendText(c.res, 202, r.job.id, "text/plain", { Location: this.statusUrl(c, r.job.id) });
    }

    private jobStatus(c: ApiCtx): void {
        const job = this.cfg.jobs.get(c.params.jobId);
        if (!job) throw new HttpError(404, `Job ${c.params.jobId} does not exist.`);
        if (job.state === "running") {
            return sendJson(
                c.res,
                202,
                { ...emptyResult(), message: `Job ${job.id} is in progress.` },
                { Location: this.statusUrl(c, job.id) },
            );
        }
        let text = this.resultText.get(job);
        if (text === undefined) this.resultText.set(job, (text = JSON.stringify(job.result)));
        sendText(c.res, 200, text, "application/json");
    }

    private async changeStatus(c: ApiCtx): Promise<void> {
        if (this.cfg.faults.changeStatusMode === "missing") throw new HttpError(404, `No resource at ${c.url.pathname}.`);
        const items = parseWith(ChangeStatusRequestSchema, await readJson(c.req, this.cfg.maxBodyBytes));
        sendJson(c.res, 200, this.cfg.store.changeStatus(items, grantorOf(c)));
    }

    private async changeLock(c: ApiCtx): Promise<void> {
        const items = parseWith(ChangeLockRequestSchema, await readJson(c.req, this.cfg.maxBodyBytes));
        sendJson(
            c.res,
            200,
            this.cfg.store.unlock(
                items.map((i) => i.loginId),
                grantorOf(c),
            ),
        );
    }

    private token(c: ApiCtx): void {
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

    /** A job's status URL with the request's own version prefix: absolute, or root-relative. */
    private statusUrl(c: ApiCtx, jobId: string): string {
        const path = `${this.cfg.apiRoot}${c.version}/user/status/${encodeURIComponent(jobId)}`;
        if (this.cfg.locationStyle === "relative") return path;
        const host = c.req.headers.host ?? `${c.req.socket.localAddress ?? "127.0.0.1"}:${c.req.socket.localPort}`;
        return `http://${host}${path}`;
    }
}

/** The caller as the tenant names it in `createdBy` and audit events: the account name upper-cased. */
function grantorOf(c: ApiCtx): string {
    return c.principal.username.toUpperCase();
}
