// Benchmark: how long disabling one user takes while a long job holds the tenant's one job slot,
// as a ratio of that job's time. The job: a UserSet creating N users in one job (the simulator's
// latency model, 500 ms + 2 ms a user). Twice, interleaved over RUNS rounds: with PUT
// /user/change-status (the provider's path) and without it (the simulator's changeStatus switch
// off: the status then goes in a job, after the long one). Prints each round and the medians;
// asserts nothing.
//
//   npm run bench:offboarding            # N = 10,000, 3 rounds
//   npm run bench:offboarding -- --quick # N = 2,000, 1 round
import type * as pulumi from "@pulumi/pulumi";
import { startSimulator } from "../simulator";
import { UserProvider, UserSetProvider } from "../provider";
import { resetTenants } from "../provider/testing";

/** A provider as the dynamic-provider host drives it: untyped property bags. */
const asHost = (p: object) => p as unknown as Required<pulumi.dynamic.ResourceProvider>;

const QUICK = process.argv.includes("--quick");
const N = QUICK ? 2_000 : 10_000;
const RUNS = QUICK ? 1 : 3;
const ACCOUNT = { username: "admin", password: "sim-Pw-4827" };
const PROVIDER_TEXT = "exports.handler = () => ({})";

const user = (loginId: string, extra: Record<string, unknown> = {}) => ({
    loginId,
    firstName: "Bench",
    lastName: loginId,
    emailAddress: `${loginId.toLowerCase()}@example.com`,
    organization: { name: "sfo" },
    ...extra,
});

interface Round {
    disableMs: number;
    jobMs: number;
}

/** One round: the long job starts, then the user is disabled; both timed from the job's start. */
async function round(withChangeStatus: boolean): Promise<Round> {
    const sim = await startSimulator({ port: 0, jobMs: 500, jobMsPerUser: 2, quiet: true });
    try {
        const settings = { baseUrl: sim.url, ...ACCOUNT, timeoutSeconds: 600, maxUsersPerJob: 10_000, maxDeletions: 100 };
        resetTenants();
        const users = asHost(new UserProvider(settings));
        const target = await users.create({
            ...(await users.check({}, user("TARGET", { disabled: false }))).inputs,
            __provider: PROVIDER_TEXT,
        });
        if (!withChangeStatus) await post(sim.url, "/__sim/faults", { changeStatus: "missing" });
        resetTenants();
        const set = asHost(new UserSetProvider(settings));
        const members = Object.fromEntries(Array.from({ length: N }, (_, i) => [`B${i}`, user(`B${i}`)]));
        const checked = await set.check({}, { users: members });
        const started = performance.now();
        const bulk = set.create({ ...checked.inputs, __provider: PROVIDER_TEXT }).then(() => performance.now() - started);
        await untilRunning(sim.url);
        const t0 = performance.now();
        await users.update(target.id, target.outs, {
            ...(await users.check({}, user("TARGET", { disabled: true }))).inputs,
            __provider: PROVIDER_TEXT,
        });
        const disableMs = performance.now() - t0;
        return { disableMs, jobMs: await bulk };
    } finally {
        await sim.stop();
    }
}

async function post(url: string, path: string, body: unknown): Promise<void> {
    await fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** Waits (bounded) until the simulator runs a job. */
async function untilRunning(url: string): Promise<void> {
    for (let i = 0; i < 2_000; i++) {
        const stats = (await (await fetch(`${url}/__sim/stats`)).json()) as { jobsSubmitted: number; jobsRun: number };
        if (stats.jobsSubmitted > stats.jobsRun) return;
        await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("the long job never started");
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
    console.log(`disabling one user while a job of ${N} users runs (${RUNS} round(s), interleaved)`);
    const rows: Record<string, Round[]> = { "change-status": [], "in a job": [] };
    for (let i = 0; i < RUNS; i++) {
        for (const [label, on] of [
            ["change-status", true],
            ["in a job", false],
        ] as const) {
            const r = await round(on);
            rows[label].push(r);
            console.log(
                `  round ${i + 1}, ${label}: disabled after ${(r.disableMs / 1000).toFixed(2)} s; the job took ${(r.jobMs / 1000).toFixed(2)} s (${(r.disableMs / r.jobMs).toFixed(3)} of it)`,
            );
        }
    }
    for (const [label, rs] of Object.entries(rows)) {
        const ratio = median(rs.map((r) => r.disableMs / r.jobMs));
        console.log(
            `${label}: median ${(median(rs.map((r) => r.disableMs)) / 1000).toFixed(2)} s to disable, ${ratio.toFixed(3)} of the job's time`,
        );
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
