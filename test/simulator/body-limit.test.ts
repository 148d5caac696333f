import * as assert from "node:assert/strict";
import { RunningSimulator } from "../../simulator";
import { API, client, json, runJob, start, user } from "../support/http";

describe("simulator: request body limit (maxBodyBytes)", () => {
    let sim: RunningSimulator;
    before(async () => (sim = await start({ maxBodyBytes: 2048 })));
    after(() => sim.stop());

    it("a body over the limit is answered 413 with a JSON error and changes nothing", async () => {
        const http = client(sim);
        const body = JSON.stringify({ added: [user("BIG1", { manager: "m".repeat(3000) })] });
        const r = await http.post(`${API}/user`, body, { headers: { "Content-Type": "application/json" } });
        assert.equal(r.status, 413);
        assert.match(json(r).exception, /larger than 2048 bytes/);
        assert.equal(json(r).localizedException, false);
        assert.equal((await http.get(`${API}/user/BIG1`)).status, 404);
        const drift = await client(sim, null).put("/__sim/users/DPATEL", { manager: "m".repeat(3000) });
        assert.equal(drift.status, 413, "the control routes have the same limit");
    });

    it("a body within the limit is taken", async () => {
        const r = await runJob(client(sim), { added: [user("SMALL1", { manager: "m".repeat(1500) })] });
        assert.equal(r.added[0].manager.length, 1500);
    });

    it("a limit that is not a positive whole number refuses to start", async () => {
        for (const maxBodyBytes of [0, -1, 1.5]) await assert.rejects(start({ maxBodyBytes }), /maxBodyBytes/);
    });
});
