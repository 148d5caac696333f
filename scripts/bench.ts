// Benchmark: bootstrap (create), refresh (read), update and delete N users against the simulator
// with a job latency model (500 ms per job + 2 ms per user), with batching on and off, and one run
// through the real engine. Prints figures; asserts nothing (a script, not a test).
//
//   npm run bench                 # N = 1000, C = 8 and C = 1000, the maxUsersPerJob sweep, the engine run
//   npm run bench -- --quick      # N = 100 (CI smoke run)
//   npm run bench -- --no-engine  # skip the engine runs
//   npm run bench -- --engine-only # only the engine runs
//
// Every figure comes from this process's own measurements (wall time) and from the simulator's
// `GET /__sim/stats` (jobs, requests, overlapping jobs), as deltas per phase. The limit of a phase
// is the simulator's own time for the fewest jobs that can hold its N users:
// ceil(N / maxUsersPerJob) * 500 ms + N * 2 ms. Nothing can beat it: jobs run one at a time.
import fs from "node:fs";
import { startSimulator, RunningSimulator } from "../simulator";
import { UserProvider, resetTenants, tenantFor, User } from "../provider";
import { engineStack, tempHome } from "./engine";

const JOB_MS = 500;
const JOB_MS_PER_USER = 2;
const DEFAULT_MAX_USERS_PER_JOB = 500;

const args = new Set(process.argv.slice(2));
const QUICK = args.has("--quick");
const ENGINE = !args.has("--no-engine");
const DIRECT = !args.has("--engine-only");
const N = QUICK ? 100 : 1000;
/** Batching off (one user per job) costs ~0.5 s per user: measured on this many users, extrapolated per user. */
const N_OFF = QUICK ? 8 : 24;
const CONCURRENCY = [8, 1000];
const ENGINE_USERS = QUICK ? 40 : 300;
const ENGINE_PARALLEL = 64;
const SWEEP = QUICK ? [] : [100, 250, 500, 1000];
const LINGER_SWEEP = QUICK ? [] : [25];
const N_LINGER = 200;

type PhaseName = "create" | "read" | "update" | "delete";
const PHASES: PhaseName[] = ["create", "read", "update", "delete"];

interface SimStats {
    requestsTotal: number;
    jobsRun: number;
    largestJob: number;
    overlappingJobs: number;
    busyRefusals: number;
}

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

async function simStats(sim: RunningSimulator): Promise<SimStats> {
    const res = await fetch(`${sim.url}/__sim/stats`);
    return (await res.json()) as SimStats;
}

function inputsFor(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        loginId: `BENCH${String(i).padStart(5, "0")}`,
        firstName: "Bench",
        lastName: `User${i}`,
        emailAddress: `bench${i}@example.com`,
        userType: "EMP",
        organization: { name: i % 2 ? "sfo" : "nyc", type: "Company" },
        roles: ["PrimaveraUnifierProduction"],
        disabled: false,
        adopt: false,
        ...extra,
    };
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
    lingerMs?: number;
    phases?: PhaseName[];
}

/** One simulator, one provider, the phases in order; each phase's figures are deltas. */
async function runProvider(opts: RunOptions): Promise<PhaseResult[]> {
    resetTenants();
    const sim = await startSimulator({ port: 0, jobMs: JOB_MS, jobMsPerUser: JOB_MS_PER_USER, quiet: true });
    const provider = new UserProvider({
        baseUrl: sim.url,
        username: "admin",
        password: "admin",
        maxUsersPerJob: opts.maxUsersPerJob,
        lingerMs: opts.lingerMs ?? 0,
        timeoutSeconds: 1800,
    });
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
                    const checked = await provider.check({}, inputsFor(i));
                    if (checked.failures?.length) throw new Error(JSON.stringify(checked.failures));
                    const r = await provider.create(checked.inputs);
                    state[i] = { id: r.id, outs: r.outs };
                } else if (phase === "read") {
                    const r = await provider.read(state[i].id, state[i].outs);
                    if (!r.id) throw new Error(`user ${i} not found`);
                    state[i] = { id: r.id, outs: r.props! };
                } else if (phase === "update") {
                    const checked = await provider.check(state[i].outs, inputsFor(i, { firstName: "Updated" }));
                    const r = await provider.update(state[i].id, state[i].outs, checked.inputs);
                    state[i] = { id: state[i].id, outs: r.outs! };
                } else {
                    await provider.delete(state[i].id, state[i].outs);
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

/** The simulator's own time for the fewest jobs that can hold `users`. */
function limitMs(users: number, maxUsersPerJob: number): number {
    return Math.ceil(users / maxUsersPerJob) * JOB_MS + users * JOB_MS_PER_USER;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const x = (r: number) => `${r.toFixed(r >= 10 ? 0 : 2)}x`;

function table(rows: string[][]): string {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    return rows.map((r) => "  " + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ")).join("\n");
}

interface Check {
    what: string;
    ok: boolean;
    figure: string;
}
const checks: Check[] = [];
let overlappingSeen = 0;

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
        overlappingSeen += r.overlapping;
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
            overlappingSeen += o.overlapping;
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

interface EngineVariant {
    label: string;
    lingerMs: number;
    env?: Record<string, string>;
}

/** Engine runs: the defaults; then without the engine's per-step state checkpoints; then that plus a linger. */
const ENGINE_VARIANTS: EngineVariant[] = [
    { label: "defaults", lingerMs: 0 },
    ...(QUICK
        ? []
        : [
              { label: "PULUMI_SKIP_CHECKPOINTS", lingerMs: 0, env: { PULUMI_EXPERIMENTAL: "true", PULUMI_SKIP_CHECKPOINTS: "true" } },
              { label: "PULUMI_SKIP_CHECKPOINTS", lingerMs: 25, env: { PULUMI_EXPERIMENTAL: "true", PULUMI_SKIP_CHECKPOINTS: "true" } },
          ]),
];

async function engineRun(
    users: number,
    variant: EngineVariant,
): Promise<{ wallMs: number; noopMs: number; stats: SimStats; changes: string }> {
    const lingerMs = variant.lingerMs;
    const sim = await startSimulator({ port: 0, jobMs: JOB_MS, jobMsPerUser: JOB_MS_PER_USER, quiet: true });
    const home = tempHome("primavera-bench");
    try {
        const { stack } = await engineStack({
            home,
            stackName: "bench",
            projectName: "primavera-bench",
            program: async () => {
                for (let i = 0; i < users; i++) new User(`u${i}`, inputsFor(i) as never);
            },
            config: {
                "primavera:baseUrl": { value: sim.url },
                "primavera:username": { value: "admin" },
                "primavera:password": { value: "admin", secret: true },
                "primavera:lingerMs": { value: String(lingerMs) },
            },
            env: variant.env,
        });
        const before = await simStats(sim);
        const t0 = performance.now();
        const up = await stack.up({ parallel: ENGINE_PARALLEL });
        const wallMs = performance.now() - t0;
        const after = await simStats(sim);
        // The engine's own cost for this stack: an up with nothing to change (check + diff of every resource).
        const t1 = performance.now();
        await stack.up({ parallel: ENGINE_PARALLEL });
        const noopMs = performance.now() - t1;
        // The stack itself counts as one create.
        const created = (up.summary.resourceChanges?.create ?? 0) - 1;
        const changes =
            created === users
                ? ""
                : Object.entries(up.summary.resourceChanges ?? {})
                      .map(([op, n]) => `${n} ${op}`)
                      .join(", ");
        return {
            wallMs,
            noopMs,
            stats: {
                requestsTotal: after.requestsTotal - before.requestsTotal,
                jobsRun: after.jobsRun - before.jobsRun,
                largestJob: after.largestJob,
                overlappingJobs: after.overlappingJobs - before.overlappingJobs,
                busyRefusals: after.busyRefusals - before.busyRefusals,
            },
            changes,
        };
    } finally {
        await sim.stop();
        fs.rmSync(home, { recursive: true, force: true });
    }
}

async function main(): Promise<void> {
    const started = performance.now();
    console.log(`pulumi-primavera-admin benchmark${QUICK ? " (--quick)" : ""}`);
    console.log(
        `simulator job latency: ${JOB_MS} ms per job + ${JOB_MS_PER_USER} ms per user; maxUsersPerJob ${DEFAULT_MAX_USERS_PER_JOB}, lingerMs 0 (defaults)`,
    );
    console.log(`provider driven directly (UserProvider: check+create, read, check+update, delete), a pool of C async workers, N = ${N}`);

    for (const c of DIRECT ? CONCURRENCY : []) {
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

    if (DIRECT && SWEEP.length) {
        console.log(`\nmaxUsersPerJob sweep: create only, C = 1000, N = ${N} (limit computed for each setting)`);
        const rows = [["maxUsersPerJob", "wall", "jobs", "largest job", "req/user", "limit", "wall/limit", "ms/user", "overlapping"]];
        for (const m of SWEEP) {
            const [r] = await runProvider({ users: N, concurrency: 1000, maxUsersPerJob: m, phases: ["create"] });
            overlappingSeen += r.overlapping;
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

    if (DIRECT && LINGER_SWEEP.length) {
        console.log(`\nlingerMs, provider driven directly: create only, N = ${N_LINGER}`);
        const rows = [["C", "lingerMs", "wall", "jobs", "largest job", "req/user", "overlapping"]];
        for (const c of CONCURRENCY) {
            for (const linger of [0, ...LINGER_SWEEP]) {
                const [r] = await runProvider({
                    users: N_LINGER,
                    concurrency: c,
                    maxUsersPerJob: DEFAULT_MAX_USERS_PER_JOB,
                    lingerMs: linger,
                    phases: ["create"],
                });
                overlappingSeen += r.overlapping;
                rows.push([
                    String(c),
                    String(linger),
                    s(r.wallMs),
                    String(r.jobs),
                    String(r.largestJob),
                    (r.requests / N_LINGER).toFixed(3),
                    String(r.overlapping),
                ]);
            }
        }
        console.log(table(rows));
    }

    if (ENGINE) {
        console.log(
            `\nReal engine: pulumi up --parallel ${ENGINE_PARALLEL}, ${ENGINE_USERS} new users (Automation API, inline program, local CLI)`,
        );
        const rows = [
            [
                "engine",
                "lingerMs",
                "wall",
                "jobs",
                "largest job",
                "requests",
                "req/user",
                "limit",
                "wall/limit",
                "no-op up",
                "wall - no-op",
                "overlapping",
            ],
        ];
        for (const variant of ENGINE_VARIANTS) {
            const r = await engineRun(ENGINE_USERS, variant);
            overlappingSeen += r.stats.overlappingJobs;
            const limit = limitMs(ENGINE_USERS, DEFAULT_MAX_USERS_PER_JOB);
            rows.push([
                variant.label,
                String(variant.lingerMs),
                s(r.wallMs),
                String(r.stats.jobsRun),
                String(r.stats.largestJob),
                String(r.stats.requestsTotal),
                (r.stats.requestsTotal / ENGINE_USERS).toFixed(3),
                s(limit),
                x(r.wallMs / limit),
                s(r.noopMs),
                s(r.wallMs - r.noopMs),
                String(r.stats.overlappingJobs),
            ]);
            if (r.changes) console.log(`  unexpected changes (expected ${ENGINE_USERS} creates): ${r.changes}`);
        }
        console.log(table(rows));
        const atParallel = limitMs(ENGINE_USERS, ENGINE_PARALLEL);
        console.log(
            `  wall includes the CLI and plugin start and the engine's own steps ("no-op up": the same stack again, nothing to change).\n` +
                (ENGINE_VARIANTS.length > 1
                    ? `  PULUMI_SKIP_CHECKPOINTS (experimental) saves the state once at the end instead of after every step.\n`
                    : "") +
                `  --parallel ${ENGINE_PARALLEL} caps a job at ${ENGINE_PARALLEL} users: the limit at that parallelism is ${s(atParallel)} ` +
                `(ceil(${ENGINE_USERS}/${ENGINE_PARALLEL}) jobs).`,
        );
    }

    checks.push({ what: "overlapping jobs 0 in every run", ok: overlappingSeen === 0, figure: String(overlappingSeen) });
    console.log(`\nTargets (from the figures above):`);
    for (const c of checks) console.log(`  ${c.ok ? "ok  " : "MISS"} ${c.what}: ${c.figure}`);
    console.log(`\ntotal bench time ${s(performance.now() - started)}`);
}

main().catch((e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
});
