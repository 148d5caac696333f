import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RunningSimulator } from "../../simulator";
import { API, client, json, runJob, start, user } from "../support/http";

describe("simulator: login case (default: case-sensitive)", () => {
    let sim: RunningSimulator;
    before(async () => (sim = await start()));
    after(() => sim.stop());

    it("JDOE and jdoe are two users; an added record for an existing login upserts it (lastAction Updated, id kept)", async () => {
        const http = client(sim);
        const first = await runJob(http, { added: [user("jdoe")] });
        assert.equal(first.added[0].lastAction, "Created");
        const id = first.added[0].id;
        const upper = await runJob(http, { added: [user("JDOE")] });
        assert.equal(upper.added[0].lastAction, "Created", "another case is another user");
        assert.notEqual(upper.added[0].id, id);
        const again = await runJob(http, { added: [user("jdoe", { firstName: "Again" })] });
        assert.equal(again.added.length, 1);
        assert.equal(again.modified.length, 0, "the entry stays in the list it came in");
        assert.equal(again.added[0].loginId, "jdoe");
        assert.equal(again.added[0].lastAction, "Updated");
        assert.equal(again.added[0].id, id);
        assert.equal(again.added[0].statusInfoOK, true);
        assert.equal(json(await http.get(`${API}/user/jdoe`)).firstName, "Again");
        assert.equal(json(await http.get(`${API}/user/JDOE`)).firstName, "Test");
        assert.equal((await http.get(`${API}/user/Jdoe`)).status, 404);
        const r = await runJob(http, { deleted: ["Jdoe"] });
        assert.deepEqual(r.deleted, []);
        assert.equal(r.deleteFailed[0].loginId, "Jdoe");
    });
});

describe("simulator: caseInsensitiveLogins", () => {
    let sim: RunningSimulator;
    before(async () => (sim = await start({ caseInsensitiveLogins: true })));
    after(() => sim.stop());
    beforeEach(async () => {
        assert.equal((await client(sim, null).post("/__sim/reset")).status, 200);
    });

    it("GET /user/{loginId} in any case answers the stored record with its original loginId", async () => {
        const http = client(sim);
        const id = (await runJob(http, { added: [user("jdoe")] })).added[0].id;
        for (const login of ["JDOE", "jdoe", "JDoe"]) {
            const r = await http.get(`${API}/user/${login}`);
            assert.equal(r.status, 200, login);
            assert.equal(json(r).loginId, "jdoe", login);
            assert.equal(json(r).id, id, login);
        }
        assert.equal(json(await http.get(`${API}/user/coadmin`)).loginId, "COADMIN", "seed users too");
    });

    it("added / modified for another case upsert onto the stored user (loginId and id kept, lastAction Updated)", async () => {
        const http = client(sim);
        const id = (await runJob(http, { added: [user("jdoe")] })).added[0].id;
        let r = await runJob(http, { added: [user("JDOE", { firstName: "Upper" })] });
        assert.equal(r.added.length, 1);
        assert.equal(r.added[0].loginId, "jdoe");
        assert.equal(r.added[0].id, id);
        assert.equal(r.added[0].lastAction, "Updated");
        assert.equal(r.added[0].firstName, "Upper");
        r = await runJob(http, { modified: [user("JDoe", { firstName: "Mixed" })] });
        assert.equal(r.modified[0].loginId, "jdoe");
        assert.equal(r.modified[0].id, id);
        assert.equal(r.modified[0].lastAction, "Updated");
        const all = json<any[]>(await http.get(`${API}/user`)).filter((u) => u.loginId.toLowerCase() === "jdoe");
        assert.deepEqual(
            all.map((u) => [u.loginId, u.id, u.firstName]),
            [["jdoe", id, "Mixed"]],
        );
    });

    it("deleted: ['JDOE'] deletes jdoe (echoed as stored); an unknown login in any case goes to deleteFailed as sent", async () => {
        const http = client(sim);
        await runJob(http, { added: [user("jdoe")] });
        const r = await runJob(http, { deleted: ["JDOE", "NoSuch"] });
        assert.deepEqual(r.deleted, ["jdoe"]);
        assert.equal(r.deleteFailed.length, 1);
        assert.equal(r.deleteFailed[0].loginId, "NoSuch");
        assert.equal((await http.get(`${API}/user/jdoe`)).status, 404);
    });

    it("the /__sim/users drift routes, change-status and change-lock follow the same rule", async () => {
        const http = client(sim);
        const noAuth = client(sim, null);
        const created = await noAuth.put("/__sim/users/MiXed", {
            firstName: "M",
            lastName: "X",
            emailAddress: "m@example.com",
            organization: "sfo",
        });
        assert.equal(created.status, 201);
        const merged = await noAuth.put("/__sim/users/MIXED", { firstName: "Drifted", locked: true });
        assert.equal(merged.status, 200);
        assert.equal(json(merged).loginId, "MiXed");
        assert.equal(json(merged).id, json(created).id);
        assert.equal(json(await http.get(`${API}/user/mixed`)).firstName, "Drifted");

        const status = await http.put(`${API}/user/change-status`, [{ loginId: "mixed", disabled: true }]);
        assert.deepEqual(json(status), { mixed: "" }, "the answer is keyed by the login as sent");
        assert.equal(json(await http.get(`${API}/user/MiXed`)).status, "Disabled");
        assert.deepEqual(json(await http.put(`${API}/user/change-lock`, [{ loginId: "MIXED" }])), { MIXED: "" });
        assert.equal(json(await http.get(`${API}/user/MiXed`)).locked, false);

        assert.equal((await noAuth.delete("/__sim/users/mixed")).status, 204);
        assert.equal((await http.get(`${API}/user/MiXed`)).status, 404);
        assert.equal((await noAuth.delete("/__sim/users/MIXED")).status, 404);
    });

    it("fault login lists match in any case too", async () => {
        const http = client(sim);
        await runJob(http, { added: [user("jdoe")] });
        assert.equal((await client(sim, null).post("/__sim/faults", { failUsers: ["JDOE"] })).status, 200);
        const r = await runJob(http, { modified: [user("jdoe", { firstName: "Nope" })] });
        assert.equal(r.modified[0].statusInfoOK, false);
        assert.equal(json(await http.get(`${API}/user/jdoe`)).firstName, "Test");
        assert.equal(json(await client(sim, null).get("/__sim/stats")).faultsInjected.failedUsers, 1);
    });

    it("a data file with logins that differ only in case stops a case-insensitive start", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "primavera-sim-case-"));
        try {
            const dataFile = path.join(dir, "tenant.json");
            const sensitive = await start({ dataFile });
            try {
                await runJob(client(sensitive), { added: [user("jdoe"), user("JDOE")] });
            } finally {
                await sensitive.stop();
            }
            await assert.rejects(
                start({ dataFile, caseInsensitiveLogins: true }),
                /tenant\.json: logins jdoe and JDOE differ only in case/,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
