import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RunningSimulator } from "../../simulator";
import { ADMIN, API, client, json, roles, runJob, start, user, VIEWER } from "../support/http";

const OPS = { username: "ops2", password: "ops2-Pw-1739" };
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A `YYYY-MM-DD` day `offset` days from today, in UTC. */
function day(offset: number): string {
    return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

describe("simulator: user audit events", () => {
    let sim: RunningSimulator;
    before(async () => (sim = await start({ admins: [OPS] })));
    after(() => sim.stop());
    beforeEach(async () => {
        assert.equal((await client(sim, null).post("/__sim/reset")).status, 200);
    });

    const audits = async (prefix = "") => {
        const r = await client(sim).get(`${API}${prefix}/audits`);
        assert.equal(r.status, 200, r.data);
        return json<any[]>(r);
    };
    const described = async () => (await audits()).map((e) => [e.loginId, e.description, e.grantor]);

    it("a job records who created, updated and deleted whom; each event has an increasing id and a UTC time in ms", async () => {
        const api = client(sim);
        await runJob(api, { added: [user("AUD1", { roles: roles("PrimaveraP6Test") }), user("AUD2")] });
        await runJob(api, {
            modified: [user("AUD1", { firstName: "Changed", roles: roles("PrimaveraCloudAdmin") }), user("AUD2")],
            deleted: ["AUD2", "GHOST"],
        });
        assert.deepEqual(await described(), [
            ["AUD1", "User AUD1 created", "ADMIN"],
            ["AUD2", "User AUD2 created", "ADMIN"],
            ["AUD1", "User AUD1 updated: firstName, roles", "ADMIN"],
            ["AUD2", "User AUD2 updated: no change", "ADMIN"],
            ["AUD2", "User AUD2 deleted", "ADMIN"],
        ]);
        const events = await audits();
        for (const e of events) {
            assert.deepEqual(Object.keys(e).sort(), ["auditId", "createTime", "description", "grantor", "loginId"]);
            assert.match(e.auditId, /^\d+$/);
            assert.match(e.createTime, ISO_MS);
        }
        const ids = events.map((e) => Number(e.auditId));
        assert.deepEqual(
            ids,
            ids.map((_, i) => ids[0] + i),
            "one more per event",
        );
        assert.ok(
            events.every((e, i) => i === 0 || e.createTime >= events[i - 1].createTime),
            "oldest first",
        );
    });

    it("an update lists only the fields whose value changed, roles as a set, a password only when it is new", async () => {
        const api = client(sim);
        await runJob(api, {
            added: [user("AUD3", { password: "First-Pw-1", middleName: "M", roles: roles("PrimaveraP6Test", "PrimaveraCloudAdmin") })],
        });
        await runJob(api, {
            added: [user("AUD3", { password: "First-Pw-1", middleName: "M", roles: roles("PrimaveraCloudAdmin", "PrimaveraP6Test") })],
        });
        await runJob(api, { modified: [user("AUD3", { password: "Second-Pw-2", emailAddress: "new@example.com" })] });
        assert.deepEqual(
            (await audits()).map((e) => e.description),
            ["User AUD3 created", "User AUD3 updated: no change", "User AUD3 updated: middleName, emailAddress, roles, password"],
        );
    });

    it("nothing is recorded for users a job fails or skips; a user stored with a failed role is", async () => {
        await client(sim, null).post("/__sim/faults", { failUsers: ["AUDF"], skipUsers: ["AUDS"], failRoles: ["PrimaveraCloudAdmin"] });
        await runJob(client(sim), { added: [user("AUDF"), user("AUDS"), user("AUDR", { roles: roles("PrimaveraCloudAdmin") })] });
        assert.deepEqual(await described(), [["AUDR", "User AUDR created", "ADMIN"]]);
    });

    it("change-status and change-lock record disabled, enabled and unlocked, only when the state changed", async () => {
        const api = client(sim);
        await api.put(`${API}/user/change-status`, [{ loginId: "DPATEL", disabled: true }]);
        await api.put(`${API}/user/change-status`, [
            { loginId: "DPATEL", disabled: true },
            { loginId: "GHOST", disabled: true },
        ]);
        await client(sim, OPS).put(`${API}/user/change-status`, [{ loginId: "DPATEL", disabled: false }]);
        await api.put(`${API}/user/change-lock`, [{ loginId: "DPATEL" }]);
        await client(sim, null).put(
            "/__sim/users/DPATEL",
            { locked: true, loginAttemptsCtr: "5" },
            { headers: { "X-Sim-Grantor": "HELPDESK" } },
        );
        await api.put(`${API}/user/change-lock`, [{ loginId: "DPATEL" }]);
        assert.deepEqual(await described(), [
            ["DPATEL", "User DPATEL disabled", "ADMIN"],
            ["DPATEL", "User DPATEL enabled", "OPS2"],
            ["DPATEL", "User DPATEL updated: locked, loginAttemptsCtr", "HELPDESK"],
            ["DPATEL", "User DPATEL unlocked", "ADMIN"],
        ]);
    });

    it("drift acts as an administrator in the UI: X-Sim-Grantor, else UIADMIN", async () => {
        const drift = client(sim, null);
        const body = { firstName: "Ui", lastName: "Made", emailAddress: "ui@example.com", organization: "sfo" };
        assert.equal((await drift.put("/__sim/users/UIUSER", body)).status, 201);
        assert.equal(
            (await drift.put("/__sim/users/UIUSER", { ...body, manager: "Boss" }, { headers: { "X-Sim-Grantor": "COADMIN" } })).status,
            200,
        );
        assert.equal((await drift.delete("/__sim/users/UIUSER", { headers: { "X-Sim-Grantor": "COADMIN" } })).status, 204);
        assert.deepEqual(await described(), [
            ["UIUSER", "User UIUSER created", "UIADMIN"],
            ["UIUSER", "User UIUSER updated: manager", "COADMIN"],
            ["UIUSER", "User UIUSER deleted", "COADMIN"],
        ]);
    });

    it("another administrator's job is its own grantor; reset forgets the events but not the id counter", async () => {
        await runJob(client(sim, OPS), { added: [user("AUD4")] });
        const [first] = await audits();
        assert.equal(first.grantor, "OPS2");
        await client(sim, null).post("/__sim/reset");
        assert.deepEqual(await audits(), []);
        await runJob(client(sim), { deleted: ["DPATEL"] });
        const [next] = await audits();
        assert.ok(Number(next.auditId) > Number(first.auditId), `${next.auditId} after ${first.auditId}`);
    });

    it("from/to: both days inclusive, in UTC; a bad date or a start after the end is 400", async () => {
        const api = client(sim);
        await runJob(api, { added: [user("AUD5")] });
        const around = json<any[]>(await api.get(`${API}/audits/from/${day(-1)}/to/${day(1)}`));
        assert.deepEqual(
            around.map((e) => e.description),
            ["User AUD5 created"],
        );
        assert.deepEqual(json(await api.get(`${API}/audits/from/${day(-3)}/to/${day(-2)}`)), []);
        for (const [from, to, field] of [
            ["2026-5-01", "2026-05-02", /startDate/],
            ["2026-05-01", "20260502", /endDate/],
            ["2026-02-30", "2026-03-01", /startDate/],
            ["2026-05-02", "2026-05-01", /after endDate/],
        ] as const) {
            const r = await api.get(`${API}/audits/from/${from}/to/${to}`);
            assert.equal(r.status, 400, `${from} ${to}`);
            assert.match(json(r).exception, /^Invalid input, Please re-check the input\./);
            assert.match(json(r).message, field);
        }
    });

    it("page/{page}/count/{size}: pages are 0-based, oldest first; past the end is empty; bad numbers are 400", async () => {
        await runJob(client(sim), { added: [user("P1"), user("P2"), user("P3"), user("P4"), user("P5")] });
        const page = async (p: number | string, s: number | string) =>
            json<any[]>(await client(sim).get(`${API}/audits/page/${p}/count/${s}`));
        assert.deepEqual(
            (await page(0, 2)).map((e) => e.loginId),
            ["P1", "P2"],
        );
        assert.deepEqual(
            (await page(2, 2)).map((e) => e.loginId),
            ["P5"],
        );
        assert.deepEqual(await page(3, 2), []);
        for (const [p, s] of [
            [-1, 2],
            [0, 0],
            ["x", 2],
            [0, "1.5"],
        ]) {
            assert.equal((await client(sim).get(`${API}/audits/page/${p}/count/${s}`)).status, 400, `${p}/${s}`);
        }
    });

    it("v1/v2 with Basic, v3 with Bearer, the read-only account may read, no credentials is 401; /audit (singular) is not served", async () => {
        await runJob(client(sim), { added: [user("AUD6")] });
        assert.equal((await audits("/v2")).length, 1);
        const token = (await client(sim).get(`${API}/oauth2/token`)).data as string;
        const v3 = await client(sim, { bearer: token }).get(`${API}/v3/audits/page/0/count/10`);
        assert.equal(v3.status, 200);
        assert.equal(json(v3)[0].loginId, "AUD6");
        assert.equal((await client(sim).get(`${API}/v3/audits`)).status, 401, "Basic on v3");
        assert.equal((await client(sim, VIEWER).get(`${API}/audits`)).status, 200);
        assert.equal((await client(sim, null).get(`${API}/audits`)).status, 401);
        assert.equal((await client(sim).get(`${API}/audit`)).status, 404);
        assert.equal((await client(sim).post(`${API}/audits`, {})).status, 405);
    });

    it("the audits switch: missing answers 404 (an older edition), forbidden 403 (no privilege)", async () => {
        const set = (audits: string) => client(sim, null).post("/__sim/faults", { audits });
        assert.equal((await set("missing")).status, 200);
        for (const p of ["/audits", "/audits/page/0/count/5", `/v2/audits/from/${day(0)}/to/${day(0)}`]) {
            const r = await client(sim).get(`${API}${p}`);
            assert.equal(r.status, 404, p);
            assert.ok(json(r).exception);
        }
        assert.equal((await set("forbidden")).status, 200);
        const r = await client(sim, ADMIN).get(`${API}/audits`);
        assert.equal(r.status, 403);
        assert.match(json(r).exception, /admin is not authorized/);
        assert.equal((await client(sim).get(`${API}/user`)).status, 200, "other routes are unaffected");
        assert.equal((await set("sometimes")).status, 400);
        assert.equal((await set("ok")).status, 200);
        assert.equal((await client(sim).get(`${API}/audits`)).status, 200);
    });
});

describe("simulator: audit events in the data file", () => {
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "primavera-sim-audit-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const event = (n: number, createTime: string, loginId = "OLD") => ({
        auditId: String(n),
        createTime,
        description: `User ${loginId} updated: manager`,
        grantor: "ADMIN",
        loginId,
    });
    const dataFile = (file: string, extra: object) =>
        fs.writeFileSync(
            file,
            JSON.stringify({ format: "primavera-simulator/1", nextUserId: 5000, nextJobId: 60000, users: [], ...extra }),
        );

    it("events and their id counter survive a restart; a data file without events still loads", async () => {
        const file = path.join(dir, "tenant.json");
        dataFile(file, {});
        let sim = await start({ dataFile: file });
        try {
            assert.deepEqual(json(await client(sim).get(`${API}/audits`)), []);
            await runJob(client(sim), { added: [user("KEPT1")] });
        } finally {
            await sim.stop();
        }
        sim = await start({ dataFile: file });
        try {
            const api = client(sim);
            const [kept] = json<any[]>(await api.get(`${API}/audits`));
            assert.equal(kept.description, "User KEPT1 created");
            await runJob(api, { deleted: ["KEPT1"] });
            const events = json<any[]>(await api.get(`${API}/audits`));
            assert.deepEqual(
                events.map((e) => e.description),
                ["User KEPT1 created", "User KEPT1 deleted"],
            );
            assert.equal(Number(events[1].auditId), Number(kept.auditId) + 1);
        } finally {
            await sim.stop();
        }
    });

    it("from/to cuts at midnight UTC: both days inclusive, nothing of the day after", async () => {
        const file = path.join(dir, "days.json");
        dataFile(file, {
            audits: [
                event(1, "2026-04-30T23:59:59.999Z"),
                event(2, "2026-05-01T00:00:00.000Z"),
                event(3, "2026-05-02T23:59:59.999Z"),
                event(4, "2026-05-03T00:00:00.000Z"),
            ],
        });
        const sim = await start({ dataFile: file });
        try {
            const ids = async (from: string, to: string) =>
                json<any[]>(await client(sim).get(`${API}/audits/from/${from}/to/${to}`)).map((e) => e.auditId);
            assert.deepEqual(await ids("2026-05-01", "2026-05-02"), ["2", "3"]);
            assert.deepEqual(await ids("2026-05-01", "2026-05-01"), ["2"]);
            assert.deepEqual(await ids("2026-04-30", "2026-05-03"), ["1", "2", "3", "4"]);
        } finally {
            await sim.stop();
        }
    });

    it("keeps the newest 100,000 events", async () => {
        const file = path.join(dir, "full.json");
        const audits = Array.from({ length: 100_000 }, (_, i) => event(100_001 + i, "2026-05-01T00:00:00.000Z"));
        dataFile(file, { audits, nextAuditId: 200_001 });
        const sim = await start({ dataFile: file });
        try {
            const api = client(sim);
            assert.equal(json(await api.get(`${API}/audits/page/0/count/1`))[0].auditId, "100001");
            await runJob(api, { added: [user("NEWEST")] });
            const all = json<any[]>(await api.get(`${API}/audits`));
            assert.equal(all.length, 100_000);
            assert.equal(all[0].auditId, "100002", "the oldest one went");
            assert.deepEqual([all[99_999].auditId, all[99_999].description], ["200001", "User NEWEST created"]);
        } finally {
            await sim.stop();
        }
    });
});
