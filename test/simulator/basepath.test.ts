import * as assert from "node:assert/strict";
import { RunningSimulator } from "../../simulator";
import { API, client, json, pollJob, runJob, start, user } from "../support/http";

const TENANT = "/tenant1";

describe("simulator: basePath", () => {
    let sim: RunningSimulator;
    before(async () => (sim = await start({ basePath: TENANT, jobMs: 200 })));
    after(() => sim.stop());
    beforeEach(async () => {
        assert.equal((await client(sim, null).post("/__sim/reset")).status, 200);
    });

    it("url stays the origin; baseUrl adds the base path", () => {
        assert.equal(sim.url, `http://127.0.0.1:${sim.port}`);
        assert.equal(sim.baseUrl, `${sim.url}${TENANT}`);
    });

    it("API routes and /oauth2/token answer only under the base path; /__sim stays at the root", async () => {
        const http = client(sim);
        for (const p of ["/user", "/v2/roles", "/user/COADMIN", "/oauth2/token"]) {
            assert.equal((await http.get(`${TENANT}${API}${p}`)).status, 200, p);
            const bare = await http.get(`${API}${p}`);
            assert.equal(bare.status, 404, p);
            assert.ok(json(bare).exception);
        }
        const token = (await http.get(`${TENANT}${API}/oauth2/token`)).data as string;
        assert.equal((await client(sim, { bearer: token }).get(`${TENANT}${API}/v3/user`)).status, 200);
        assert.equal((await http.get(`${TENANT}/__sim/stats`)).status, 404);
        const stats = json(await http.get("/__sim/stats"));
        assert.equal(stats.requests["GET /user"]["200"], 1, "route keys leave the base path out");
        assert.equal(stats.requests["GET (unmatched)"]["404"], 5);
    });

    it("absolute Location (POST and a running job's status) includes the base path and the version prefix", async () => {
        const http = client(sim);
        for (const prefix of ["", "/v2"]) {
            const post = await http.post(`${TENANT}${API}${prefix}/user`, { added: [user(`ABS${prefix.length}`)] });
            assert.equal(post.status, 202);
            assert.equal(post.headers.location, `${sim.baseUrl}${API}${prefix}/user/status/${post.data}`);
            const running = await http.get(post.headers.location);
            assert.equal(running.status, 202);
            assert.equal(running.headers.location, post.headers.location);
            assert.equal((await pollJob(http, post.headers.location)).status, 200);
        }
    });

    it("locationStyle relative: a root-relative Location with the base path", async () => {
        const rel = await start({ basePath: TENANT, locationStyle: "relative", jobMs: 200 });
        try {
            const http = client(rel);
            const post = await http.post(`${TENANT}${API}/user`, { added: [user("REL1")] });
            assert.equal(post.status, 202);
            assert.equal(post.data, "51571");
            assert.equal(post.headers.location, "/tenant1/cloudapi/restapi/user/status/51571");
            const running = await http.get(post.headers.location);
            assert.equal(running.status, 202);
            assert.equal(running.headers.location, "/tenant1/cloudapi/restapi/user/status/51571");
            const done = await pollJob(http, post.headers.location);
            assert.equal(json(done).added[0].loginId, "REL1");
        } finally {
            await rel.stop();
        }
    });

    it("without a base path: baseUrl equals url; locationStyle relative gives /cloudapi/restapi/...", async () => {
        const plain = await start({ locationStyle: "relative" });
        try {
            assert.equal(plain.baseUrl, plain.url);
            const http = client(plain);
            const v2 = await http.post(`${API}/v2/user`, { added: [user("REL2")] });
            assert.equal(v2.headers.location, `${API}/v2/user/status/${v2.data}`);
            await pollJob(http, v2.headers.location);
            assert.equal((await runJob(http, { modified: [user("REL2")] })).modified[0].lastAction, "Updated");
        } finally {
            await plain.stop();
        }
    });

    it("a trailing slash is dropped; a malformed base path refuses to start", async () => {
        const slash = await start({ basePath: "/a/b/" });
        try {
            assert.equal(slash.baseUrl, `${slash.url}/a/b`);
            assert.equal((await client(slash).get(`/a/b${API}/roles`)).status, 200);
        } finally {
            await slash.stop();
        }
        for (const bad of ["tenant1", "/a b", "/a/../b", "/__sim", "/t?x=1"]) {
            await assert.rejects(start({ basePath: bad }), /basePath/, bad);
        }
        await assert.rejects(start({ locationStyle: "sideways" as "relative" }), /locationStyle/);
    });
});
