/** The vendor seed's own curl example works end to end against the simulator. */
import * as assert from "node:assert/strict";
import { RunningSimulator } from "../../simulator";
import { API, client, json, pollJob, start } from "../support/http";

describe("simulator: the seed's curl example", () => {
    let sim: RunningSimulator;
    before(async () => (sim = await start()));
    after(() => sim.stop());

    it("POST of the vendor page's first example -> 202 + Location + job id; polling reaches 200 with JSMITH; GET returns the record", async () => {
        const http = client(sim);
        // Exactly the body and headers of the seed's first cURL example, plus Basic credentials.
        const body = `{"added":[{ "loginId": "JSMITH", "organization": { "name": "sfo" }, "userType": "EMP", "emailAddress": "jsmith@company.com", "firstName": "Jim", "lastName": "Smith"}]}`;
        const post = await http.post(`${API}/user`, body, {
            headers: { accept: "application/json", "Content-Type": "application/json" },
        });
        assert.equal(post.status, 202);
        assert.match(post.data, /^\d+$/);
        const jobId = post.data as string;
        assert.equal(post.headers.location, `${sim.url}${API}/user/status/${jobId}`);

        const done = await pollJob(http, post.headers.location);
        assert.equal(done.status, 200);
        const result = json(done);
        const jsmith = result.added.find((u: any) => u.loginId === "JSMITH");
        assert.ok(jsmith, "JSMITH in added");
        assert.match(jsmith.id, /^\d+$/);
        assert.equal(jsmith.statusInfoOK, true);
        assert.equal(jsmith.lastAction, "Created");
        assert.equal(result.exception, "");

        const get = await http.get(`${API}/user/JSMITH`);
        assert.equal(get.status, 200);
        const rec = json(get);
        assert.equal(rec.id, jsmith.id);
        assert.equal(rec.loginId, "JSMITH");
        assert.equal(rec.emailAddress, "jsmith@company.com");
        assert.deepEqual(
            { name: rec.organization.name, id: rec.organization.id, displayName: rec.organization.displayName },
            { name: "sfo", id: "4", displayName: "sfo" },
        );
        assert.equal(rec.status, "Active");
        assert.match(rec.createdDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    });
});
