import * as assert from "node:assert/strict";
import { RunningSimulator } from "../../simulator";
import { ADMIN, API, client, json, runJob, start, user, VIEWER } from "../support/http";

const OPS = { username: "ops2", password: "ops2-Pw-1739" };
const AUDITOR = { username: "Auditor", password: "auditor-Pw-5521" };

describe("simulator: several administrator accounts (admins)", () => {
    let sim: RunningSimulator;
    before(async () => (sim = await start({ admins: [OPS, AUDITOR] })));
    after(() => sim.stop());

    it("each extra administrator reads and writes; createdBy is the submitting account upper-cased", async () => {
        const byOps = await runJob(client(sim, OPS), { added: [user("BYOPS")] });
        assert.equal(byOps.added[0].createdBy, "OPS2");
        const byAuditor = await runJob(client(sim, AUDITOR), { added: [user("BYAUD")] });
        assert.equal(byAuditor.added[0].createdBy, "AUDITOR");
        const byMain = await runJob(client(sim, ADMIN), { added: [user("BYMAIN")] });
        assert.equal(byMain.added[0].createdBy, "ADMIN");
        assert.equal((await client(sim, OPS).put(`${API}/user/change-status`, [{ loginId: "BYMAIN", disabled: true }])).status, 200);
        assert.equal(json(await client(sim, VIEWER).get(`${API}/user/BYMAIN`)).status, "Disabled");
    });

    it("an extra administrator gets OAuth tokens that work on v3", async () => {
        const token = await client(sim, OPS).get(`${API}/oauth2/token`);
        assert.equal(token.status, 200);
        const r = await runJob(client(sim, { bearer: token.data as string }), { added: [user("BYOPSV3")] }, "/v3");
        assert.equal(r.added[0].createdBy, "OPS2");
    });

    it("a wrong password of an extra administrator is 401; the read-only account still gets 403 on writes", async () => {
        assert.equal((await client(sim, { ...OPS, password: ADMIN.password }).get(`${API}/user`)).status, 401);
        assert.equal((await client(sim, VIEWER).post(`${API}/user`, { added: [user("NOPE")] })).status, 403);
    });

    it("refuses to start with a repeated account name, a name with a colon or an empty password", async () => {
        await assert.rejects(start({ admins: [{ username: "admin", password: "other-Pw" }] }), /account admin is given twice/);
        await assert.rejects(start({ admins: [{ username: "viewer", password: "other-Pw" }] }), /account viewer is given twice/);
        await assert.rejects(start({ admins: [{ username: "a:b", password: "other-Pw" }] }), /without ":"/);
        await assert.rejects(start({ admins: [{ username: "ops3", password: "" }] }), /ops3: the password must not be empty/);
    });
});
