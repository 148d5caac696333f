import * as assert from "node:assert/strict";
import { RunningSimulator } from "../../simulator";
import { API, client, json, runJob, start, user } from "../support/http";

describe("simulator: read routes, status/lock, verbs", () => {
    let sim: RunningSimulator;
    before(async () => (sim = await start()));
    after(() => sim.stop());

    it("GET /user lists every user with vendor-shaped records", async () => {
        const r = await client(sim).get(`${API}/user`);
        assert.equal(r.status, 200);
        assert.match(String(r.headers["content-type"]), /^application\/json/);
        const users = json<any[]>(r);
        assert.deepEqual(users.map((u) => u.loginId).sort(), ["COADMIN", "DPATEL"]);
        const d = users.find((u) => u.loginId === "DPATEL");
        for (const k of [
            "id",
            "firstName",
            "lastName",
            "emailAddress",
            "userType",
            "organization",
            "roles",
            "disabled",
            "locked",
            "status",
            "createdBy",
            "createdDate",
            "updatedDate",
            "provisionedDate",
            "pwdExpired",
            "pwdCantChange",
            "pwdWarned",
            "loginAttemptsCtr",
            "changePwdAtNextLogin",
            "lastAction",
            "statusInfo",
        ]) {
            assert.ok(k in d, k);
        }
        assert.deepEqual(Object.keys(d.organization).sort(), [
            "associations",
            "bidderCompany",
            "displayName",
            "id",
            "inheritedPolicy",
            "isDeletable",
            "name",
        ]);
        assert.equal(d.loginAttemptsCtr, "0");
    });

    it("GET /user/{loginId}: the record, or 404 JSON", async () => {
        const ok = await client(sim).get(`${API}/user/DPATEL`);
        assert.equal(ok.status, 200);
        assert.equal(json(ok).organization.name, "nyc");
        const missing = await client(sim).get(`${API}/user/NOBODY`);
        assert.equal(missing.status, 404);
        assert.match(json(missing).exception, /NOBODY/);
        assert.equal(json(missing).localizedException, false);
    });

    it("GET /roles: the catalog", async () => {
        const r = json<any[]>(await client(sim).get(`${API}/roles`));
        const names = r.map((x) => x.name);
        for (const n of [
            "PrimaveraUnifierProduction",
            "PrimaveraUnifierTest",
            "PrimaveraP6Production",
            "PrimaveraP6Test",
            "PrimaveraCloudAdmin",
            "PrimaveraGatewayDevAdmin",
            "BIProductionAuthors",
        ]) {
            assert.ok(names.includes(n), n);
        }
        for (const x of r) assert.deepEqual(Object.keys(x).sort(), ["companyAccessType", "displayName", "id", "name", "userAccessType"]);
    });

    it("PUT /user/change-status: map loginId -> '' or the reason; disabled => status Disabled", async () => {
        const http = client(sim);
        await runJob(http, { added: [user("STAT1")] });
        const r = await http.put(`${API}/user/change-status`, [
            { loginId: "STAT1", disabled: true },
            { loginId: "GHOST", disabled: true },
        ]);
        assert.equal(r.status, 200);
        const m = json(r);
        assert.equal(m.STAT1, "");
        assert.match(m.GHOST, /GHOST/);
        let rec = json(await http.get(`${API}/user/STAT1`));
        assert.equal(rec.disabled, true);
        assert.equal(rec.status, "Disabled");
        await http.put(`${API}/user/change-status`, [{ loginId: "STAT1", disabled: false }]);
        rec = json(await http.get(`${API}/user/STAT1`));
        assert.equal(rec.status, "Active");
        const bad = await http.put(`${API}/user/change-status`, [{ loginId: "STAT1" }]);
        assert.equal(bad.status, 400);
        assert.match(json(bad).message, /\[0\]\.disabled: required/);
    });

    it("PUT /user/change-lock unlocks (lock made behind our back)", async () => {
        const http = client(sim);
        assert.equal((await http.put("/__sim/users/DPATEL", { locked: true, loginAttemptsCtr: "5" })).status, 200);
        assert.equal(json(await http.get(`${API}/user/DPATEL`)).locked, true);
        const r = await http.put(`${API}/user/change-lock`, [{ loginId: "DPATEL" }, { loginId: "GHOST" }]);
        assert.equal(r.status, 200);
        assert.equal(json(r).DPATEL, "");
        assert.match(json(r).GHOST, /does not exist/);
        const rec = json(await http.get(`${API}/user/DPATEL`));
        assert.equal(rec.locked, false);
        assert.equal(rec.loginAttemptsCtr, "0");
    });

    it("DELETE on /user/... answers 405; unknown routes 404 JSON", async () => {
        const http = client(sim);
        for (const p of ["/user", "/user/DPATEL", "/v3/user/DPATEL", "/user/status/1"]) {
            const r = await http.delete(`${API}${p}`);
            assert.equal(r.status, 405, p);
            assert.ok(json(r).exception);
        }
        for (const p of [`${API}/nothing`, "/elsewhere", `${API}/v9/user`]) {
            const r = await http.get(p);
            assert.equal(r.status, 404, p);
            assert.ok(json(r).exception);
        }
    });
});

describe("simulator: drift and control routes", () => {
    let sim: RunningSimulator;
    before(async () => (sim = await start()));
    after(() => sim.stop());

    it("PUT /__sim/users merges fields (roles as names or objects), creates when absent, no auth needed", async () => {
        const noAuth = client(sim, null);
        let r = await noAuth.put("/__sim/users/DPATEL", {
            firstName: "Changed",
            roles: ["PrimaveraCloudAdmin", { name: "BIProductionAuthors" }],
        });
        assert.equal(r.status, 200);
        const rec = json(await client(sim).get(`${API}/user/DPATEL`));
        assert.equal(rec.firstName, "Changed");
        assert.equal(rec.lastName, "Patel");
        assert.deepEqual(
            rec.roles.map((x: any) => x.name),
            ["PrimaveraCloudAdmin", "BIProductionAuthors"],
        );
        r = await noAuth.put("/__sim/users/NEWBIE", { firstName: "New" });
        assert.equal(r.status, 400);
        assert.match(json(r).message, /lastName/);
        r = await noAuth.put("/__sim/users/NEWBIE", {
            firstName: "New",
            lastName: "Bie",
            emailAddress: "n@example.com",
            organization: "lon",
        });
        assert.equal(r.status, 201);
        assert.match(json(r).id, /^\d+$/);
        assert.equal(json(await client(sim).get(`${API}/user/NEWBIE`)).organization.displayName, "London");
        assert.equal((await noAuth.put("/__sim/users/NEWBIE", { roles: ["Nope"] })).status, 400);
    });

    it("DELETE /__sim/users removes a user behind our back", async () => {
        const noAuth = client(sim, null);
        assert.equal((await noAuth.delete("/__sim/users/COADMIN")).status, 204);
        assert.equal((await client(sim).get(`${API}/user/COADMIN`)).status, 404);
        assert.equal((await noAuth.delete("/__sim/users/COADMIN")).status, 404);
    });

    it("POST /__sim/reset: users back to the seed, stats cleared", async () => {
        const http = client(sim);
        await runJob(http, { added: [user("RESET1")] });
        const r = await http.post("/__sim/reset");
        assert.equal(r.status, 200);
        const users = json<any[]>(await http.get(`${API}/user`))
            .map((u) => u.loginId)
            .sort();
        assert.deepEqual(users, ["COADMIN", "DPATEL"]);
        assert.equal(json(await http.get(`${API}/user/DPATEL`)).firstName, "Divya");
        const stats = json(await http.get("/__sim/stats"));
        assert.equal(stats.jobsRun, 0);
        assert.equal(stats.requestsTotal, 2);
    });

    it("GET /__sim/stats counts requests per route template and status, and jobs", async () => {
        const http = client(sim);
        await http.post("/__sim/reset");
        await runJob(http, { added: [user("S1"), user("S2"), user("S3")] });
        await runJob(http, { added: [user("S4")] }, "/v2");
        await http.get(`${API}/user/NOBODY`);
        const s = json(await http.get("/__sim/stats"));
        assert.equal(s.requests["POST /user"]["202"], 1);
        assert.equal(s.requests["POST /v2/user"]["202"], 1);
        assert.ok(s.requests["GET /user/status/{jobId}"]["200"] >= 1);
        assert.equal(s.requests["GET /user/{loginId}"]["404"], 1);
        assert.equal(s.jobsSubmitted, 2);
        assert.equal(s.jobsRun, 2);
        assert.equal(s.largestJob, 3);
        assert.equal(s.overlappingJobs, 0);
        assert.equal(s.busyRefusals, 0);
        const total = Object.values(s.requests as Record<string, Record<string, number>>)
            .flatMap((m) => Object.values(m))
            .reduce((a, b) => a + b, 0);
        assert.equal(s.requestsTotal, total);
        assert.equal((await http.get("/__sim/nothing")).status, 404);
    });
});
