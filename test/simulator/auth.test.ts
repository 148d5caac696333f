import * as assert from "node:assert/strict";
import { RunningSimulator } from "../../simulator";
import { ADMIN, API, client, json, pollJob, runJob, start, until, user, VIEWER } from "../support/http";

describe("simulator: authentication", () => {
    let sim: RunningSimulator;
    before(async () => (sim = await start()));
    after(() => sim.stop());

    async function token(auth = ADMIN, expiry?: number): Promise<string> {
        const r = await client(sim, auth).get(`${API}/oauth2/token`, { params: expiry ? { tokenExpiry: expiry } : {} });
        assert.equal(r.status, 200);
        assert.match(String(r.headers["content-type"]), /^text\/plain/);
        return r.data as string;
    }

    it("v1 and v2 accept Basic", async () => {
        for (const prefix of ["", "/v2"]) {
            const r = await client(sim).get(`${API}${prefix}/user`);
            assert.equal(r.status, 200, prefix);
            assert.ok(Array.isArray(json(r)));
        }
    });

    it("v1/v2 with wrong or missing Basic: 401 with a JSON body", async () => {
        for (const prefix of ["", "/v2"]) {
            const wrong = await client(sim, { username: "admin", password: "nope" }).get(`${API}${prefix}/user`);
            assert.equal(wrong.status, 401);
            assert.equal(json(wrong).localizedException, false);
            assert.match(String(wrong.headers["www-authenticate"]), /^Basic/);
            const missing = await client(sim, null).get(`${API}${prefix}/roles`);
            assert.equal(missing.status, 401);
            assert.ok(json(missing).exception);
        }
    });

    it("token endpoint: raw token as text/plain; needs Basic; rejects a bad tokenExpiry", async () => {
        const t = await token();
        assert.match(t, /^[A-Za-z0-9_-]{20,}$/);
        assert.equal((await client(sim, { username: "x", password: "y" }).get(`${API}/oauth2/token`)).status, 401);
        assert.equal((await client(sim, { bearer: t }).get(`${API}/oauth2/token`)).status, 401);
        assert.equal((await client(sim).get(`${API}/oauth2/token?tokenExpiry=-5`)).status, 400);
        assert.equal((await client(sim).get(`${API}/v3/oauth2/token`)).status, 404);
    });

    it("v3 accepts a Bearer token and refuses Basic (401)", async () => {
        const t = await token();
        const ok = await client(sim, { bearer: t }).get(`${API}/v3/user`);
        assert.equal(ok.status, 200);
        const basic = await client(sim).get(`${API}/v3/user`);
        assert.equal(basic.status, 401);
        assert.match(json(basic).exception, /Bearer/);
        assert.match(String(basic.headers["www-authenticate"]), /^Bearer/);
        const bad = await client(sim, { bearer: "not-a-token" }).get(`${API}/v3/roles`);
        assert.equal(bad.status, 401);
        assert.ok(json(bad).exception);
        const none = await client(sim, null).get(`${API}/v3/roles`);
        assert.equal(none.status, 401);
    });

    it("a Bearer token on v1 is refused (401)", async () => {
        const r = await client(sim, { bearer: await token() }).get(`${API}/user`);
        assert.equal(r.status, 401);
    });

    it("v3 job via Bearer: Location keeps the /v3 prefix", async () => {
        const http = client(sim, { bearer: await token() });
        const post = await http.post(`${API}/v3/user`, { added: [user("V3USER")] });
        assert.equal(post.status, 202);
        assert.equal(post.headers.location, `${sim.url}${API}/v3/user/status/${post.data}`);
        assert.equal((await pollJob(http, post.headers.location)).status, 200);
        const result = await runJob(http, { modified: [user("V3USER")] }, "/v3");
        assert.equal(result.modified[0].lastAction, "Updated");
    });

    it("an expired token gets 401 (tokenExpiry=1, polled until it expires)", async () => {
        const t = await token(ADMIN, 1);
        const http = client(sim, { bearer: t });
        assert.equal((await http.get(`${API}/v3/roles`)).status, 200);
        let last: any;
        await until(
            async () => {
                last = await http.get(`${API}/v3/roles`);
                return last.status === 401;
            },
            "token expiry",
            100,
            4000,
        );
        assert.match(json(last).exception, /expired/);
    });

    it("the read-only account reads but gets 403 on POST and PUT (Basic and Bearer)", async () => {
        const ro = client(sim, VIEWER);
        assert.equal((await ro.get(`${API}/user`)).status, 200);
        assert.equal((await ro.get(`${API}/roles`)).status, 200);
        assert.equal((await ro.get(`${API}/user/COADMIN`)).status, 200);
        const post = await ro.post(`${API}/user`, { added: [user("ROUSER")] });
        assert.equal(post.status, 403);
        assert.match(json(post).exception, /not authorized/);
        assert.equal((await ro.put(`${API}/user/change-status`, [{ loginId: "DPATEL", disabled: true }])).status, 403);
        assert.equal((await ro.put(`${API}/user/change-lock`, [{ loginId: "DPATEL" }])).status, 403);
        const roBearer = client(sim, { bearer: await token(VIEWER) });
        assert.equal((await roBearer.get(`${API}/v3/user`)).status, 200);
        assert.equal((await roBearer.post(`${API}/v3/user`, { added: [user("ROUSER")] })).status, 403);
        assert.equal((await client(sim).get(`${API}/user/ROUSER`)).status, 404);
    });

    it("custom accounts from the options", async () => {
        const other = await start({ username: "ops", password: "s3cret", readOnlyUsername: "ro", readOnlyPassword: "ro-pw" });
        try {
            assert.equal((await client(other, { username: "ops", password: "s3cret" }).get(`${API}/user`)).status, 200);
            assert.equal((await client(other, ADMIN).get(`${API}/user`)).status, 401);
            assert.equal((await client(other, { username: "ro", password: "ro-pw" }).post(`${API}/user`, {})).status, 403);
        } finally {
            await other.stop();
        }
    });
});
