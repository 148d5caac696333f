import * as assert from "node:assert/strict";
import { RunningSimulator } from "../../simulator";
import { API, client, json, runJob, start, user } from "../support/http";

describe("simulator: hostile job results (rollbackEcho, lieIds, echoSecrets)", () => {
    let sim: RunningSimulator;
    before(async () => (sim = await start()));
    after(() => sim.stop());
    beforeEach(async () => {
        assert.equal((await client(sim, null).post("/__sim/reset")).status, 200);
    });

    const setFaults = async (f: object) => {
        const r = await client(sim, null).post("/__sim/faults", f);
        assert.equal(r.status, 200, r.data);
    };
    const counters = async () => json(await client(sim, null).get("/__sim/stats")).faultsInjected;
    const auditCount = async () => json<any[]>(await client(sim).get(`${API}/audits`)).length;

    it("rollbackEcho: the result reports every record as applied, with the rollback exception, and nothing is saved", async () => {
        const api = client(sim);
        const rb1 = (await runJob(api, { added: [user("RB1")] })).added[0];
        const events = await auditCount();
        await setFaults({ rollbackEcho: true, failUsers: ["RB2"], lieIds: "both" });
        const r = await runJob(api, {
            added: [user("RB2", { id: "client-2" }), user("RB1")],
            modified: [user("RB1", { id: rb1.id, firstName: "Changed" }), user("RBNEW")],
            deleted: ["DPATEL", "GHOST"],
        });
        assert.equal(r.exception, "Job rolled back, nothing saved");
        assert.equal(r.localizedException, false);
        assert.deepEqual(
            r.added.map((e: any) => [e.loginId, e.lastAction, e.statusInfoOK, e.processed]),
            [
                ["RB2", "Created", true, true],
                ["RB1", "Created", true, true],
            ],
        );
        const [rb2, rb1Again] = r.added;
        assert.match(rb2.id, /^\d+$/);
        assert.ok(rb1Again.id !== rb1.id && rb1Again.id !== rb2.id, "every added entry gets a fresh id");
        assert.deepEqual(
            r.modified.map((e: any) => [e.loginId, e.lastAction, e.firstName]),
            [
                ["RB1", "Updated", "Changed"],
                ["RBNEW", "Updated", "Test"],
            ],
        );
        assert.equal(r.modified[0].id, rb1.id);
        assert.deepEqual(r.deleted, ["DPATEL", "GHOST"]);
        assert.deepEqual(r.deleteFailed, []);
        assert.deepEqual(r.updatedIdMap, { "client-2": rb2.id });

        assert.equal((await api.get(`${API}/user/RB2`)).status, 404);
        assert.equal((await api.get(`${API}/user/RBNEW`)).status, 404);
        assert.equal(json(await api.get(`${API}/user/RB1`)).firstName, "Test");
        assert.equal((await api.get(`${API}/user/DPATEL`)).status, 200);
        assert.equal(await auditCount(), events, "no audit event: nothing changed");
        const f = await counters();
        assert.deepEqual([f.rolledBackJobs, f.failedUsers, f.liedIds], [1, 0, 0]);
    });

    it("rollbackEcho gives way to jobException", async () => {
        await setFaults({ rollbackEcho: true, jobException: "Underlying system unavailable." });
        const r = await runJob(client(sim), { added: [user("RB3")] });
        assert.deepEqual([r.exception, r.added], ["Underlying system unavailable.", []]);
        assert.equal((await counters()).rolledBackJobs, 0);
    });

    /** Creates LIE1 (sent id client-1) and updates LIE2 (no id) under `lieIds: mode`. */
    async function lyingJob(mode: string) {
        const api = client(sim);
        await runJob(api, { added: [user("LIE2")] });
        await setFaults({ lieIds: mode });
        const r = await runJob(api, {
            added: [user("LIE1", { id: "client-1" })],
            modified: [user("LIE2"), user("COADMIN", { organization: { name: "PGBU" } })],
        });
        const stored = async (l: string) => json(await api.get(`${API}/user/${l}`)).id as string;
        return {
            r,
            lie1: await stored("LIE1"),
            lie2: await stored("LIE2"),
            coadmin: await stored("COADMIN"),
            dpatel: await stored("DPATEL"),
        };
    }

    it("lieIds map: updatedIdMap points every record at the first other stored user; entries and the tenant are true", async () => {
        const { r, lie1, lie2, coadmin, dpatel } = await lyingJob("map");
        assert.deepEqual(r.updatedIdMap, { "client-1": coadmin, [lie2]: coadmin, [coadmin]: dpatel });
        assert.deepEqual(
            [...r.added, ...r.modified].map((e: any) => e.id),
            [lie1, lie2, coadmin],
        );
        assert.equal((await counters()).liedIds, 3);
    });

    it("lieIds entry: the entries carry another user's id; updatedIdMap is true", async () => {
        const { r, lie1, coadmin, dpatel } = await lyingJob("entry");
        assert.deepEqual(
            [...r.added, ...r.modified].map((e: any) => [e.loginId, e.id]),
            [
                ["LIE1", coadmin],
                ["LIE2", coadmin],
                ["COADMIN", dpatel],
            ],
        );
        assert.deepEqual(r.updatedIdMap, { "client-1": lie1 });
    });

    it("lieIds both: map and entries lie; failed records are not lied about", async () => {
        const api = client(sim);
        await setFaults({ lieIds: "both", failUsers: ["LIEFAIL"] });
        const r = await runJob(api, { added: [user("LIE3", { id: "client-3" }), user("LIEFAIL", { id: "client-f" })] });
        assert.deepEqual(
            r.added.map((e: any) => [e.loginId, e.id]),
            [
                ["LIE3", "1001"],
                ["LIEFAIL", undefined],
            ],
        );
        assert.deepEqual(r.updatedIdMap, { "client-3": "1001" });
        assert.notEqual(json(await api.get(`${API}/user/LIE3`)).id, "1001");
    });

    it("echoSecrets: an entry whose record carried a password quotes it; the user is stored with that password", async () => {
        const api = client(sim);
        await runJob(api, { added: [user("SEC2")] });
        await setFaults({ echoSecrets: true });
        const r = await runJob(api, {
            added: [user("SEC1", { password: "Pl41n-Secret-1" }), user("SEC3")],
            modified: [user("SEC2", { password: "Pl41n-Secret-2" })],
        });
        const [sec1, sec3] = r.added;
        assert.deepEqual(
            [sec1.statusInfo, sec1.statusInfoOK],
            ["User created, but password 'Pl41n-Secret-1' does not meet the password policy", false],
        );
        assert.deepEqual([sec3.statusInfo, sec3.statusInfoOK], ["", true], "no password, nothing quoted");
        assert.deepEqual(
            [r.modified[0].statusInfo, r.modified[0].statusInfoOK],
            ["User updated, but password 'Pl41n-Secret-2' does not meet the password policy", false],
        );
        assert.equal((await counters()).echoedSecrets, 2);
        await client(sim, null).delete("/__sim/faults");
        // The stored password is the one sent: sending it again is no change, another one is.
        await runJob(api, { modified: [user("SEC1", { password: "Pl41n-Secret-1" }), user("SEC2", { password: "Other-Pw-9" })] });
        const events = json<any[]>(await api.get(`${API}/audits`)).slice(-2);
        assert.deepEqual(
            events.map((e) => e.description),
            ["User SEC1 updated: no change", "User SEC2 updated: password"],
        );
    });
});
