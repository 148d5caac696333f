// The engine section: runs the cases (floors, Users and UserSets at each N; the User's targets
// from medians of interleaved runs) and prints their tables and targets.
import {
    DEFAULT_MAX_USERS_PER_JOB,
    JOB_MS,
    JOB_MS_PER_USER,
    limitMs,
    QUICK,
    s,
    table,
    tally,
    target,
    USER_TARGETS_ONLY,
    x,
} from "./common";
import {
    bytes,
    ceilJobs,
    DEFAULTS,
    ENGINE_PARALLEL,
    ENGINE_SIZES,
    engineCase,
    EngineFigures,
    EngineKind,
    EngineVariant,
    engineWarmUp,
    medianOf,
    REMOVED,
    SKIP_CHECKPOINTS,
    SKIP_CHECKPOINTS_SIZES,
    TARGET_N,
    TARGET_ROUNDS,
    USER_SET_ONLY_SIZES,
} from "./engineCases";

/** The User's targets against the shape floor (medians of interleaved runs at TARGET_N). */
const USER_UP_OVER_SHAPE = 1.25;
const USER_NOOP_OVER_SHAPE = 1.15;
export async function engineSection(): Promise<void> {
    console.log(
        `\nReal engine: pulumi up --parallel ${ENGINE_PARALLEL} (Automation API, inline program, file backend, local CLI); ` +
            `a fresh simulator and engine home per case`,
    );
    const t0 = performance.now();
    await engineWarmUp();
    const results: EngineFigures[] = [];
    const measure = async (kind: EngineKind, users: number, variant: EngineVariant = DEFAULTS) => {
        const t = performance.now();
        const r = await engineCase(kind, users, variant);
        console.log(`  ... ${r.label} N=${users}: ${s(performance.now() - t)}${r.error ? " FAILED" : ""}`);
        return r;
    };
    const run = async (kind: EngineKind, users: number, variant: EngineVariant = DEFAULTS) => {
        const r = await measure(kind, users, variant);
        results.push(r);
        return r;
    };
    const constant = await run("UserSet", 1);
    constant.constant = true;
    constant.label = "UserSet (1-user constant)";
    for (const n of ENGINE_SIZES) {
        const floors: EngineFigures[] = [];
        const shapes: EngineFigures[] = [];
        const users: EngineFigures[] = [];
        for (let i = 0; i < (n === TARGET_N ? TARGET_ROUNDS : 1); i++) {
            floors.push(await measure("floor", n));
            shapes.push(await measure("shape", n));
            users.push(await measure("User", n));
        }
        results.push(medianOf(floors), medianOf(shapes), medianOf(users));
        if (!USER_TARGETS_ONLY) await run("UserSet", n);
    }
    for (const n of USER_SET_ONLY_SIZES) await run("UserSet", n);
    for (const n of SKIP_CHECKPOINTS_SIZES) {
        await run("floor", n, SKIP_CHECKPOINTS);
        await run("User", n, SKIP_CHECKPOINTS);
    }
    /** The successful case of this kind, N and variant (never the 1-user constant). */
    const find = (kind: EngineKind, n: number, variant = "") =>
        results.find((r) => r.kind === kind && r.users === n && r.variant === variant && !r.constant && !r.error);

    console.log(
        `\n  up: a fresh stack; no-op up: the same program again (nothing to change); requests, jobs: the simulator's, per command`,
    );
    const rows = [
        ["case", "N", "up", "no-op up", "jobs", "largest job", "requests", "no-op req", "state/user", "__provider", "overlapping"],
    ];
    for (const r of results) {
        if (r.error || !r.up || !r.noop) {
            rows.push([r.label, String(r.users), "FAILED", "-", "-", "-", "-", "-", "-", "-", "-"]);
            continue;
        }
        tally.overlapping += r.up.overlapping + r.noop.overlapping;
        rows.push([
            r.label,
            String(r.users),
            s(r.up.wallMs),
            s(r.noop.wallMs),
            String(r.up.jobs),
            String(r.largestJob),
            String(r.up.requests),
            String(r.noop.requests),
            bytes(Math.round(r.stateBytes! / r.users)),
            `${r.providerBytes} B`,
            String(r.up.overlapping + r.noop.overlapping),
        ]);
    }
    console.log(table(rows));
    for (const r of results.filter((r) => r.rounds))
        console.log(
            `  ${r.label} N=${r.users}, each run (interleaved with the other kinds'): ` +
                `up ${r.rounds!.map((o) => s(o.upMs)).join(", ")}; no-op up ${r.rounds!.map((o) => s(o.noopMs)).join(", ")}`,
        );
    for (const r of results) {
        if (r.error) console.log(`  FAILED ${r.label} N=${r.users}:\n    ${r.error}`);
        for (const [step, op] of Object.entries({ up: r.up, "no-op up": r.noop, ...(r.ops ?? {}) }))
            if (op?.unexpected) console.log(`  unexpected changes in ${r.label} N=${r.users} ${step}: ${op.unexpected}`);
    }

    console.log(
        `\n  against the floors (same N; "floor": 1 property, "shape": every property a User registers, flat) and the vendor's limits: at most ${DEFAULT_MAX_USERS_PER_JOB} users per job, so at least ` +
            `ceil(N/${DEFAULT_MAX_USERS_PER_JOB}) jobs; job limit = their time in the simulator's model (${JOB_MS} ms + ${JOB_MS_PER_USER} ms/user per job)`,
    );
    const ratioRows = [
        [
            "case",
            "N",
            "up/floor up",
            "no-op/floor no-op",
            "up/shape up",
            "no-op/shape no-op",
            "jobs",
            "vendor limit",
            "job limit",
            "up/job limit",
            "up - job limit",
        ],
    ];
    for (const r of results) {
        if (r.error || !r.up || !r.noop || r.kind === "floor" || r.kind === "shape") continue;
        const floor = find("floor", r.users, r.variant);
        const shape = find("shape", r.users, r.variant);
        const limit = limitMs(r.users, DEFAULT_MAX_USERS_PER_JOB);
        ratioRows.push([
            r.label,
            String(r.users),
            floor ? x(r.up.wallMs / floor.up!.wallMs) : "-",
            floor ? x(r.noop.wallMs / floor.noop!.wallMs) : "-",
            shape ? x(r.up.wallMs / shape.up!.wallMs) : "-",
            shape ? x(r.noop.wallMs / shape.noop!.wallMs) : "-",
            String(r.up.jobs),
            String(ceilJobs(r.users)),
            s(limit),
            x(r.up.wallMs / limit),
            s(r.up.wallMs - limit),
        ]);
    }
    console.log(table(ratioRows));

    const sets = results.filter((r) => r.ops);
    if (sets.length) {
        console.log(
            `\n  UserSet operations after the up: change one member's lastName; remove the last ${REMOVED} members; refresh; destroy (N - ${REMOVED} members)`,
        );
        const opRows = [
            [
                "N",
                "1-user change",
                "jobs",
                `remove ${REMOVED}`,
                "jobs",
                "refresh",
                "requests",
                "destroy",
                "jobs",
                "vendor limit",
                "job limit",
                "destroy/job limit",
            ],
        ];
        for (const r of sets) {
            const o = r.ops!;
            for (const op of Object.values(o)) tally.overlapping += op.overlapping;
            const left = r.users - REMOVED;
            opRows.push([
                String(r.users),
                s(o.change.wallMs),
                String(o.change.jobs),
                s(o.remove.wallMs),
                String(o.remove.jobs),
                s(o.refresh.wallMs),
                String(o.refresh.requests),
                s(o.destroy.wallMs),
                String(o.destroy.jobs),
                String(ceilJobs(left)),
                s(limitMs(left, DEFAULT_MAX_USERS_PER_JOB)),
                x(o.destroy.wallMs / limitMs(left, DEFAULT_MAX_USERS_PER_JOB)),
            ]);
        }
        console.log(table(opRows));
    }
    if (SKIP_CHECKPOINTS_SIZES.length)
        console.log(
            `  ${SKIP_CHECKPOINTS.name} (experimental, with PULUMI_EXPERIMENTAL=true): the engine saves the state once at the end ` +
                `instead of after every step; compared with a floor run the same way.`,
        );
    console.log(`  engine section: ${s(performance.now() - t0)} (warm-up included)`);

    // Targets (issue: bootstrap thousands of users through `pulumi up` in a handful of jobs).
    const one = constant.up && !constant.error ? constant.up.wallMs : undefined;
    const set1000 = find("UserSet", 1000);
    if (!QUICK) {
        const fig = (r: EngineFigures | undefined, f: (r: EngineFigures) => string) => (r ? f(r) : "not measured");
        const limit1000 = limitMs(1000, DEFAULT_MAX_USERS_PER_JOB);
        if (!USER_TARGETS_ONLY) {
            target(
                "UserSet of 1000: up in at most 3 jobs",
                !!set1000 && set1000.up!.jobs <= 3,
                fig(set1000, (r) => `${r.up!.jobs} jobs`),
            );
            target(
                `UserSet of 1000: up within the 1-user constant + 1.5 x the job limit (${one ? s(one) : "?"} + 1.5 x ${s(limit1000)})`,
                !!set1000 && one !== undefined && set1000.up!.wallMs <= one + 1.5 * limit1000,
                fig(set1000, (r) => s(r.up!.wallMs)),
            );
            target(
                "UserSet of 1000: a one-user change is one job",
                set1000?.ops?.change.jobs === 1,
                fig(set1000, (r) => `${r.ops?.change.jobs} jobs`),
            );
            target(
                `UserSet of 1000: removing ${REMOVED} users is one job`,
                set1000?.ops?.remove.jobs === 1,
                fig(set1000, (r) => `${r.ops?.remove.jobs} jobs`),
            );
            target(
                "UserSet of 1000: refresh in at most 5 requests",
                !!set1000?.ops && set1000.ops.refresh.requests <= 5,
                fig(set1000, (r) => `${r.ops?.refresh.requests} requests`),
            );
            const set10k = find("UserSet", 10_000);
            const limit10k = limitMs(10_000, DEFAULT_MAX_USERS_PER_JOB);
            target(
                "UserSet of 10,000: up in at most 21 jobs",
                !!set10k && set10k.up!.jobs <= 21,
                fig(set10k, (r) => `${r.up!.jobs} jobs`),
            );
            target(
                `UserSet of 10,000: up within 2 x the job limit + the 1-user constant (2 x ${s(limit10k)} + ${one ? s(one) : "?"})`,
                !!set10k && one !== undefined && set10k.up!.wallMs <= 2 * limit10k + one,
                fig(set10k, (r) => s(r.up!.wallMs)),
            );
        }
        const users300 = find("User", TARGET_N);
        const floor300 = find("floor", TARGET_N);
        const shape300 = find("shape", TARGET_N);
        const vs = (r: EngineFigures | undefined, f: EngineFigures | undefined, op: "up" | "noop", name: string) =>
            r && f ? `${s(r[op]!.wallMs)} vs ${name} ${s(f[op]!.wallMs)}: ${x(r[op]!.wallMs / f[op]!.wallMs)}` : "not measured";
        target(
            `User: 300 Users up within ${USER_UP_OVER_SHAPE}x the shape floor's up (medians of ${TARGET_ROUNDS} interleaved runs; ` +
                `1-property floor: ${vs(users300, floor300, "up", "floor")})`,
            !!users300 && !!shape300 && users300.up!.wallMs <= USER_UP_OVER_SHAPE * shape300.up!.wallMs,
            vs(users300, shape300, "up", "shape floor"),
        );
        target(
            `User: 300 Users no-op up within ${USER_NOOP_OVER_SHAPE}x the shape floor's no-op up (medians of ${TARGET_ROUNDS} interleaved runs; ` +
                `1-property floor: ${vs(users300, floor300, "noop", "floor")})`,
            !!users300 && !!shape300 && users300.noop!.wallMs <= USER_NOOP_OVER_SHAPE * shape300.noop!.wallMs,
            vs(users300, shape300, "noop", "shape floor"),
        );
    }
    const anyUser = results.find((r) => r.kind === "User" && r.providerBytes !== undefined);
    target(
        "User: __provider at most 300 bytes",
        !!anyUser && anyUser.providerBytes! <= 300,
        anyUser ? `${anyUser.providerBytes} bytes` : "not measured",
    );
    const failed = results.filter((r) => r.error || Object.values({ up: r.up, noop: r.noop, ...(r.ops ?? {}) }).some((o) => o?.unexpected));
    target(
        "engine: every case ran and changed what it should",
        failed.length === 0,
        failed.map((r) => `${r.label} N=${r.users}`).join(", "),
    );
}
