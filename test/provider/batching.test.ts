// Batching: group commit into jobs, the split of a batch the tenant refuses as a whole,
// read coalescing, and the non-timing properties of a bulk run at small scale (job and request
// counts, no overlapping jobs). Timings live in the benchmark (npm run bench), not here.
import assert from "node:assert/strict";
import http from "node:http";
import { AddressInfo } from "node:net";
import { resetTenants, tenantFor } from "pulumi-primavera-admin/provider/testing";
import { GATHER_MAX_MS } from "pulumi-primavera-admin/provider/tenant/jobs/schedule";
import { QUIET_END_MS } from "pulumi-primavera-admin/provider/tenant/jobs/engineActivity";
import { UserProvider } from "../support/untyped";
import { ADMIN, Sim, withSimulator } from "../support/sim";

type Runner = ReturnType<typeof tenantFor>["runner"];

const inputs = (i: number) => ({
    loginId: `BULK${String(i).padStart(4, "0")}`,
    firstName: "Bulk",
    lastName: `User${i}`,
    emailAddress: `bulk${i}@example.com`,
    userType: "EMP",
    organization: { name: i % 2 ? "sfo" : "nyc", type: "Company" },
    roles: ["PrimaveraUnifierProduction"],
    disabled: false,
    adopt: false,
});

/** Requests to one route template (any status) in a stats answer. */
function count(stats: any, route: string): number {
    return Object.values((stats.requests[route] ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
}

describe("batching: group commit, split on 400, coalesced reads", function () {
    let sim: Sim;
    let provider: UserProvider;

    before(async () => {
        sim = await withSimulator();
    });
    after(async () => {
        await sim.stop();
    });
    beforeEach(async () => {
        resetTenants();
        await sim.reset();
        provider = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 30 });
    });

    it("a batch the tenant refuses as a whole (400) is split: every valid user lands, the invalid one fails with its own message", async () => {
        const { runner } = tenantFor(provider.settings());
        const deadline = Date.now() + 30_000;
        const records = Array.from({ length: 8 }, (_, i) => ({
            loginId: `SPLIT${i}`,
            firstName: "Split",
            lastName: `User${i}`,
            emailAddress: `split${i}@example.com`,
            organization: { name: "sfo" },
            roles: [{ name: "PrimaveraP6Test" }],
        }));
        // The simulator validates the whole body: one record without emailAddress makes the POST 400.
        delete (records[5] as Partial<(typeof records)[number]>).emailAddress;
        const settled = await Promise.allSettled(
            records.map((record) => runner.run({ loginId: record.loginId, deadline, prepare: () => ({ send: "add", record }) })),
        );

        settled.forEach((s, i) => {
            if (i === 5) return;
            assert.equal(s.status, "fulfilled", `SPLIT${i} lands: ${s.status === "rejected" ? s.reason.message : ""}`);
            if (s.status === "fulfilled")
                assert.equal(s.value.outcome?.entry?.statusInfoOK, true, `SPLIT${i} has its own successful entry`);
        });
        const bad = settled[5];
        assert.equal(bad.status, "rejected");
        if (bad.status === "rejected") {
            assert.match(bad.reason.message, /SPLIT5/, "the error names the user");
            assert.match(bad.reason.message, /HTTP 400/);
            assert.match(bad.reason.message, /emailAddress/, "the error carries the tenant's reason");
        }

        const users = (await sim.users()).map((u) => u.loginId);
        for (let i = 0; i < 8; i++) assert.equal(users.includes(`SPLIT${i}`), i !== 5, `SPLIT${i} in the tenant`);
        // [0..7] refused -> [0..3] job; [4..7] refused -> [4,5] refused -> [4] job, [5] refused; [6,7] job.
        const stats = await sim.stats();
        assert.equal(stats.requests["POST /user"]["400"], 4, "four refused bodies: 8, 4, 2, then the bad record alone");
        assert.equal(stats.jobsRun, 3);
        assert.equal(runner.stats.splits, 3);
        assert.equal(stats.overlappingJobs, 0);
    });

    it("a single read stays a single GET /user/{loginId}", async () => {
        const { reader } = tenantFor(provider.settings());
        const user = await reader.read("COADMIN", Date.now() + 10_000);
        assert.equal(user?.loginId, "COADMIN");
        const stats = await sim.stats();
        assert.equal(count(stats, "GET /user/{loginId}"), 1);
        assert.equal(count(stats, "GET /user"), 0);
        assert.equal(stats.requestsTotal, 1);
    });

    it("many pending reads are answered by one GET /user, present and absent users alike", async () => {
        const { reader } = tenantFor(provider.settings());
        const logins = ["COADMIN", "DPATEL", "dpatel", ...Array.from({ length: 47 }, (_, i) => `NOBODY${i}`)];
        const users = await Promise.all(logins.map((l) => reader.read(l, Date.now() + 10_000)));
        assert.equal(users[0]?.loginId, "COADMIN");
        assert.equal(users[1]?.loginId, "DPATEL");
        assert.equal(users[2], undefined, "a login matches exactly: 'dpatel' is not 'DPATEL'");
        assert.ok(
            users.slice(3).every((u) => u === undefined),
            "unknown logins read as absent",
        );
        const stats = await sim.stats();
        assert.equal(count(stats, "GET /user"), 1);
        // The list holds only a case variant of 'dpatel': one single read settles whether the
        // tenant merges logins (it does not: 404).
        assert.equal(count(stats, "GET /user/{loginId}"), 1);
    });

    it("200 concurrent creates: at most 2 jobs (plus splits), <= 0.1 requests per user; 200 reads: <= 3 requests; no overlapping jobs", async () => {
        const n = 200;
        const created = await Promise.all(
            Array.from({ length: n }, async (_, i) => {
                const checked = await provider.check({}, inputs(i));
                assert.deepEqual(checked.failures ?? [], []);
                return provider.create(checked.inputs);
            }),
        );
        const afterCreate = await sim.stats();
        const { runner } = tenantFor(provider.settings());
        assert.equal(afterCreate.users, n + 2, "every user landed (plus the two seed users)");
        assert.ok(afterCreate.jobsRun <= 2 + runner.stats.splits, `jobs: ${afterCreate.jobsRun}`);
        assert.ok(afterCreate.largestJob >= n / 2, `largest job: ${afterCreate.largestJob}`);
        assert.ok(afterCreate.requestsTotal / n <= 0.1, `requests per user: ${afterCreate.requestsTotal / n}`);

        const read = await Promise.all(created.map((c) => provider.read(c.id, c.outs)));
        assert.ok(read.every((r, i) => r.id === created[i].id));
        const afterRead = await sim.stats();
        assert.ok(
            afterRead.requestsTotal - afterCreate.requestsTotal <= 3,
            `read requests: ${afterRead.requestsTotal - afterCreate.requestsTotal}`,
        );
        assert.equal(afterRead.overlappingJobs, 0);
    });

    /** Starts n check+create, one every `gapMs` (as the engine hands them over), and waits for all. */
    async function createSpaced(n: number, gapMs: number): Promise<void> {
        const pending: Promise<unknown>[] = [];
        for (let i = 0; i < n; i++) {
            pending.push(provider.check({}, inputs(i)).then((c: any) => provider.create(c.inputs)));
            await new Promise((r) => setTimeout(r, gapMs));
        }
        await Promise.all(pending);
    }

    it("creates handed over one by one a few ms apart (as the engine does) go in one job, not a first job of one", async () => {
        // The engine hands creates over as its workers free up, 4-6 ms apart (docs/performance.md).
        const n = 20;
        await createSpaced(n, 5);
        const stats = await sim.stats();
        assert.equal(stats.users, n + 2, "every user landed");
        assert.equal(stats.jobsRun, 1, `jobs: ${stats.jobsRun} (largest ${stats.largestJob})`);
        assert.equal(stats.largestJob, n);
    });

    it(`a steady stream is not gathered for ever: the first job starts within GATHER_MAX_MS (${GATHER_MAX_MS} ms)`, async () => {
        // One create every 10 ms for 1.6 s: never quiet for QUIET_MS, so only the gather's bound submits.
        const n = 160;
        const gapMs = 10;
        await createSpaced(n, gapMs);
        const stats = await sim.stats();
        assert.equal(stats.users, n + 2, "every user landed");
        assert.ok(stats.jobsRun >= 2, `jobs: ${stats.jobsRun}`);
        // At most what arrives within GATHER_MAX_MS, with 40 operations of slack for timer drift.
        assert.ok(stats.largestJob <= GATHER_MAX_MS / gapMs + 40, `largest job: ${stats.largestJob}`);
    });

    it("a job's requests (submit and every poll) share one kept-alive connection", async () => {
        // A pass-through proxy in front of the simulator counts the TCP connections the client opens.
        let connections = 0;
        const target = new URL(sim.url);
        const proxy = http.createServer((req, res) => {
            const upstream = http.request(
                { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
                (r) => {
                    res.writeHead(r.statusCode ?? 502, r.headers);
                    r.pipe(res);
                },
            );
            req.pipe(upstream);
        });
        proxy.on("connection", () => connections++);
        await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
        try {
            await sim.reset();
            const p = new UserProvider({
                baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
                ...ADMIN,
                timeoutSeconds: 30,
            });
            const { runner, client } = tenantFor(p.settings());
            const record = {
                loginId: "KEEPALIVE",
                firstName: "K",
                lastName: "A",
                emailAddress: "ka@example.com",
                organization: { name: "sfo" },
            };
            const settled = await runner.run({
                loginId: "KEEPALIVE",
                deadline: Date.now() + 30_000,
                prepare: () => ({ send: "add", record }),
            });
            assert.equal(settled.outcome?.entry?.statusInfoOK, true);
            assert.ok(client.stats.requests >= 3, `the read at submission, the submit and at least one poll: ${client.stats.requests}`);
            assert.equal(connections, 1, `${client.stats.requests} requests over ${connections} connection(s)`);
        } finally {
            proxy.closeAllConnections();
            await new Promise((resolve) => proxy.close(resolve));
        }
    });
});

describe("batching: pacing applies to engine steps only", function () {
    let sim: Sim;
    before(async () => {
        sim = await withSimulator({ jobMs: 600 });
    });
    after(async () => {
        await sim.stop();
    });

    /** A fresh simulator and tenant, and the tenant's job runner (3 users a job). */
    async function freshRunner(): Promise<Runner> {
        resetTenants();
        await sim.reset();
        const provider = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 30, maxUsersPerJob: 3 });
        return tenantFor(provider.settings()).runner;
    }

    /** Adds user `login` through `runner`, as an engine step (a User's) or not (a UserSet's). */
    function add(runner: Runner, login: string, engineStep: boolean) {
        const record = {
            loginId: login,
            firstName: "P",
            lastName: login,
            emailAddress: `${login.toLowerCase()}@example.com`,
            organization: { name: "sfo" },
        };
        return runner.run({ loginId: login, deadline: Date.now() + 30_000, engineStep, prepare: () => ({ send: "add", record }) });
    }

    /**
     * Runs `n` adds through one runner (maxUsersPerJob 3); returns the ms from the first to the last
     * result. `engineBusy`: the engine keeps checking resources (every 10 ms) meanwhile, as it does
     * while it checkpoints results and has more of the program's resources to hand over.
     */
    async function run(n: number, engineStep: boolean, engineBusy = false): Promise<number> {
        const runner = await freshRunner();
        const busy = engineBusy ? setInterval(() => runner.engineChecked(), 10) : undefined;
        const started = performance.now();
        try {
            await Promise.all(Array.from({ length: n }, (_, i) => add(runner, `PACE${i}`, engineStep)));
        } finally {
            clearInterval(busy);
        }
        return performance.now() - started;
    }

    it("a UserSet's operations (queued at once, not engine steps) go job after job without waiting for results to come back", async () => {
        // 4 operations, 3 a job: 2 jobs of 600 ms. Had they been engine steps of a busy engine,
        // the runner, having handed 3 results back, would wait up to half a job for the engine's
        // next operations before sending the fourth; a UserSet sends none until all are done.
        const set = await run(4, false, true);
        assert.equal((await sim.stats()).jobsRun, 2);
        const steps = await run(4, true, true);
        assert.equal((await sim.stats()).jobsRun, 2);
        assert.ok(set < 2 * 600 + 200, `${Math.round(set)} ms for 2 jobs of 600 ms`);
        assert.ok(steps > set + 150, `engine steps wait for more (${Math.round(steps)} ms against ${Math.round(set)} ms)`);
    });

    it(`engine steps go without waiting once the engine shows nothing more is coming (no check, arrival or result for ${QUIET_END_MS} ms)`, async () => {
        // The same 4 engine steps, but the engine has no resource left to check after the first
        // job: the fourth goes once it has been quiet, not after half a job (the last job of a run).
        const set = await run(4, false);
        const steps = await run(4, true);
        assert.equal((await sim.stats()).jobsRun, 2);
        assert.ok(steps < set + 150, `the last steps wait ${Math.round(steps - set)} ms (a busy engine: up to 300)`);
    });

    /**
     * The end of a program: 6 operations at once (3 a job, so the engine's most in flight is 6);
     * the engine checks resources every 40 ms meanwhile (its checkpoints), turns the first job's
     * first result round into a seventh operation and then has nothing more. Returns the ms from
     * the second job's results to the seventh's result: the third job's time, plus any wait before it.
     */
    async function lastJobAfter(engineStep: boolean): Promise<number> {
        const runner = await freshRunner();
        const op = (i: number) => add(runner, `LAST${i}`, engineStep);
        const checks = setInterval(() => runner.engineChecked(), 40);
        try {
            const first = Array.from({ length: 6 }, (_, i) => op(i));
            let seventh: Promise<unknown> | undefined;
            await first[0].then(() => {
                clearInterval(checks);
                seventh = op(6);
            });
            await first[3];
            const secondJobDone = performance.now();
            await Promise.all(first);
            await seventh;
            return performance.now() - secondJobDone;
        } finally {
            clearInterval(checks);
        }
    }

    it("the last engine steps, handed over while a job ran and followed by nothing, go the moment that job ends", async () => {
        const set = await lastJobAfter(false);
        const steps = await lastJobAfter(true);
        assert.equal((await sim.stats()).jobsRun, 3);
        // Had the runner counted the second job's results as the engine working, it would wait for
        // six typical gaps between checks (~190 ms here) before the third job.
        assert.ok(steps < set + 100, `the third job waited ${Math.round(steps - set)} ms more than a UserSet's`);
    });
});
