// Benchmark: bootstrap (create), refresh (read), update and delete N users against the simulator
// with a job latency model (500 ms per job + 2 ms per user), with batching on and off; then the
// real engine (`pulumi up`) on the engine's floors, on Users and on a UserSet. Prints figures and
// target lines (`target: ... ok` / `... MISSED (measured)`); asserts nothing (a script, not a test:
// the exit code is 0 whether targets are met or not).
//
//   npm run bench                  # direct: N = 1000, C = 8 and 1000, the sweeps; engine: N = 300, 1000 (and 10,000 for a UserSet)
//   npm run bench -- --quick       # direct N = 100; engine N = 40 (CI smoke run)
//   npm run bench -- --no-engine   # skip the engine runs
//   npm run bench -- --engine-only # only the engine runs
//   npm run bench -- --engine-only --user-targets # only the engine cases at N = 300 behind the User's targets
//
// Sections, in scripts/bench/: common.ts (latency model, flags, helpers, targets), direct.ts (the
// provider driven directly), floors.ts (the engine's floors: 1 property, and the User's shape),
// engineCases.ts (one engine case), engineReport.ts (the engine section's runs, tables and targets).
//
// Every figure comes from this process's own measurements (wall time) and from the simulator's
// `GET /__sim/stats` (jobs, requests, overlapping jobs), as deltas per phase. The limit of a phase
// is the simulator's own time for the fewest jobs that can hold its N users:
// ceil(N / maxUsersPerJob) * 500 ms + N * 2 ms. Nothing can beat it: jobs run one at a time.
import { checks, DIRECT, ENGINE, QUICK, s, tally, DEFAULT_MAX_USERS_PER_JOB, JOB_MS, JOB_MS_PER_USER } from "./bench/common";
import { directSection, N } from "./bench/direct";
import { engineSection } from "./bench/engineReport";

async function main(): Promise<void> {
    const started = performance.now();
    console.log(`pulumi-primavera-admin benchmark${QUICK ? " (--quick)" : ""}`);
    console.log(
        `simulator job latency: ${JOB_MS} ms per job + ${JOB_MS_PER_USER} ms per user; maxUsersPerJob ${DEFAULT_MAX_USERS_PER_JOB} (defaults)`,
    );
    if (DIRECT)
        console.log(
            `provider driven directly (UserProvider: check+create, read, check+update, delete), a pool of C async workers, N = ${N}`,
        );

    if (DIRECT) await directSection();

    if (ENGINE) await engineSection();

    checks.push({ what: "overlapping jobs 0 in every run", ok: tally.overlapping === 0, figure: String(tally.overlapping) });
    console.log(`\nTargets (from the figures above):`);
    for (const c of checks) console.log(`  target: ${c.what} ... ${c.ok ? "ok" : `MISSED (${c.figure})`}`);
    console.log(`\ntotal bench time ${s(performance.now() - started)}`);
}

main().catch((e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
});
