// The provider under faults, driven directly (as the Pulumi host would) against the simulator on
// 127.0.0.1: lost answers of accepted jobs, 429 with Retry-After, a tenant busy with someone
// else's job, a stuck job, an OAuth token that expires mid-run. Seeded faults, bounded loops.
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { resetTenants } from "pulumi-primavera-admin/provider/testing";
import { UserProvider } from "../support/untyped";
import { ADMIN, Sim, withSimulator } from "../support/sim";

const base = (loginId: string, extra: Record<string, unknown> = {}) => ({
    loginId,
    firstName: "Fay",
    lastName: "Ult",
    emailAddress: `${loginId.toLowerCase()}@example.com`,
    userType: "EMP",
    organization: { name: "sfo", type: "Company" },
    roles: ["PrimaveraCloudAdmin"],
    ...extra,
});

async function create(p: UserProvider, inputs: Record<string, unknown>) {
    const checked = await p.check({}, inputs);
    assert.deepEqual(checked.failures, []);
    return p.create(checked.inputs);
}

/**
 * A proxy in front of the simulator that lets the simulator handle a request and then loses the
 * answer (closes the client's connection): the one case a retry must survive that the
 * simulator's dropRate (which drops before handling) cannot produce.
 */
async function answerLosingProxy(target: string, lose: (method: string, path: string) => boolean) {
    const upstream = new URL(target);
    let lost = 0;
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => {
            const fwd = http.request(
                {
                    host: upstream.hostname,
                    port: upstream.port,
                    method: req.method,
                    path: req.url,
                    headers: { ...req.headers, host: upstream.host },
                },
                (up) => {
                    const body: Buffer[] = [];
                    up.on("data", (c) => body.push(c));
                    up.on("end", () => {
                        if (lose(req.method ?? "", req.url ?? "")) {
                            lost++;
                            req.socket.destroy();
                            return;
                        }
                        const headers = { ...up.headers };
                        if (typeof headers.location === "string")
                            headers.location = headers.location.replace(upstream.host, `127.0.0.1:${port}`);
                        res.writeHead(up.statusCode ?? 502, headers);
                        res.end(Buffer.concat(body));
                    });
                },
            );
            fwd.on("error", () => req.socket.destroy());
            fwd.end(Buffer.concat(chunks));
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as net.AddressInfo).port;
    return {
        url: `http://127.0.0.1:${port}`,
        lost: () => lost,
        stop: () =>
            new Promise<void>((r) => {
                server.closeAllConnections();
                server.close(() => r());
            }),
    };
}

describe("the provider under faults (simulator)", function () {
    let sim: Sim;

    before(async () => {
        sim = await withSimulator({ jobMs: 50, jobMsPerUser: 0 });
    });
    after(async () => {
        await sim.stop();
    });
    beforeEach(async () => {
        resetTenants();
        await sim.reset();
    });

    it("a job the tenant accepted but whose answer was lost is never re-sent blindly: its users are recognised as ours, each once, right ids", async () => {
        // Jobs of 1 s, so the re-sent POST arrives while the first job still runs.
        const slow = await withSimulator({ jobMs: 1000, jobMsPerUser: 0 });
        let posts = 0;
        const proxy = await answerLosingProxy(slow.url, (m, path) => m === "POST" && path.endsWith("/user") && ++posts === 1);
        const sim = slow;
        try {
            const p = new UserProvider({ baseUrl: proxy.url, ...ADMIN, timeoutSeconds: 20 });
            const made = await Promise.all(["LOST1", "LOST2", "LOST3"].map((l) => create(p, base(l))));
            assert.equal(proxy.lost(), 1, "the first job's answer was lost");
            const stats = await sim.stats();
            // Before re-sending, the runner reads the users again: once the lost job has run they
            // exist, exactly as declared, and this process sent them: nothing is sent twice. (It used
            // to re-send the POST blindly, and the count of jobs then depended on timing.)
            assert.equal(stats.jobsSubmitted, 1, "one job: the lost one, recognised, not re-sent");
            assert.equal(stats.overlappingJobs, 0);
            const users = (await sim.users()).filter((u) => u.loginId.startsWith("LOST"));
            assert.equal(users.length, 3, "each user exactly once");
            for (const m of made) {
                const live = users.find((u) => u.id === m.id);
                assert.ok(live, `id ${m.id} is the server's id`);
                assert.equal(m.outs.loginId, live.loginId);
            }

            // A delete whose answer is lost: the second job reports the login in deleteFailed, and
            // delete() reads the user to find it gone: done, not an error.
            posts = 0;
            resetTenants(); // a later run (pulumi destroy): a new provider process
            const p2 = new UserProvider({ baseUrl: proxy.url, ...ADMIN, timeoutSeconds: 20 });
            await p2.delete(made[0].id, made[0].outs);
            assert.equal(proxy.lost(), 2);
            assert.equal(await sim.user(made[0].outs.loginId), undefined);
        } finally {
            await proxy.stop();
            await slow.stop();
        }
    });

    it("429 waits at least Retry-After, and every retry stays under the deadline", async () => {
        await sim.faults({ seed: 7, rate429: 1, retryAfterSeconds: 1, routes: ["GET /user/{loginId}"] });
        const p = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 3.5 });
        const t0 = Date.now();
        await assert.rejects(p.read("x", { loginId: "NOBODY" }), (e: Error) => {
            assert.equal(e.name, "DeadlineError");
            assert.match(e.message, /reading user 'NOBODY'/);
            assert.match(e.message, /HTTP 429/);
            assert.match(e.message, /primavera:timeoutSeconds=3\.5/);
            return true;
        });
        const took = Date.now() - t0;
        assert.ok(took >= 3000 && took < 5000, `gave up at the deadline (${took} ms)`);
        const asked = (await sim.stats()).requests["GET /user/{loginId}"]["429"];
        assert.ok(asked >= 3 && asked <= 4, `one attempt per Retry-After second, not per backoff step (${asked})`);
    });

    it("5xx and dropped connections are retried with backoff, then a read still succeeds", async () => {
        await sim.faults({
            seed: 3,
            error5xxRate: 0.3,
            dropRate: 0.3,
            routes: ["GET /user/{loginId}", "POST /user", "GET /user/status/{jobId}"],
        });
        const p = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 30 });
        for (const l of ["RETRY1", "RETRY2", "RETRY3"]) await create(p, base(l));
        const s = await sim.stats();
        assert.ok(s.faultsInjected.error5xx + s.faultsInjected.dropped > 0, "faults were injected");
        assert.equal((await sim.users()).filter((u) => u.loginId.startsWith("RETRY")).length, 3);
        assert.equal(s.overlappingJobs, 0);
    });

    it("a tenant busy with someone else's job past the deadline: the error says busy, how long, and the answer", async () => {
        await sim.faults({ foreignJobMs: 6000 });
        const p = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 2 });
        const t0 = Date.now();
        await assert.rejects(create(p, base("BUSY1")), (e: Error) => {
            assert.equal(e.name, "DeadlineError");
            assert.match(e.message, /tenant stayed busy with another job for \d+\.\ds/);
            assert.match(e.message, /HTTP 409/);
            assert.match(e.message, /Job \d+ is in progress/);
            assert.match(e.message, /primavera:timeoutSeconds/);
            return true;
        });
        assert.ok(Date.now() - t0 < 4000, "gave up at the deadline");
        assert.ok((await sim.stats()).busyRefusals >= 2, "it waited and retried, not gave up on the first refusal");
        assert.equal(await sim.user("BUSY1"), undefined);
    });

    it("busy answered as 429 (busy-status 429): waits until the tenant is free, and at the deadline says busy", async () => {
        const sim429 = await withSimulator({ jobMs: 50, jobMsPerUser: 0, busyStatus: 429 });
        try {
            await sim429.faults({ foreignJobMs: 2500 });
            const p = new UserProvider({ baseUrl: sim429.url, ...ADMIN, timeoutSeconds: 15 });
            const made = await create(p, base("BUSY429"));
            assert.ok(made.id);
            resetTenants();
            await sim429.faults({ foreignJobMs: 8000 });
            const short = new UserProvider({ baseUrl: sim429.url, ...ADMIN, timeoutSeconds: 3 });
            await assert.rejects(create(short, base("BUSY430")), (e: Error) => {
                assert.match(e.message, /tenant stayed busy with another job/);
                assert.match(e.message, /HTTP 429/);
                return true;
            });
        } finally {
            await sim429.stop();
        }
    });

    it("a stuck job: the deadline error names the job, the wait and the last answer; the next run says how to adopt, then converges with no duplicate", async () => {
        await sim.faults({ stuckJobs: 1 });
        const p = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 2 });
        await assert.rejects(Promise.all(["STUCK1", "STUCK2"].map((l) => create(p, base(l)))), (e: Error) => {
            assert.equal(e.name, "DeadlineError");
            assert.match(e.message, /job \d+ \(2 users\) did not finish: waited \d+\.\ds/);
            assert.match(e.message, /last answer: HTTP 202/);
            return true;
        });
        // The job finishes later on the tenant. The next run (another process) cannot tell that
        // user from one another stack made with the same declaration: it takes it over only with
        // adopt: true, and says so.
        await sim.clearFaults();
        resetTenants();
        const again = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 10 });
        await assert.rejects(create(again, base("STUCK1")), /if an interrupted `pulumi up` of this stack created it.*adopt: true/s);
        const made = await Promise.all(["STUCK1", "STUCK2"].map((l) => create(again, base(l, { adopt: true }))));
        const users = (await sim.users()).filter((u) => u.loginId.startsWith("STUCK"));
        assert.equal(users.length, 2);
        for (const m of made) assert.ok(users.some((u) => u.id === m.id && u.loginId === m.outs.loginId));
        assert.equal((await sim.stats()).overlappingJobs, 0);
    });

    it("a user that differs from the declaration needs adopt: true, with the general advice", async () => {
        const p = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 10 });
        await create(p, base("LEFT1"));
        await sim.drift("LEFT1", { firstName: "Someone" });
        resetTenants();
        await assert.rejects(create(new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 10 }), base("LEFT1")), /adopt: true/);
    });

    it("an OAuth token that truly expires mid-run is renewed and the run goes on", async () => {
        await sim.faults({ latencyMs: 150 });
        const p = new UserProvider({ baseUrl: sim.url, ...ADMIN, authMode: "oauth", tokenExpirySeconds: 1, timeoutSeconds: 30 });
        const t0 = Date.now();
        for (let i = 0; Date.now() - t0 < 4000 && i < 40; i++) await create(p, base(`TOK${i}`));
        const s = await sim.stats();
        const tokens = s.requests["GET /oauth2/token"]?.["200"] ?? 0;
        assert.ok(tokens >= 3, `tokens were renewed as they expired (${tokens} fetched)`);
        const issued = (await axiosGet(`${sim.url}/__sim/tokens`)).tokens as string[];
        assert.equal(issued.length, tokens);
        const made = (await sim.users()).filter((u) => u.loginId.startsWith("TOK"));
        assert.ok(made.length >= 3);
    });
});

async function axiosGet(url: string): Promise<any> {
    const { default: axios } = await import("axios");
    return (await axios.get(url)).data;
}
