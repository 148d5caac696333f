import * as assert from "node:assert/strict";
import { RunningSimulator } from "../../simulator";
import { API, client, json, pollJob, roles, runJob, start, user } from "../support/http";

describe("simulator: another administrator acting while our job runs (duringJob)", () => {
    let sim: RunningSimulator;
    before(async () => (sim = await start()));
    after(() => sim.stop());
    beforeEach(async () => {
        assert.equal((await client(sim, null).post("/__sim/reset")).status, 200);
    });

    const setFaults = async (f: object) => {
        const r = await client(sim, null).post("/__sim/faults", f);
        assert.equal(r.status, 200, r.data);
        return json(r);
    };
    const faults = async () => json(await client(sim, null).get("/__sim/faults"));
    const counters = async () => json(await client(sim, null).get("/__sim/stats")).faultsInjected;
    const described = async () => json<any[]>(await client(sim).get(`${API}/audits`)).map((e) => [e.description, e.grantor]);

    it("disable: applied before our update, which keeps it (the record has no disabled)", async () => {
        const api = client(sim);
        await runJob(api, { added: [user("FA1")] });
        await setFaults({ duringJob: [{ op: "disable", loginId: "FA1" }] });
        const r = await runJob(api, { modified: [user("FA1")] });
        assert.equal(r.modified[0].disabled, true);
        assert.equal(json(await api.get(`${API}/user/FA1`)).status, "Disabled");
        assert.deepEqual((await described()).slice(1), [
            ["User FA1 disabled", "COADMIN"],
            ["User FA1 updated: no change", "ADMIN"],
        ]);
    });

    it("delete: our update of a user deleted meanwhile creates it again, with a new id", async () => {
        const api = client(sim);
        const id = (await runJob(api, { added: [user("FA2")] })).added[0].id;
        await setFaults({ duringJob: [{ op: "delete", loginId: "FA2", grantor: "HRADMIN" }] });
        const r = await runJob(api, { modified: [user("FA2", { id })] });
        assert.equal(r.modified[0].lastAction, "Created");
        assert.notEqual(r.modified[0].id, id);
        assert.deepEqual(r.updatedIdMap, { [id]: r.modified[0].id });
        assert.deepEqual((await described()).slice(1), [
            ["User FA2 deleted", "HRADMIN"],
            ["User FA2 created", "ADMIN"],
        ]);
    });

    it("create: our create finds the user there and updates it; createdBy stays the other administrator", async () => {
        await setFaults({
            duringJob: [
                {
                    op: "create",
                    loginId: "FA3",
                    firstName: "Other",
                    lastName: "Admin",
                    emailAddress: "fa3@example.com",
                    organization: "nyc",
                    roles: ["PrimaveraP6Test"],
                    disabled: true,
                },
                { op: "create", loginId: "DPATEL", firstName: "No", lastName: "Op", emailAddress: "no@example.com", organization: "sfo" },
            ],
        });
        const r = await runJob(client(sim), { added: [user("FA3")], deleted: ["DPATEL"] });
        assert.equal(r.added[0].lastAction, "Updated");
        assert.equal(r.added[0].createdBy, "COADMIN");
        assert.equal(r.added[0].disabled, true, "a record without disabled keeps it");
        assert.deepEqual(r.deleted, ["DPATEL"]);
        assert.deepEqual(await described(), [
            ["User FA3 created", "COADMIN"],
            ["User FA3 updated: firstName, lastName, organization, roles", "ADMIN"],
            ["User DPATEL deleted", "ADMIN"],
        ]);
        assert.equal((await counters()).foreignActions, 2, "the create of an existing user fired and did nothing");
    });

    it("setRoles and set: the user is changed before our job, which then deletes or overwrites it", async () => {
        const api = client(sim);
        await runJob(api, { added: [user("FA4"), user("FA5", { middleName: "Mid" })] });
        await setFaults({
            duringJob: [
                { op: "setRoles", loginId: "FA4", roles: ["PrimaveraCloudAdmin", "PrimaveraP6Test"] },
                { op: "set", loginId: "FA5", fields: { manager: "Boss", employeeNumber: "E-5", middleName: null }, grantor: "HRADMIN" },
                { op: "setRoles", loginId: "FA5", roles: ["NoSuchRole"] },
            ],
        });
        const seen = await runJob(api, { modified: [user("FA5", { middleName: "Mid" })], deleted: ["FA4"] });
        assert.equal(seen.modified[0].manager, undefined, "our full record clears what the other administrator set");
        assert.deepEqual((await described()).slice(2), [
            ["User FA4 updated: roles", "COADMIN"],
            ["User FA5 updated: middleName, employeeNumber, manager", "HRADMIN"],
            ["User FA5 updated: middleName, employeeNumber, manager", "ADMIN"],
            ["User FA4 deleted", "ADMIN"],
        ]);
    });

    it("an action waits for a job that names its login, fires once, and GET /__sim/faults shows the ones not fired", async () => {
        const api = client(sim);
        await setFaults({
            duringJob: [
                { op: "disable", loginId: "DPATEL" },
                { op: "enable", loginId: "COADMIN" },
            ],
        });
        await runJob(api, { added: [user("FA6")] });
        assert.equal(json(await api.get(`${API}/user/DPATEL`)).disabled, false, "not named yet");
        assert.deepEqual(
            (await faults()).duringJob.map((a: any) => a.loginId),
            ["DPATEL", "COADMIN"],
        );
        await runJob(api, { modified: [user("DPATEL", { organization: { name: "nyc" } })] });
        assert.equal(json(await api.get(`${API}/user/DPATEL`)).disabled, true);
        assert.deepEqual(
            (await faults()).duringJob.map((a: any) => a.loginId),
            ["COADMIN"],
        );
        await runJob(api, { modified: [user("DPATEL", { organization: { name: "nyc" }, disabled: false })] });
        await runJob(api, { modified: [user("DPATEL", { organization: { name: "nyc" } })] });
        assert.equal(
            json(await api.get(`${API}/user/DPATEL`)).disabled,
            false,
            "fired once: a later job naming DPATEL is not disabled again",
        );
        assert.equal((await counters()).foreignActions, 1);
    });

    it("actions are claimed when the job is accepted: a stuck job released by DELETE /__sim/faults still fires them", async () => {
        const api = client(sim);
        await setFaults({ stuckJobs: 1, duringJob: [{ op: "delete", loginId: "COADMIN" }] });
        const post = await api.post(`${API}/user`, { modified: [user("COADMIN", { organization: { name: "PGBU" } })] });
        assert.equal(post.status, 202);
        assert.equal(json(await api.get(`${API}/user/COADMIN`)).createdBy, "SEED", "nothing fired while the job waits");
        assert.equal((await client(sim, null).delete("/__sim/faults")).status, 200);
        const r = json(await pollJob(api, post.headers.location));
        assert.equal(r.modified[0].lastAction, "Created");
        assert.equal(r.modified[0].createdBy, "ADMIN");
    });

    it("fires before a job that processes nothing (jobException) and counts every action", async () => {
        await setFaults({ jobException: "boom", duringJob: [{ op: "disable", loginId: "dpatel" }] });
        const r = await runJob(client(sim), { deleted: ["DPATEL"] });
        assert.equal(r.exception, "boom");
        assert.equal((await client(sim).get(`${API}/user/DPATEL`)).status, 200);
        assert.equal(json(await client(sim).get(`${API}/user/DPATEL`)).disabled, false, "case-sensitive tenant: dpatel is not DPATEL");
        await setFaults({ jobException: "boom", duringJob: [{ op: "disable", loginId: "DPATEL" }] });
        await runJob(client(sim), { deleted: ["DPATEL"] });
        assert.equal(json(await client(sim).get(`${API}/user/DPATEL`)).disabled, true);
        assert.equal((await counters()).foreignActions, 1);
    });

    it("a bad action is a 400 naming its field", async () => {
        for (const [action, field] of [
            [{ op: "rename", loginId: "X" }, /duringJob\[0\]\.op/],
            [{ op: "disable" }, /duringJob\[0\]\.loginId: required/],
            [{ op: "create", loginId: "X", firstName: "A", lastName: "B", organization: "sfo" }, /duringJob\[0\]\.emailAddress/],
            [{ op: "setRoles", loginId: "X", roles: "PrimaveraP6Test" }, /duringJob\[0\]\.roles/],
            [{ op: "set", loginId: "X", fields: { disabled: "yes" } }, /duringJob\[0\]\.fields\.disabled/],
        ] as const) {
            const r = await client(sim, null).post("/__sim/faults", { duringJob: [action] });
            assert.equal(r.status, 400, JSON.stringify(action));
            assert.match(json(r).message, field);
        }
    });
});

describe("simulator: duringJob on a case-insensitive tenant", () => {
    let sim: RunningSimulator;
    before(async () => (sim = await start({ caseInsensitiveLogins: true })));
    after(() => sim.stop());

    it("an action fires for a job naming its login in another case", async () => {
        await client(sim, null).post("/__sim/faults", {
            duringJob: [{ op: "setRoles", loginId: "dpatel", roles: roles("PrimaveraCloudAdmin") }],
        });
        const r = await runJob(client(sim), { deleted: ["DPATEL"] });
        assert.deepEqual(r.deleted, ["DPATEL"]);
        const events = json<any[]>(await client(sim).get(`${API}/audits`)).map((e) => e.description);
        assert.deepEqual(events, ["User DPATEL updated: roles", "User DPATEL deleted"]);
    });
});
