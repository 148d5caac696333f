// The engine cases: one stack (floors, Users or a UserSet) on a fresh simulator and engine home,
// its commands timed, and the simulator's figures taken around each.
import fs from "node:fs";
import { startSimulator, RunningSimulator } from "../../simulator";
import { User, UserSet } from "../../provider";
import { engineStack, stopProcessesUsing, tempHome } from "../engine";
import { DEFAULT_MAX_USERS_PER_JOB, inputsFor, JOB_MS, JOB_MS_PER_USER, QUICK, simStats, USER_TARGETS_ONLY } from "./common";
import { Floor, ShapeFloor } from "./floors";

// ------------------------------------------------------------------------------------------------
// The real engine: `pulumi up --parallel 64` through the Automation API (inline program, file
// backend, local CLI), a fresh simulator and a fresh engine home per case so no figure mixes with
// another. Four kinds of stack at each N:
//   - the 1-property floor: N dynamic resources whose provider's create returns at once (what the
//     engine itself costs for N dynamic resources: CLI and plugin start, check, diff, state checkpoints);
//   - the shape floor: the same with every property a User registers, flat, and a fixed provider
//     text about as small as a User's (floors.ts), what the engine costs for N resources of the User's shape;
//   - N `User` resources;
//   - one `UserSet` of N members (also at N = 10,000, where N Users would take far too long).
// This replaces the earlier engine run (300 Users: defaults, PULUMI_SKIP_CHECKPOINTS, and that with
// a 25 ms linger). Its defaults row is the User row at N = 300, now with a floor to compare with;
// PULUMI_SKIP_CHECKPOINTS stays, at N = 300, next to a floor run the same way; the linger row is
// dropped (same jobs, no gain: README, "lingerMs"; the direct section still sweeps lingerMs).

/** N of the floor, User and UserSet cases. */
export const ENGINE_SIZES = QUICK ? [40] : USER_TARGETS_ONLY ? [300] : [300, 1000];
/**
 * At the N of the User targets (up and no-op up within 1.5x the floor's), the floor and User cases
 * run this many times, interleaved, and their rows and the targets take each figure's median. On a
 * 2-core machine the floor's up moved between 5.6 s and 6.8 s from one run to the next (the User's
 * by less: it mostly waits for jobs), so a ratio of single runs said more about the noise than
 * about the provider.
 */
export const TARGET_N = 300;
export const TARGET_ROUNDS = QUICK ? 1 : 3;
/** N of the UserSet-only cases. */
export const USER_SET_ONLY_SIZES = QUICK || USER_TARGETS_ONLY ? [] : [10_000];
/** How many members the removal step takes out of a UserSet. */
export const REMOVED = 10;
/** The engine's parallelism in every engine case. */
export const ENGINE_PARALLEL = 64;

export type EngineKind = "floor" | "shape" | "User" | "UserSet";

export interface EngineVariant {
    /** "" for the defaults. */
    name: string;
    env?: Record<string, string>;
}
export const DEFAULTS: EngineVariant = { name: "" };
/**
 * The engine's experimental flag to save the state once at the end instead of after every step
 * (see the README's tuning knobs), measured for the floor and Users at these N.
 */
export const SKIP_CHECKPOINTS: EngineVariant = {
    name: "PULUMI_SKIP_CHECKPOINTS",
    env: { PULUMI_EXPERIMENTAL: "true", PULUMI_SKIP_CHECKPOINTS: "true" },
};
export const SKIP_CHECKPOINTS_SIZES = QUICK || USER_TARGETS_ONLY ? [] : [300];

/** One engine command, with the simulator's figures as deltas over it. */
export interface OpFigures {
    wallMs: number;
    jobs: number;
    requests: number;
    overlapping: number;
    /** The command's resource changes, e.g. "create 301". */
    changes: string;
    /** Set when `changes` is not what the step should do. */
    unexpected?: string;
}

export interface EngineFigures {
    kind: EngineKind;
    users: number;
    /** "" (the defaults) or the engine setting the case ran with. */
    variant: string;
    /** The 1-user UserSet: the fixed cost of an up, whatever N. */
    constant?: boolean;
    label: string;
    up?: OpFigures;
    noop?: OpFigures;
    largestJob?: number;
    /** `stack.exportStack()` as JSON, in characters. */
    stateBytes?: number;
    /** The `__provider` input of the first resource of the kind, in characters. */
    providerBytes?: number;
    /** UserSet only: a one-user change, removing REMOVED members, a refresh, destroy. */
    ops?: { change: OpFigures; remove: OpFigures; refresh: OpFigures; destroy: OpFigures };
    /** Set when the figures are the medians of several runs (TARGET_ROUNDS): each run's walls. */
    rounds?: { upMs: number; noopMs: number }[];
    error?: string;
}

/**
 * One figure for several runs of a case: the median run's up (and what goes with it: jobs, state),
 * the median no-op up, and every run's overlapping jobs. A run that failed or changed what it
 * should not is returned instead, so that the failure is reported.
 */
export function medianOf(runs: EngineFigures[]): EngineFigures {
    const bad = runs.find((r) => r.error || !r.up || !r.noop || r.up.unexpected || r.noop.unexpected);
    if (bad || runs.length === 1) return bad ?? runs[0];
    const mid = <T>(xs: T[], by: (t: T) => number) => [...xs].sort((a, b) => by(a) - by(b))[Math.floor(xs.length / 2)];
    const up = mid(runs, (r) => r.up!.wallMs);
    const noop = mid(runs, (r) => r.noop!.wallMs);
    const overlapping = (op: "up" | "noop") => runs.reduce((n, r) => n + r[op]!.overlapping, 0);
    return {
        ...up,
        label: `${up.label} (median of ${runs.length})`,
        up: { ...up.up!, overlapping: overlapping("up") },
        noop: { ...noop.noop!, overlapping: overlapping("noop") },
        rounds: runs.map((r) => ({ upMs: r.up!.wallMs, noopMs: r.noop!.wallMs })),
    };
}

const TYPE_SUFFIX: Record<EngineKind, string> = { floor: ":Floor", shape: ":ShapeFloor", User: ":User", UserSet: ":UserSet" };

function changesOf(summary: { resourceChanges?: Record<string, number> }): string {
    return Object.entries(summary.resourceChanges ?? {})
        .filter(([, n]) => n > 0)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([op, n]) => `${op} ${n}`)
        .join(", ");
}

/** Runs one engine command and takes the simulator's figures around it. */
async function measureOp(
    sim: RunningSimulator,
    run: () => Promise<{ summary: { resourceChanges?: Record<string, number> } }>,
    expected?: string,
): Promise<OpFigures> {
    const before = await simStats(sim);
    const t0 = performance.now();
    const result = await run();
    const wallMs = performance.now() - t0;
    const after = await simStats(sim);
    const changes = changesOf(result.summary);
    return {
        wallMs,
        jobs: after.jobsRun - before.jobsRun,
        requests: after.requestsTotal - before.requestsTotal,
        overlapping: after.overlappingJobs - before.overlappingJobs,
        changes,
        unexpected: expected !== undefined && changes !== expected ? `expected ${expected}, got ${changes || "nothing"}` : undefined,
    };
}

/** The first lines of an engine error (the CLI's output can be long). */
function firstLines(e: unknown, lines = 12): string {
    const text = e instanceof Error ? e.message : String(e);
    return text.split("\n").filter(Boolean).slice(0, lines).join("\n    ");
}

/**
 * One engine case on a fresh simulator and engine home: up, the state's size, a no-op up (the same
 * program again); for a UserSet of more than REMOVED members also a one-user change, the removal
 * of REMOVED members, a refresh and destroy.
 */
export async function engineCase(kind: EngineKind, users: number, variant: EngineVariant = DEFAULTS): Promise<EngineFigures> {
    const label = kind + (variant.name ? `, ${variant.name}` : "");
    const figures: EngineFigures = { kind, users, variant: variant.name, label };
    const sim = await startSimulator({ port: 0, jobMs: JOB_MS, jobMsPerUser: JOB_MS_PER_USER, quiet: true });
    const home = tempHome("primavera-bench");
    let members = Array.from({ length: users }, (_, i) => inputsFor(i));
    const program = async () => {
        if (kind === "UserSet") new UserSet("users", { users: members as never });
        else if (kind === "User") for (let i = 0; i < users; i++) new User(`u${i}`, inputsFor(i) as never);
        else if (kind === "shape") for (let i = 0; i < users; i++) new ShapeFloor(`s${i}`, inputsFor(i));
        else for (let i = 0; i < users; i++) new Floor(`f${i}`);
    };
    try {
        const { stack } = await engineStack({
            home,
            stackName: "bench",
            projectName: "primavera-bench",
            program,
            config: {
                "primavera:baseUrl": { value: sim.url },
                "primavera:username": { value: "admin" },
                "primavera:password": { value: "sim-Pw-4827", secret: true },
            },
            env: variant.env,
        });
        // The stack itself is one more resource.
        const resources = (kind === "UserSet" ? 1 : users) + 1;
        figures.up = await measureOp(sim, () => stack.up({ parallel: ENGINE_PARALLEL }), `create ${resources}`);
        figures.largestJob = (await simStats(sim)).largestJob;
        const state = await stack.exportStack();
        figures.stateBytes = JSON.stringify(state).length;
        const first = ((state.deployment?.resources ?? []) as { type: string; inputs?: Record<string, unknown> }[]).find((r) =>
            r.type.endsWith(TYPE_SUFFIX[kind]),
        );
        figures.providerBytes = String(first?.inputs?.__provider ?? "").length;
        figures.noop = await measureOp(sim, () => stack.up({ parallel: ENGINE_PARALLEL }), `same ${resources}`);
        if (kind === "UserSet" && users > REMOVED) {
            members = members.map((m, i) => (i === 0 ? { ...m, lastName: "Changed" } : m));
            const change = await measureOp(sim, () => stack.up({ parallel: ENGINE_PARALLEL }), "same 1, update 1");
            members = members.slice(0, users - REMOVED);
            const remove = await measureOp(sim, () => stack.up({ parallel: ENGINE_PARALLEL }), "same 1, update 1");
            const refresh = await measureOp(sim, () => stack.refresh({ parallel: ENGINE_PARALLEL }));
            const destroy = await measureOp(sim, () => stack.destroy({ parallel: ENGINE_PARALLEL }), "delete 2");
            figures.ops = { change, remove, refresh, destroy };
        }
    } catch (e) {
        figures.error = firstLines(e);
    } finally {
        await sim.stop();
        // Every process of the run has ended with its command; this only stops strays after an error.
        await stopProcessesUsing(home).catch(() => []);
        fs.rmSync(home, { recursive: true, force: true });
    }
    return figures;
}

/**
 * Pays, unmeasured, what only the first engine commands of this process pay (cold file caches for
 * the CLI, the plugin and the modules they load), so the first measured case is not charged for it.
 */
export async function engineWarmUp(): Promise<void> {
    await engineCase("floor", 1);
    await engineCase("shape", 1);
    await engineCase("User", 1);
}

export const ceilJobs = (users: number) => Math.ceil(users / DEFAULT_MAX_USERS_PER_JOB);
export const bytes = (n: number) => (n >= 10_000 ? `${(n / 1024).toFixed(0)} KB` : `${n} B`);
