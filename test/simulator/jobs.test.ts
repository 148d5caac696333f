import * as assert from "node:assert/strict";
import { RunningSimulator } from "../../simulator";
import { API, client, json, pollJob, roles, runJob, start, user } from "../support/http";

describe("simulator: user jobs", () => {
    let sim: RunningSimulator;
    before(async () => (sim = await start({ jobMs: 30 })));
    after(() => sim.stop());
    beforeEach(async () => {
        assert.equal((await client(sim).post("/__sim/reset")).status, 200);
    });

    it("lifecycle: 202 + Location, 202 while running (with Location), then 200 with the full result", async () => {
        const http = client(sim);
        const post = await http.post(`${API}/user`, { added: [user("LIFE1")] });
        assert.equal(post.status, 202);
        const running = await http.get(post.headers.location);
        assert.equal(running.status, 202);
        assert.equal(running.headers.location, post.headers.location);
        assert.deepEqual(json(running).added, []);
        const done = await pollJob(http, post.headers.location);
        assert.equal(done.status, 200);
        const r = json(done);
        assert.deepEqual(Object.keys(r).sort(), [
            "added",
            "deleteFailed",
            "deleted",
            "exception",
            "localizedException",
            "message",
            "modified",
            "updatedIdMap",
        ]);
        assert.equal(r.exception, "");
        assert.equal(r.localizedException, false);
        assert.equal(r.added[0].processed, true);
        assert.equal(r.added[0].statusInfo, "");
        // A second read of a finished job answers the same.
        assert.equal((await http.get(post.headers.location)).data, done.data);
    });

    it("Location keeps the v2 prefix; unknown job id: 404 JSON", async () => {
        const http = client(sim);
        const post = await http.post(`${API}/v2/user`, { added: [user("V2USER")] });
        assert.equal(post.status, 202);
        assert.equal(post.headers.location, `${sim.url}${API}/v2/user/status/${post.data}`);
        await pollJob(http, post.headers.location);
        const unknown = await http.get(`${API}/user/status/999`);
        assert.equal(unknown.status, 404);
        assert.match(json(unknown).exception, /999/);
    });

    it("job time = job-ms + job-ms-per-user * users", async () => {
        const slow = await start({ jobMs: 10, jobMsPerUser: 40 });
        try {
            const http = client(slow);
            const t0 = Date.now();
            const r = await runJob(http, { added: [user("T1"), user("T2"), user("T3")] });
            assert.equal(r.added.length, 3);
            assert.ok(Date.now() - t0 >= 130, `took ${Date.now() - t0} ms`);
        } finally {
            await slow.stop();
        }
    });

    for (const busyStatus of [409, 400, 429] as const) {
        it(`a POST while a job runs is refused with ${busyStatus}`, async () => {
            const s = await start({ jobMs: 300, busyStatus });
            try {
                const http = client(s);
                const first = await http.post(`${API}/user`, { added: [user("BUSY1")] });
                assert.equal(first.status, 202);
                const second = await http.post(`${API}/user`, { added: [user("BUSY2")] });
                assert.equal(second.status, busyStatus);
                const body = json(second);
                assert.match(body.exception, /previous create user operation must complete/);
                assert.match(body.exception, new RegExp(`Job ${first.data} is in progress`));
                assert.equal(second.headers["retry-after"], busyStatus === 429 ? "1" : undefined);
                await pollJob(http, first.headers.location);
                assert.equal((await http.post(`${API}/user`, { added: [user("BUSY2")] })).status, 202);
                const stats = json(await client(s).get("/__sim/stats"));
                assert.equal(stats.busyRefusals, 1);
                assert.equal(stats.overlappingJobs, 0);
            } finally {
                await s.stop();
            }
        });
    }

    it("upsert by loginId: added and modified both create or update", async () => {
        const http = client(sim);
        let r = await runJob(http, { added: [user("UP1")], modified: [user("UP2")] });
        assert.equal(r.added[0].lastAction, "Created");
        assert.equal(r.modified[0].lastAction, "Created");
        r = await runJob(http, { added: [user("UP1", { firstName: "Again" })] });
        assert.equal(r.added[0].lastAction, "Updated");
        assert.equal(r.added[0].firstName, "Again");
        assert.equal(json(await http.get(`${API}/user/UP1`)).firstName, "Again");
    });

    it("roles replace the role set; a record without roles removes them all", async () => {
        const http = client(sim);
        let r = await runJob(http, { added: [user("ROLES1", { roles: roles("PrimaveraUnifierProduction", "PrimaveraP6Test") })] });
        assert.deepEqual(
            r.added[0].roles.map((x: any) => x.name),
            ["PrimaveraUnifierProduction", "PrimaveraP6Test"],
        );
        assert.deepEqual(r.added[0].roles[0], {
            id: "77",
            name: "PrimaveraUnifierProduction",
            displayName: "Primavera Unifier Production",
        });
        r = await runJob(http, { modified: [user("ROLES1", { roles: roles("PrimaveraCloudAdmin") })] });
        assert.deepEqual(
            r.modified[0].roles.map((x: any) => x.name),
            ["PrimaveraCloudAdmin"],
        );
        await runJob(http, { modified: [user("ROLES1")] });
        assert.deepEqual(json(await http.get(`${API}/user/ROLES1`)).roles, []);
    });

    it("a modify record clears absent optional fields and keeps disabled when absent", async () => {
        const http = client(sim);
        await runJob(http, { added: [user("OPT1", { middleName: "Q", employeeNumber: "E1", manager: "DPATEL", disabled: true })] });
        let rec = json(await http.get(`${API}/user/OPT1`));
        assert.equal(rec.middleName, "Q");
        assert.equal(rec.status, "Disabled");
        await runJob(http, { modified: [user("OPT1")] });
        rec = json(await http.get(`${API}/user/OPT1`));
        assert.equal(rec.middleName, undefined);
        assert.equal(rec.employeeNumber, undefined);
        assert.equal(rec.manager, undefined);
        assert.equal(rec.disabled, true);
        await runJob(http, { modified: [user("OPT1", { disabled: false })] });
        assert.equal(json(await http.get(`${API}/user/OPT1`)).status, "Active");
    });

    it("updatedIdMap: client id on added -> server id; stale id on modified -> current id", async () => {
        const http = client(sim);
        let r = await runJob(http, { added: [user("MAP1", { id: "client-1" }), user("MAP2")] });
        const id1 = r.added[0].id;
        assert.match(id1, /^\d+$/);
        assert.deepEqual(r.updatedIdMap, { "client-1": id1 });
        r = await runJob(http, { modified: [user("MAP1", { id: "1" }), user("MAP2", { id: r.added[1].id })] });
        assert.deepEqual(r.updatedIdMap, { "1": id1 });
        assert.equal(r.modified[0].id, id1);
    });

    it("deleted: known logins go, unknown ones land in deleteFailed with a reason", async () => {
        const http = client(sim);
        await runJob(http, { added: [user("DEL1")] });
        const r = await runJob(http, { deleted: ["DEL1", "NOSUCH"] });
        assert.deepEqual(r.deleted, ["DEL1"]);
        assert.equal(r.deleteFailed.length, 1);
        assert.equal(r.deleteFailed[0].loginId, "NOSUCH");
        assert.equal(r.deleteFailed[0].statusInfoOK, false);
        assert.match(r.deleteFailed[0].statusInfo, /NOSUCH/);
        assert.equal((await http.get(`${API}/user/DEL1`)).status, 404);
    });

    it("unknown role: user still created/updated with the known roles, statusInfoOK false", async () => {
        const http = client(sim);
        let r = await runJob(http, { added: [user("ROLEX", { roles: roles("PrimaveraP6Test", "NoSuchRole") })] });
        assert.equal(r.added[0].statusInfo, "User created, but Application Access failed");
        assert.equal(r.added[0].statusInfoOK, false);
        assert.match(r.added[0].id, /^\d+$/);
        assert.deepEqual(
            r.added[0].roles.map((x: any) => x.name),
            ["PrimaveraP6Test"],
        );
        r = await runJob(http, { modified: [user("ROLEX", { roles: roles("NoSuchRole") })] });
        assert.equal(r.modified[0].statusInfo, "User updated, but Application Access failed");
        assert.equal(r.modified[0].statusInfoOK, false);
        assert.deepEqual(json(await http.get(`${API}/user/ROLEX`)).roles, []);
    });

    it("unknown organization fails that user only", async () => {
        const http = client(sim);
        const r = await runJob(http, { added: [user("ORGX", { organization: { name: "atlantis" }, id: "c-9" }), user("ORGOK")] });
        const bad = r.added.find((e: any) => e.loginId === "ORGX");
        assert.equal(bad.statusInfoOK, false);
        assert.match(bad.statusInfo, /atlantis/);
        assert.equal(bad.id, undefined);
        assert.equal(r.added.find((e: any) => e.loginId === "ORGOK").statusInfoOK, true);
        assert.deepEqual(r.updatedIdMap, {});
        assert.equal((await http.get(`${API}/user/ORGX`)).status, 404);
        assert.equal((await http.get(`${API}/user/ORGOK`)).status, 200);
    });

    it("invalid bodies: 400 naming the field; nothing is queued", async () => {
        const http = client(sim);
        const noEmail = await http.post(`${API}/user`, { added: [{ ...user("BAD1"), emailAddress: undefined }] });
        assert.equal(noEmail.status, 400);
        const b = json(noEmail);
        assert.equal(b.localizedException, false);
        assert.match(b.message, /added\[0\]\.emailAddress: required/);
        assert.match(b.exception, /added\[0\]\.emailAddress: required/);
        const cases: [unknown, RegExp][] = [
            [{ modified: [user("BAD2", { emailAddress: "nope" })] }, /modified\[0\]\.emailAddress: not a valid email/],
            [{ added: "x" }, /added: expected array/],
            [{ deleted: [1] }, /deleted\[0\]: expected string/],
            [{ added: [user("BAD3", { roles: [{}] })] }, /added\[0\]\.roles\[0\]\.name: required/],
            [[1, 2], /body: expected object/],
        ];
        for (const [body, re] of cases) {
            const r = await http.post(`${API}/user`, body);
            assert.equal(r.status, 400, String(re));
            assert.match(json(r).message, re);
        }
        const notJson = await http.post(`${API}/user`, "{oops", {
            headers: { "Content-Type": "application/json" },
            transformRequest: [(d) => d],
        });
        assert.equal(notJson.status, 400);
        assert.match(json(notJson).message, /not valid JSON/);
        assert.equal(json(await client(sim).get("/__sim/stats")).jobsSubmitted, 0);
    });

    it("a password is accepted but never returned; unknown fields are ignored", async () => {
        const http = client(sim);
        const r = await runJob(http, { added: [user("PW1", { password: "Sup3rSecret!", favouriteColour: "teal" })] });
        const all = [JSON.stringify(r), (await http.get(`${API}/user/PW1`)).data, (await http.get(`${API}/user`)).data].join("\n");
        assert.doesNotMatch(all, /Sup3rSecret!/);
        assert.doesNotMatch(all, /password/i);
        assert.doesNotMatch(all, /favouriteColour/);
    });
});
