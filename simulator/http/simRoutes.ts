/**
 * The simulator's control routes (`/__sim/...` at the root, no auth, never faulted, not
 * counted): their route table and handlers. Fault switches, stats, issued tokens, reset, and
 * drift (changing a user behind the client's back).
 */
import * as http from "node:http";
import { FaultConfigSchema, Faults } from "../tenant/faults";
import { OneJobAtATime } from "../tenant/jobs";
import { emptyResult } from "../tenant/render";
import { RequestStats, StatsSnapshot } from "../tenant/stats";
import { Store } from "../tenant/store";
import { UserPatchSchema } from "../tenant/user";
import { Auth } from "./auth";
import { parseWith, readJson } from "./body";
import { HttpError, sendJson } from "./respond";
import { route, Route } from "./router";

/** The administrator drift acts as when the request names none (`X-Sim-Grantor`). */
const DEFAULT_DRIFT_GRANTOR = "UIADMIN";

/** What a control route's handler gets. */
export interface SimCtx {
    req: http.IncomingMessage;
    res: http.ServerResponse;
    params: Record<string, string>;
}

export type SimHandler = (ctx: SimCtx) => Promise<void> | void;

export interface SimRoutesConfig {
    auth: Auth;
    store: Store;
    jobs: OneJobAtATime;
    faults: Faults;
    stats: RequestStats;
    /** Largest request body, in bytes (413 beyond). */
    maxBodyBytes: number;
}

export class SimRoutes {
    readonly table: Route<SimHandler>[];

    constructor(private readonly cfg: SimRoutesConfig) {
        this.table = [
            route("GET", "/__sim/faults", (c) => sendJson(c.res, 200, this.cfg.faults.describe())),
            route("POST", "/__sim/faults", (c) => this.setFaults(c)),
            route("DELETE", "/__sim/faults", (c) => this.clearFaults(c)),
            route("GET", "/__sim/stats", (c) => sendJson(c.res, 200, this.snapshot())),
            route("GET", "/__sim/tokens", (c) => sendJson(c.res, 200, { tokens: this.cfg.auth.issued })),
            route("POST", "/__sim/reset", (c) => this.reset(c)),
            route("PUT", "/__sim/users/{loginId}", (c) => this.putUser(c)),
            route("DELETE", "/__sim/users/{loginId}", (c) => this.removeUser(c)),
        ];
    }

    /** `POST /__sim/faults`: replaces the switches; `foreignJobMs` also starts a foreign job (409, nothing changed, when busy). */
    private async setFaults(c: SimCtx): Promise<void> {
        const { faults, jobs } = this.cfg;
        const cfg = parseWith(FaultConfigSchema, await readJson(c.req, this.cfg.maxBodyBytes));
        const busy = cfg.foreignJobMs !== undefined && jobs.busyWith();
        if (busy) throw new HttpError(409, `Job ${busy.id} is in progress; the foreign job was not started (faults unchanged).`);
        faults.set(cfg);
        let foreignJobId: string | undefined;
        if (cfg.foreignJobMs !== undefined) {
            const r = jobs.trySubmit({
                owner: "foreign",
                users: 0,
                durationMs: cfg.foreignJobMs,
                stuck: () => false,
                work: () => ({ ...emptyResult(), message: "Job submitted by another client." }),
            });
            if ("job" in r) {
                faults.counters.foreignJobs++;
                foreignJobId = r.job.id;
            }
        }
        sendJson(c.res, 200, { ...faults.describe(), ...(foreignJobId ? { foreignJobId } : {}) });
    }

    /** `DELETE /__sim/faults`: every switch off; stuck jobs finish now. */
    private clearFaults(c: SimCtx): void {
        this.cfg.faults.clear();
        this.cfg.jobs.releaseStuck();
        sendJson(c.res, 200, this.cfg.faults.describe());
    }

    /** `POST /__sim/reset`: users back to the seed, jobs dropped, faults and stats cleared. */
    private reset(c: SimCtx): void {
        this.cfg.jobs.reset();
        this.cfg.store.reset();
        this.cfg.faults.reset();
        this.cfg.stats.reset();
        sendJson(c.res, 200, { reset: true, users: this.cfg.store.userCount });
    }

    /** `PUT /__sim/users/{loginId}`: drift, merging a partial record (201 when it creates the user). */
    private async putUser(c: SimCtx): Promise<void> {
        const patch = parseWith(UserPatchSchema, await readJson(c.req, this.cfg.maxBodyBytes));
        const { user, created } = this.cfg.store.putUser(c.params.loginId, patch, grantorHeader(c));
        sendJson(c.res, created ? 201 : 200, user);
    }

    /** `DELETE /__sim/users/{loginId}`: removes a user behind the client's back. */
    private removeUser(c: SimCtx): void {
        if (!this.cfg.store.removeUser(c.params.loginId, grantorHeader(c)))
            throw new HttpError(404, `User ${c.params.loginId} does not exist.`);
        c.res.writeHead(204).end();
    }

    /** `GET /__sim/stats`: the request, job and fault counters in one answer. */
    private snapshot(): StatsSnapshot {
        const { jobs, faults, stats, store } = this.cfg;
        return {
            requests: stats.toJSON(),
            requestsTotal: stats.total,
            jobsRun: jobs.jobsRun,
            jobsSubmitted: jobs.jobsSubmitted,
            largestJob: jobs.largestJob,
            overlappingJobs: jobs.overlappingJobs,
            lastJobWorkMs: jobs.lastJobWorkMs,
            busyRefusals: jobs.busyRefusals,
            faultsInjected: { ...faults.counters },
            users: store.userCount,
        };
    }
}

/** The administrator a drift request acts as: header `X-Sim-Grantor`, else UIADMIN. */
function grantorHeader(c: SimCtx): string {
    const h = c.req.headers["x-sim-grantor"];
    return (typeof h === "string" && h.trim()) || DEFAULT_DRIFT_GRANTOR;
}
