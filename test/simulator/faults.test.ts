import * as assert from "node:assert/strict";
import * as http from "node:http";
import { RunningSimulator } from "../../simulator";
import { API, client, json, pollJob, runJob, start, until, user } from "../support/http";

describe("simulator: fault injection", () => {
    let sim: RunningSimulator;
    before(async () => (sim = await start()));
    after(() => sim.stop());
    beforeEach(async () => {
        assert.equal((await client(sim).post("/__sim/reset")).status, 200);
    });

    const setFaults = async (f: object) => {
        const r = await client(sim, null).post("/__sim/faults", f);
        assert.equal(r.status, 200, r.data);
        return json(r);
    };
    const stats = async () => json(await client(sim, null).get("/__sim/stats"));

    it("error5xxRate=1: every /cloudapi request gets 500 JSON; /__sim is never faulted", async () => {
        await setFaults({ error5xxRate: 1 });
        const r = await client(sim).get(`${API}/user`);
        assert.equal(r.status, 500);
        assert.match(json(r).exception, /Internal Server Error/);
        assert.equal((await client(sim, null).get("/__sim/faults")).status, 200);
        assert.equal((await stats()).faultsInjected.error5xx, 1);
    });

    it("rate429=1 with retryAfterSeconds: 429 + Retry-After", async () => {
        await setFaults({ rate429: 1, retryAfterSeconds: 3 });
        const r = await client(sim).get(`${API}/roles`);
        assert.equal(r.status, 429);
        assert.equal(r.headers["retry-after"], "3");
        assert.equal((await stats()).faultsInjected.rate429, 1);
    });

    it("dropRate=1: the socket is destroyed without an answer", async () => {
        await setFaults({ dropRate: 1 });
        const err = await new Promise<Error>((resolve, reject) => {
            const req = http.get(`${sim.url}${API}/user`, { agent: false }, () => reject(new Error("got an answer")));
            req.on("error", resolve);
        });
        assert.match((err as NodeJS.ErrnoException).code ?? err.message, /ECONNRESET|socket hang up/);
        const s = await stats();
        assert.equal(s.faultsInjected.dropped, 1);
        assert.equal(s.requests["GET /user"].dropped, 1);
    });

    it("routes limits random faults to those route keys (with or without version prefix)", async () => {
        await setFaults({ error5xxRate: 1, routes: ["GET /roles", "GET /v3/user"] });
        assert.equal((await client(sim).get(`${API}/roles`)).status, 500);
        assert.equal((await client(sim).get(`${API}/v2/roles`)).status, 500);
        assert.equal((await client(sim).get(`${API}/user`)).status, 200);
    });

    it("the PRNG is seeded: the same seed gives the same fault sequence", async () => {
        const sequence = async () => {
            await setFaults({ seed: 42, error5xxRate: 0.5 });
            const out: number[] = [];
            for (let i = 0; i < 20; i++) out.push((await client(sim).get(`${API}/roles`)).status);
            return out;
        };
        const a = await sequence();
        const b = await sequence();
        assert.deepEqual(a, b);
        assert.ok(a.includes(500) && a.includes(200), a.join(","));
    });

    it("latencyMs delays every request", async () => {
        await setFaults({ latencyMs: 120 });
        const t0 = Date.now();
        assert.equal((await client(sim).get(`${API}/roles`)).status, 200);
        assert.ok(Date.now() - t0 >= 110, `took ${Date.now() - t0} ms`);
        assert.equal((await stats()).faultsInjected.delayed, 1);
    });

    it("stuckJobs: the next job stays 202 and holds the tenant until faults are cleared", async () => {
        await setFaults({ stuckJobs: 1 });
        const api = client(sim);
        const post = await api.post(`${API}/user`, { added: [user("STUCK1")] });
        assert.equal(post.status, 202);
        // Bounded: well past the 20 ms job time, it is still running.
        for (let i = 0; i < 10; i++) {
            assert.equal((await api.get(post.headers.location)).status, 202);
            await new Promise((r) => setTimeout(r, 10));
        }
        assert.equal((await api.post(`${API}/user`, { added: [user("STUCK2")] })).status, 409);
        assert.equal(json(await client(sim, null).get("/__sim/faults")).stuckJobsLeft, 0);
        assert.equal((await client(sim, null).delete("/__sim/faults")).status, 200);
        const done = await pollJob(api, post.headers.location);
        assert.equal(done.status, 200);
        assert.equal(json(done).added[0].loginId, "STUCK1");
        assert.equal((await stats()).faultsInjected.stuckJobs, 1);
    });

    it("stuck jobs are dropped by reset", async () => {
        await setFaults({ stuckJobs: 1 });
        const api = client(sim);
        const post = await api.post(`${API}/user`, { added: [user("STUCK3")] });
        await client(sim, null).post("/__sim/reset");
        assert.equal((await api.get(post.headers.location)).status, 404);
        assert.equal((await runJob(api, { added: [user("AFTER")] })).added[0].statusInfoOK, true);
    });

    it("failUsers: those users fail inside the job, the others succeed", async () => {
        await setFaults({ failUsers: ["FAIL1", "FAIL3"] });
        const api = client(sim);
        await client(sim, null).put("/__sim/users/FAIL3", {
            firstName: "F",
            lastName: "3",
            emailAddress: "f3@example.com",
            organization: "sfo",
        });
        const r = await runJob(api, {
            added: [user("FAIL1"), user("OK1")],
            modified: [user("FAIL3", { firstName: "X" })],
            deleted: ["FAIL3"],
        });
        const f1 = r.added.find((e: any) => e.loginId === "FAIL1");
        assert.equal(f1.statusInfoOK, false);
        assert.match(f1.statusInfo, /error/);
        assert.equal(r.added.find((e: any) => e.loginId === "OK1").statusInfoOK, true);
        assert.equal(r.modified[0].statusInfoOK, false);
        assert.equal(r.deleteFailed[0].loginId, "FAIL3");
        assert.equal((await api.get(`${API}/user/FAIL1`)).status, 404);
        assert.equal(json(await api.get(`${API}/user/FAIL3`)).firstName, "F");
        assert.equal((await stats()).faultsInjected.failedUsers, 3);
    });

    it("failRoles: the user is created without that role and its entry says Application Access failed", async () => {
        await setFaults({ failRoles: ["PrimaveraCloudAdmin"] });
        const api = client(sim);
        const r = await runJob(api, {
            added: [user("ROLEFAIL", { roles: [{ name: "PrimaveraCloudAdmin" }, { name: "PrimaveraP6Test" }] })],
        });
        assert.equal(r.added[0].statusInfoOK, false);
        assert.equal(r.added[0].statusInfo, "User created, but Application Access failed");
        const live = json(await api.get(`${API}/user/ROLEFAIL`));
        assert.deepEqual(
            live.roles.map((x: any) => x.name),
            ["PrimaveraP6Test"],
        );
    });

    it("foreignJobMs: someone else's job holds the tenant busy for that long", async () => {
        const f = await setFaults({ foreignJobMs: 150 });
        assert.match(f.foreignJobId, /^\d+$/);
        const api = client(sim);
        const refused = await api.post(`${API}/user`, { added: [user("MINE")] });
        assert.equal(refused.status, 409);
        assert.match(json(refused).exception, new RegExp(`Job ${f.foreignJobId} is in progress`));
        let accepted: any;
        await until(async () => {
            accepted = await api.post(`${API}/user`, { added: [user("MINE")] });
            return accepted.status === 202;
        }, "the foreign job to finish");
        await pollJob(api, accepted.headers.location);
        const s = await stats();
        assert.equal(s.faultsInjected.foreignJobs, 1);
        assert.ok(s.busyRefusals >= 1);
        assert.equal(s.overlappingJobs, 0);
    });

    const drift = (loginId: string, extra: object = {}) =>
        client(sim, null).put(`/__sim/users/${loginId}`, {
            firstName: "Drift",
            lastName: loginId,
            emailAddress: `${loginId.toLowerCase()}@example.com`,
            organization: "sfo",
            ...extra,
        });

    it("dropFromResult: those entries are left out of the result (and updatedIdMap) although their changes are applied", async () => {
        await setFaults({ dropFromResult: ["DROP1", "DROP2", "DROP3", "GHOST"] });
        const api = client(sim);
        assert.equal((await drift("DROP2")).status, 201);
        assert.equal((await drift("DROP3")).status, 201);
        const r = await runJob(api, {
            added: [user("DROP1", { id: "client-d1" }), user("KEEP1", { id: "client-k1" })],
            modified: [user("DROP2", { firstName: "Changed" })],
            deleted: ["DROP3", "GHOST"],
        });
        assert.deepEqual(
            r.added.map((e: any) => e.loginId),
            ["KEEP1"],
        );
        assert.deepEqual([r.modified, r.deleted, r.deleteFailed], [[], [], []]);
        assert.deepEqual(r.updatedIdMap, { "client-k1": r.added[0].id });
        assert.equal(r.exception, "");
        assert.equal((await api.get(`${API}/user/DROP1`)).status, 200, "created");
        assert.equal(json(await api.get(`${API}/user/DROP2`)).firstName, "Changed", "modified");
        assert.equal((await api.get(`${API}/user/DROP3`)).status, 404, "deleted");
        assert.equal((await stats()).faultsInjected.droppedFromResult, 4);
    });

    it("dropFromResult with failUsers: the user fails (unchanged) and its failed entry is dropped too", async () => {
        await setFaults({ dropFromResult: ["BOTH1"], failUsers: ["BOTH1"] });
        const api = client(sim);
        const r = await runJob(api, { added: [user("BOTH1")], deleted: ["BOTH1"] });
        assert.deepEqual([r.added, r.deleted, r.deleteFailed], [[], [], []]);
        assert.equal((await api.get(`${API}/user/BOTH1`)).status, 404);
        const f = (await stats()).faultsInjected;
        assert.equal(f.failedUsers, 2);
        assert.equal(f.droppedFromResult, 2);
    });

    it("skipUsers: not processed at all (not applied, not in the result); wins over failUsers", async () => {
        await setFaults({ skipUsers: ["SKIP1", "SKIP2"], failUsers: ["SKIP1"] });
        const api = client(sim);
        assert.equal((await drift("SKIP2")).status, 201);
        const r = await runJob(api, {
            added: [user("SKIP1"), user("DONE1")],
            modified: [user("SKIP2", { firstName: "Changed" })],
            deleted: ["SKIP2"],
        });
        assert.deepEqual(
            r.added.map((e: any) => e.loginId),
            ["DONE1"],
        );
        assert.deepEqual([r.modified, r.deleted, r.deleteFailed, r.updatedIdMap], [[], [], [], {}]);
        assert.equal((await api.get(`${API}/user/SKIP1`)).status, 404);
        assert.equal(json(await api.get(`${API}/user/SKIP2`)).firstName, "Drift", "neither modified nor deleted");
        const f = (await stats()).faultsInjected;
        assert.equal(f.skippedUsers, 3);
        assert.equal(f.failedUsers, 0);
    });

    it("job fault switches are taken when the job is submitted (a stuck job released by DELETE still skips)", async () => {
        await setFaults({ stuckJobs: 1, skipUsers: ["LATE1"] });
        const api = client(sim);
        const post = await api.post(`${API}/user`, { added: [user("LATE1"), user("LATE2")] });
        assert.equal(post.status, 202);
        assert.equal((await client(sim, null).delete("/__sim/faults")).status, 200);
        const r = json(await pollJob(api, post.headers.location));
        assert.deepEqual(
            r.added.map((e: any) => e.loginId),
            ["LATE2"],
        );
        assert.equal((await api.get(`${API}/user/LATE1`)).status, 404);
    });

    it("jobException: every job processes nothing and completes 200 with empty lists and that exception", async () => {
        const text = "Underlying Identity Management System is unavailable.";
        await setFaults({ jobException: text, failUsers: ["EXC1"], renameIds: true });
        const api = client(sim);
        for (const body of [{ added: [user("EXC1"), user("EXC2")], deleted: ["DPATEL"] }, { modified: [user("COADMIN")] }]) {
            const r = await runJob(api, body);
            assert.deepEqual(r, {
                added: [],
                modified: [],
                deleted: [],
                deleteFailed: [],
                exception: text,
                localizedException: false,
                message: "",
                updatedIdMap: {},
            });
        }
        assert.equal((await api.get(`${API}/user/EXC2`)).status, 404);
        assert.equal((await api.get(`${API}/user/DPATEL`)).status, 200);
        const f = (await stats()).faultsInjected;
        assert.deepEqual([f.jobExceptions, f.failedUsers, f.renamedIds], [2, 0, 0]);
        await client(sim, null).delete("/__sim/faults");
        assert.equal((await runJob(api, { added: [user("EXC2")] })).added[0].statusInfoOK, true);
    });

    it("renameIds: each updated user gets a fresh id; updatedIdMap maps the sent (or old) id to it", async () => {
        const api = client(sim);
        const before = await runJob(api, { added: [user("REN1"), user("REN2"), user("REN3")] });
        const [id1, id2, id3] = before.added.map((e: any) => e.id as string);
        await setFaults({ renameIds: true, failUsers: ["REN3"], failRoles: ["PrimaveraCloudAdmin"] });
        const r = await runJob(api, {
            added: [user("REN2", { roles: [{ name: "PrimaveraCloudAdmin" }] }), user("NEW1"), user("NEW2", { id: "client-n2" })],
            modified: [user("REN1", { id: id1 }), user("REN3", { id: id3 })],
        });
        const byLogin = Object.fromEntries([...r.added, ...r.modified].map((e: any) => [e.loginId, e]));
        const new1 = byLogin.REN1.id;
        const new2 = byLogin.REN2.id;
        assert.ok(new1 !== id1 && new2 !== id2 && new1 !== new2, `${id1}->${new1}, ${id2}->${new2}`);
        assert.equal(byLogin.REN2.statusInfo, "User updated, but Application Access failed", "failRoles: still renamed");
        assert.equal(byLogin.REN3.statusInfoOK, false, "failUsers: not changed, not renamed");
        assert.deepEqual(r.updatedIdMap, { [id1]: new1, [id2]: new2, "client-n2": byLogin.NEW2.id });
        assert.equal(json(await api.get(`${API}/user/REN1`)).id, new1);
        assert.equal(json(await api.get(`${API}/user/REN2`)).id, new2);
        assert.equal(json(await api.get(`${API}/user/REN3`)).id, id3);
        assert.equal((await stats()).faultsInjected.renamedIds, 2);
    });

    it("renameIds with dropFromResult: the user is renamed but neither its entry nor its id pair is reported", async () => {
        const api = client(sim);
        const id = (await runJob(api, { added: [user("QUIET1")] })).added[0].id;
        await setFaults({ renameIds: true, dropFromResult: ["QUIET1"] });
        const r = await runJob(api, { modified: [user("QUIET1")] });
        assert.deepEqual([r.modified, r.updatedIdMap], [[], {}]);
        assert.notEqual(json(await api.get(`${API}/user/QUIET1`)).id, id);
    });

    it("GET shows the config, DELETE clears it, bad config is a 400", async () => {
        await setFaults({ error5xxRate: 0.25, failUsers: ["A"] });
        const g = json(await client(sim, null).get("/__sim/faults"));
        assert.equal(g.error5xxRate, 0.25);
        assert.deepEqual(g.failUsers, ["A"]);
        await client(sim, null).delete("/__sim/faults");
        assert.equal(json(await client(sim, null).get("/__sim/faults")).error5xxRate, undefined);
        const bad = await client(sim, null).post("/__sim/faults", { dropRate: 2 });
        assert.equal(bad.status, 400);
        assert.match(json(bad).message, /dropRate/);
        for (const [cfg, field] of [
            [{ jobException: "" }, /jobException/],
            [{ renameIds: "yes" }, /renameIds/],
            [{ skipUsers: "A" }, /skipUsers/],
            [{ dropFromResult: [1] }, /dropFromResult\[0\]/],
        ] as const) {
            const r = await client(sim, null).post("/__sim/faults", cfg);
            assert.equal(r.status, 400, JSON.stringify(cfg));
            assert.match(json(r).message, field);
        }
        const all = { dropFromResult: ["D"], skipUsers: ["S"], jobException: "boom", renameIds: true };
        await setFaults(all);
        assert.deepEqual(json(await client(sim, null).get("/__sim/faults")), { ...all, stuckJobsLeft: 0 });
    });
});
