// What every section of the benchmark shares: the simulator's latency model, the command-line
// flags, the benchmark's users, the simulator's figures, the printing helpers and the targets.
import { RunningSimulator } from "../../simulator";

export const JOB_MS = 500;
export const JOB_MS_PER_USER = 2;
export const DEFAULT_MAX_USERS_PER_JOB = 500;

const args = new Set(process.argv.slice(2));
export const QUICK = args.has("--quick");
/** Only the engine cases the User's targets are measured on (N = 300: floors and Users, interleaved). */
export const USER_TARGETS_ONLY = args.has("--user-targets");
export const ENGINE = !args.has("--no-engine");
export const DIRECT = !args.has("--engine-only");

export interface SimStats {
    requestsTotal: number;
    jobsRun: number;
    largestJob: number;
    overlappingJobs: number;
    busyRefusals: number;
}

export async function simStats(sim: RunningSimulator): Promise<SimStats> {
    const res = await fetch(`${sim.url}/__sim/stats`);
    return (await res.json()) as SimStats;
}

export function inputsFor(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
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

/** The simulator's own time for the fewest jobs that can hold `users`. */
export function limitMs(users: number, maxUsersPerJob: number): number {
    return Math.ceil(users / maxUsersPerJob) * JOB_MS + users * JOB_MS_PER_USER;
}

export const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const x = (r: number) => `${r.toFixed(r >= 10 ? 0 : 2)}x`;

export function table(rows: string[][]): string {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    return rows.map((r) => "  " + r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ")).join("\n");
}

export interface Check {
    what: string;
    ok: boolean;
    figure: string;
}
export const checks: Check[] = [];
/** Overlapping jobs the simulator reported, over every section (a target: none). */
export const tally = { overlapping: 0 };

export function target(what: string, ok: boolean, measured: string): void {
    checks.push({ what, ok, figure: measured });
}
