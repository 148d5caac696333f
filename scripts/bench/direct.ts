// The provider driven directly (UserProvider: check+create, read, check+update, delete) by a pool
// of C async workers against the simulator, with batching on and off, and the maxUsersPerJob sweep.
import * as pulumi from "@pulumi/pulumi";
import { startSimulator } from "../../simulator";
import { UserProvider } from "../../provider";
import { resetTenants, tenantFor } from "../../provider/testing";
import {
    checks,
    DEFAULT_MAX_USERS_PER_JOB,
    inputsFor,
    JOB_MS,
    JOB_MS_PER_USER,
    limitMs,
    QUICK,
    s,
    simStats,
    table,
    tally,
    x,
} from "./common";

export const N = QUICK ? 100 : 1000;
/** Batching off (one user per job) costs ~0.5 s per user: measured on this many users, extrapolated per user. */
const N_OFF = QUICK ? 8 : 24;
const CONCURRENCY = [8, 1000];
const SWEEP = QUICK ? [] : [100, 250, 500, 1000];

type PhaseName = "create" | "read" | "update" | "delete";
const PHASES: PhaseName[] = ["create", "read", "update", "delete"];

interface PhaseResult {
    phase: PhaseName;
    users: number;
    wallMs: number;
    jobs: number;
    largestJob: number;
    requests: number;
    overlapping: number;
    failures: string[];
}

/** C async workers taking the next item until none is left. */
async function pool(count: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<string[]> {
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
        while (next < count) {
            const i = next++;
            try {
                await fn(i);
            } catch (e) {
                failures.push(`#${i}: ${(e as Error).message}`);
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    return failures;
}

interface RunOptions {
    users: number;
    concurrency: number;
    maxUsersPerJob: number;
    phases?: PhaseName[];
}

/** One simulator, one provider, the phases in order; each phase's figures are deltas. */
async function runProvider(opts: RunOptions): Promise<PhaseResult[]> {
    resetTenants();
    const sim = await startSimulator({ port: 0, jobMs: JOB_MS, jobMsPerUser: JOB_MS_PER_USER, quiet: true });
    const provider = new UserProvider({
        baseUrl: sim.url,
        username: "admin",
        password: "sim-Pw-4827",
        maxUsersPerJob: opts.maxUsersPerJob,
        timeoutSeconds: 1800,
    });
    // Driven as the dynamic-provider host drives it: untyped property bags.
    const host = provider as unknown as Required<pulumi.dynamic.ResourceProvider>;
    const state: { id: string; outs: Record<string, unknown> }[] = [];
    const results: PhaseResult[] = [];
    try {
        const runner = tenantFor(provider.settings()).runner;
        for (const phase of opts.phases ?? PHASES) {
            Object.assign(runner.stats, { jobs: 0, largestJob: 0, users: 0, splits: 0 });
            const before = await simStats(sim);
            const t0 = performance.now();
            const failures = await pool(opts.users, opts.concurrency, async (i) => {
                if (phase === "create") {
                    const checked = await host.check({}, inputsFor(i));
                    if (checked.failures?.length) throw new Error(JSON.stringify(checked.failures));
                    const r = await host.create(checked.inputs);
                    state[i] = { id: r.id, outs: r.outs };
                } else if (phase === "read") {
                    const r = await host.read(state[i].id, state[i].outs);
                    if (!r.id) throw new Error(`user ${i} not found`);
                    state[i] = { id: r.id, outs: r.props! };
                } else if (phase === "update") {
                    const checked = await host.check(state[i].outs, inputsFor(i, { firstName: "Updated" }));
                    const r = await host.update(state[i].id, state[i].outs, checked.inputs);
                    state[i] = { id: state[i].id, outs: r.outs! };
                } else {
                    await host.delete(state[i].id, state[i].outs);
                }
            });
            const wallMs = performance.now() - t0;
            const after = await simStats(sim);
            results.push({
                phase,
                users: opts.users,
                wallMs,
                jobs: after.jobsRun - before.jobsRun,
                largestJob: runner.stats.largestJob,
                requests: after.requestsTotal - before.requestsTotal,
                overlapping: after.overlappingJobs - before.overlappingJobs,
                failures,
            });
        }
    } finally {
        await sim.stop();
        resetTenants();
    }
    return results;
}

function report(
    title: string,
    on: PhaseResult[],
    off: PhaseResult[] | undefined,
    maxUsersPerJob: number,
): Map<PhaseName, { ratioLimit?: number; ratioOff?: number; perUser: number }> {
    console.log(`\n${title}`);
    const header = [
        "phase",
        "users",
        "wall",
        "jobs",
        "largest job",
        "requests",
        "req/user",
        "limit",
        "wall/limit",
        "off/on",
        "overlapping",
    ];
    const rows = [header];
    const figures = new Map<PhaseName, { ratioLimit?: number; ratioOff?: number; perUser: number }>();
    for (const r of on) {
        tally.overlapping += r.overlapping;
        const usesJobs = r.phase !== "read";
        const limit = usesJobs ? limitMs(r.users, maxUsersPerJob) : undefined;
        const o = off?.find((p) => p.phase === r.phase);
        const offExtrapolated = o ? (o.wallMs / o.users) * r.users : undefined;
        const ratioOff = usesJobs && offExtrapolated !== undefined ? offExtrapolated / r.wallMs : undefined;
        const ratioLimit = limit ? r.wallMs / limit : undefined;
        figures.set(r.phase, { ratioLimit, ratioOff, perUser: r.requests / r.users });
        rows.push([
            r.phase,
            String(r.users),
            s(r.wallMs),
            String(r.jobs),
            String(r.largestJob),
            String(r.requests),
            (r.requests / r.users).toFixed(3),
            limit ? s(limit) : "-",
            ratioLimit ? x(ratioLimit) : "-",
            ratioOff ? x(ratioOff) : "-",
            String(r.overlapping),
        ]);
        for (const f of r.failures.slice(0, 3)) console.log(`  FAILED ${r.phase} ${f}`);
        if (r.failures.length) console.log(`  ${r.failures.length} ${r.phase} operation(s) failed`);
    }
    console.log(table(rows));
    if (off) {
        const offRows = [["batching off", "users", "wall", "jobs", "s/user", `extrapolated to ${on[0].users}`, "overlapping"]];
        for (const o of off) {
            tally.overlapping += o.overlapping;
            offRows.push([
                o.phase,
                String(o.users),
                s(o.wallMs),
                String(o.jobs),
                (o.wallMs / o.users / 1000).toFixed(3),
                s((o.wallMs / o.users) * on[0].users),
                String(o.overlapping),
            ]);
        }
        console.log(
            `  off/on: batching off (maxUsersPerJob = 1) measured in this run on N=${off[0].users} users at the same C, extrapolated per user to N=${on[0].users}:`,
        );
        console.log(table(offRows));
        console.log(`  (reads use no jobs: coalescing is what counts there, see requests)`);
    }
    return figures;
}

/** The direct section: each C with batching on and off, then the maxUsersPerJob sweep. */
export async function directSection(): Promise<void> {
    for (const c of CONCURRENCY) {
        const on = await runProvider({ users: N, concurrency: c, maxUsersPerJob: DEFAULT_MAX_USERS_PER_JOB });
        const off = await runProvider({ users: N_OFF, concurrency: c, maxUsersPerJob: 1, phases: ["create", "update", "delete"] });
        const f = report(`C = ${c}, N = ${N}`, on, off, DEFAULT_MAX_USERS_PER_JOB);
        const create = f.get("create")!;
        const read = on.find((p) => p.phase === "read")!;
        if (c >= N) {
            checks.push({
                what: `C=${c}: create ${N} within 1.25x the limit`,
                ok: create.ratioLimit! <= 1.25,
                figure: x(create.ratioLimit!),
            });
            checks.push({
                what: `C=${c}: create at least 50x faster than batching off`,
                ok: create.ratioOff! >= 50,
                figure: x(create.ratioOff!),
            });
            checks.push({
                what: `C=${c}: create at most 0.1 HTTP requests per user`,
                ok: create.perUser <= 0.1,
                figure: create.perUser.toFixed(3),
            });
        } else {
            checks.push({
                what: `C=${c}: create at least 5x faster than batching off`,
                ok: create.ratioOff! >= 5,
                figure: x(create.ratioOff!),
            });
        }
        checks.push({
            what: `C=${c}: refresh (${N} reads) at most 5 HTTP requests`,
            ok: read.requests <= 5,
            figure: String(read.requests),
        });
        const failed = [...on, ...off].reduce((n, p) => n + p.failures.length, 0);
        checks.push({ what: `C=${c}: every operation succeeded`, ok: failed === 0, figure: `${failed} failed` });
    }

    if (SWEEP.length) {
        console.log(`\nmaxUsersPerJob sweep: create only, C = 1000, N = ${N} (limit computed for each setting)`);
        const rows = [["maxUsersPerJob", "wall", "jobs", "largest job", "req/user", "limit", "wall/limit", "ms/user", "overlapping"]];
        for (const m of SWEEP) {
            const [r] = await runProvider({ users: N, concurrency: 1000, maxUsersPerJob: m, phases: ["create"] });
            tally.overlapping += r.overlapping;
            const limit = limitMs(N, m);
            rows.push([
                String(m),
                s(r.wallMs),
                String(r.jobs),
                String(r.largestJob),
                (r.requests / N).toFixed(3),
                s(limit),
                x(r.wallMs / limit),
                (r.wallMs / N).toFixed(2),
                String(r.overlapping),
            ]);
        }
        console.log(table(rows));
    }
}
