/**
 * Fault injection for tests and benchmarks: the switches (their schema is the body of
 * `POST /__sim/faults`), what they make happen, and the counters of faults injected.
 *
 * Random faults draw from a seeded PRNG (mulberry32), three draws per request whatever the
 * rates, so a run with the same seed and the same request sequence injects the same faults.
 */
import { z } from "zod";
import { IdLieSchema } from "./idLies";
import { JobContext } from "./store";
import { UserPatchSchema } from "./user";

const rate = z.number().min(0).max(1);

/** The user a `duringJob` action acts on and the administrator acting (default COADMIN, the seeded one). */
const actingAdmin = { loginId: z.string().min(1), grantor: z.string().min(1).optional() };

/**
 * One change another administrator makes while a job of ours runs (`duringJob`): the user's
 * fields use the drift shape (organization and roles as names or `{name}`).
 */
export const ForeignActionSchema = z.discriminatedUnion("op", [
    z.object({ op: z.enum(["disable", "enable", "delete"]), ...actingAdmin }),
    UserPatchSchema.pick({ firstName: true, lastName: true, emailAddress: true, organization: true, roles: true, disabled: true })
        .required({ firstName: true, lastName: true, emailAddress: true, organization: true })
        .extend({ op: z.literal("create"), ...actingAdmin }),
    z.object({ op: z.literal("setRoles"), roles: UserPatchSchema.shape.roles.unwrap(), ...actingAdmin }),
    z.object({ op: z.literal("set"), fields: UserPatchSchema, ...actingAdmin }),
]);
export type ForeignAction = z.infer<typeof ForeignActionSchema>;

/** A `duringJob` action and how far it got: claimed by the job that names its login, then fired once. */
export interface ForeignActionSlot {
    action: ForeignAction;
    claimed: boolean;
    fired: boolean;
}

/** The fault switches: the body of `POST /__sim/faults` (absent switches are off). */
export const FaultConfigSchema = z.object({
    seed: z.number().int().optional(),
    error5xxRate: rate.optional(),
    rate429: rate.optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
    dropRate: rate.optional(),
    latencyMs: z.number().min(0).optional(),
    stuckJobs: z.number().int().min(0).optional(),
    failUsers: z.array(z.string()).optional(),
    /** Role names whose application access fails inside jobs: the user is still created or updated. */
    failRoles: z.array(z.string()).optional(),
    foreignJobMs: z.number().min(0).optional(),
    routes: z.array(z.string()).optional(),
    /** Logins whose entries are left out of job results although the job applied (or failed) their change. */
    dropFromResult: z.array(z.string()).optional(),
    /** Logins jobs silently do not process: not applied, not in the result. */
    skipUsers: z.array(z.string()).optional(),
    /** Every job processes nothing and completes with this text as `exception`. */
    jobException: z.string().min(1).optional(),
    /** Every user a job updates gets a fresh id, reported in `updatedIdMap`. */
    renameIds: z.boolean().optional(),
    /** Every job applies nothing and reports every record as applied, with the exception "Job rolled back, nothing saved". */
    rollbackEcho: z.boolean().optional(),
    /** Jobs apply as usual but report, for every record, the id of another existing user. */
    lieIds: IdLieSchema.optional(),
    /** Answers quote secrets: passwords in job entries and in 400s of POST /user, the Authorization header in 401s. */
    echoSecrets: z.boolean().optional(),
    /** Answers of these routes (all vendor routes when absent) are written one byte every `everyMs` ms. */
    trickle: z.object({ everyMs: z.number().min(0), routes: z.array(z.string()).optional() }).optional(),
    /** `GET /user` answers about `bytes` bytes: a JSON array of `{}`, or text that is not JSON. */
    hugeList: z.object({ bytes: z.number().int().min(1), kind: z.enum(["emptyEntries", "garbage"]) }).optional(),
    /** These routes answer 200 with a body that is not JSON. */
    malformed: z.array(z.string()).optional(),
    /** Changes another administrator makes right before the work of the first job that names their login. */
    duringJob: z.array(ForeignActionSchema).optional(),
    /** The audit routes as an older edition (missing: 404) or an account without the privilege (forbidden: 403) answers them. */
    audits: z.enum(["ok", "missing", "forbidden"]).optional(),
    /** `PUT /user/change-status` as an edition without it answers (404). */
    changeStatus: z.enum(["ok", "missing"]).optional(),
});
export type FaultConfig = z.infer<typeof FaultConfigSchema>;

export type RandomFault = "drop" | "5xx" | "429";

export interface FaultCounters {
    error5xx: number;
    rate429: number;
    dropped: number;
    delayed: number;
    stuckJobs: number;
    failedUsers: number;
    foreignJobs: number;
    /** Result entries left out by `dropFromResult`. */
    droppedFromResult: number;
    /** User operations not processed because of `skipUsers`. */
    skippedUsers: number;
    /** Jobs that completed with `jobException`. */
    jobExceptions: number;
    /** Users given a fresh id by `renameIds`. */
    renamedIds: number;
    /** `duringJob` actions fired. */
    foreignActions: number;
    /** Jobs that reported everything and applied nothing (`rollbackEcho`). */
    rolledBackJobs: number;
    /** Records reported with another user's id (`lieIds`). */
    liedIds: number;
    /** Answers that quoted a secret (`echoSecrets`): job entries, 400s, 401s. */
    echoedSecrets: number;
    /** Answers written one byte at a time (`trickle`). */
    trickledAnswers: number;
    /** `GET /user` answers replaced by a huge body (`hugeList`). */
    hugeLists: number;
    /** Answers replaced by a body that is not JSON (`malformed`). */
    malformedAnswers: number;
}

/** The job fault switches, as taken when a job is submitted. */
export type JobFaults = Required<
    Pick<JobContext, "failUsers" | "skipUsers" | "dropFromResult" | "renameIds" | "rollbackEcho" | "echoSecrets">
> &
    Pick<JobContext, "jobException" | "lieIds">;

const DEFAULT_SEED = 1;

/** mulberry32: a tiny 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export class Faults {
    private config: FaultConfig = {};
    private rng = mulberry32(DEFAULT_SEED);
    private stuckLeft = 0;
    private failUsers: ReadonlySet<string> = new Set();
    private failRoles: ReadonlySet<string> = new Set();
    private skipUsers: ReadonlySet<string> = new Set();
    private dropFromResult: ReadonlySet<string> = new Set();
    private routes: ReadonlySet<string> | undefined;
    private trickleRoutes: ReadonlySet<string> | undefined;
    private malformedRoutes: ReadonlySet<string> = new Set();
    private foreign: ForeignActionSlot[] = [];
    counters: FaultCounters = zeroCounters();

    /** Replaces the fault configuration (absent switches are off) and reseeds the PRNG. */
    set(config: FaultConfig): void {
        this.config = { ...config };
        this.rng = mulberry32(config.seed ?? DEFAULT_SEED);
        this.stuckLeft = config.stuckJobs ?? 0;
        this.failUsers = new Set(config.failUsers ?? []);
        this.failRoles = new Set(config.failRoles ?? []);
        this.skipUsers = new Set(config.skipUsers ?? []);
        this.dropFromResult = new Set(config.dropFromResult ?? []);
        this.routes = config.routes ? new Set(config.routes) : undefined;
        this.trickleRoutes = config.trickle?.routes ? new Set(config.trickle.routes) : undefined;
        this.malformedRoutes = new Set(config.malformed ?? []);
        // Slots a job already claimed stay with that job; the new list starts unclaimed.
        this.foreign = (config.duringJob ?? []).map((action) => ({ action, claimed: false, fired: false }));
    }

    /** Clears every switch (the counters stay; `reset` clears them). */
    clear(): void {
        this.set({});
    }

    reset(): void {
        this.clear();
        this.counters = zeroCounters();
    }

    /** The configuration, `duringJob` showing only the actions not yet fired. */
    describe(): FaultConfig & { stuckJobsLeft: number } {
        const duringJob = this.config.duringJob && this.foreign.filter((s) => !s.fired).map((s) => s.action);
        return { ...this.config, ...(duringJob ? { duringJob } : {}), stuckJobsLeft: this.stuckLeft };
    }

    /** For a job being accepted: the unclaimed `duringJob` actions whose login it names, now its own. */
    claimForeignActions(names: (loginId: string) => boolean): ForeignActionSlot[] {
        const mine = this.foreign.filter((s) => !s.claimed && names(s.action.loginId));
        for (const s of mine) s.claimed = true;
        return mine;
    }

    /** Notes that a claimed action was applied. */
    foreignActionFired(slot: ForeignActionSlot): void {
        slot.fired = true;
        this.counters.foreignActions++;
    }

    get latencyMs(): number {
        return this.config.latencyMs ?? 0;
    }

    get retryAfterSeconds(): number {
        return this.config.retryAfterSeconds ?? 1;
    }

    get echoSecrets(): boolean {
        return this.config.echoSecrets ?? false;
    }

    get hugeList(): FaultConfig["hugeList"] {
        return this.config.hugeList;
    }

    /** Every how many ms a byte of an answer to `routeKey` is written, or undefined when it is not trickled (see `draw` for the keys). */
    trickleMs(routeKey: string, unversionedKey: string): number | undefined {
        const t = this.config.trickle;
        if (!t || (this.trickleRoutes && !routeListed(this.trickleRoutes, routeKey, unversionedKey))) return undefined;
        return t.everyMs;
    }

    /** Whether answers to `routeKey` are replaced by a body that is not JSON (see `draw` for the keys). */
    malforms(routeKey: string, unversionedKey: string): boolean {
        return routeListed(this.malformedRoutes, routeKey, unversionedKey);
    }

    /** How the audit routes answer: "ok" (default), "missing" (404) or "forbidden" (403). */
    get auditsMode(): NonNullable<FaultConfig["audits"]> {
        return this.config.audits ?? "ok";
    }

    /** How `PUT /user/change-status` answers: "ok" (default) or "missing" (404). */
    get changeStatusMode(): NonNullable<FaultConfig["changeStatus"]> {
        return this.config.changeStatus ?? "ok";
    }

    get failUserSet(): ReadonlySet<string> {
        return this.failUsers;
    }

    get failRoleSet(): ReadonlySet<string> {
        return this.failRoles;
    }

    /** The switches a job takes when it is submitted (`failRoles` is read when it runs). */
    jobFaults(): JobFaults {
        return {
            failUsers: this.failUsers,
            skipUsers: this.skipUsers,
            dropFromResult: this.dropFromResult,
            renameIds: this.config.renameIds ?? false,
            rollbackEcho: this.config.rollbackEcho ?? false,
            echoSecrets: this.config.echoSecrets ?? false,
            ...(this.config.jobException !== undefined ? { jobException: this.config.jobException } : {}),
            ...(this.config.lieIds !== undefined ? { lieIds: this.config.lieIds } : {}),
        };
    }

    /**
     * The random fault for one request to `routeKey` ("GET /v3/user/{loginId}"), if any.
     * `routes` in the config limits random faults to those keys; a key without a version
     * prefix (`unversionedKey`, "GET /user/{loginId}") matches the route in every version.
     */
    draw(routeKey: string, unversionedKey?: string): RandomFault | undefined {
        const { dropRate = 0, error5xxRate = 0, rate429 = 0 } = this.config;
        if (dropRate === 0 && error5xxRate === 0 && rate429 === 0) return undefined;
        if (this.routes && !routeListed(this.routes, routeKey, unversionedKey)) return undefined;
        const [d, e, r] = [this.rng(), this.rng(), this.rng()];
        if (d < dropRate) return this.count("drop");
        if (e < error5xxRate) return this.count("5xx");
        if (r < rate429) return this.count("429");
        return undefined;
    }

    /** True when the next job must get stuck (consumes one of `stuckJobs`). */
    takeStuck(): boolean {
        if (this.stuckLeft <= 0) return false;
        this.stuckLeft--;
        this.counters.stuckJobs++;
        return true;
    }

    private count(f: RandomFault): RandomFault {
        if (f === "drop") this.counters.dropped++;
        else if (f === "5xx") this.counters.error5xx++;
        else this.counters.rate429++;
        return f;
    }
}

/** Whether a route list names the route: by its key with version ("GET /v3/user") or without ("GET /user", every version). */
function routeListed(list: ReadonlySet<string>, routeKey: string, unversionedKey?: string): boolean {
    return list.has(routeKey) || (unversionedKey !== undefined && list.has(unversionedKey));
}

function zeroCounters(): FaultCounters {
    return {
        error5xx: 0,
        rate429: 0,
        dropped: 0,
        delayed: 0,
        stuckJobs: 0,
        failedUsers: 0,
        foreignJobs: 0,
        droppedFromResult: 0,
        skippedUsers: 0,
        jobExceptions: 0,
        renamedIds: 0,
        foreignActions: 0,
        rolledBackJobs: 0,
        liedIds: 0,
        echoedSecrets: 0,
        trickledAnswers: 0,
        hugeLists: 0,
        malformedAnswers: 0,
    };
}
