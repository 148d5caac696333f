import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { API, client, json, runJob, start, user } from "../support/http";

describe("simulator: persistence and seed files", () => {
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "primavera-sim-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("--data keeps every user and the id counter across a restart; no plain password in the file", async () => {
        const dataFile = path.join(dir, "state", "tenant.json");
        let sim = await start({ dataFile });
        let firstId: string;
        try {
            const http = client(sim);
            const r = await runJob(http, { added: [user("KEEP1", { password: "Pl41n-Text-Pw" }), user("KEEP2")], deleted: ["COADMIN"] });
            firstId = r.added[0].id;
            await http.put(`${API}/user/change-status`, [{ loginId: "KEEP2", disabled: true }]);
        } finally {
            await sim.stop();
        }
        const text = fs.readFileSync(dataFile, "utf8");
        assert.doesNotMatch(text, /Pl41n-Text-Pw/);
        assert.match(text, /sha256\$/);
        assert.deepEqual(fs.readdirSync(path.dirname(dataFile)), ["tenant.json"], "no temporary file left behind");

        sim = await start({ dataFile });
        try {
            const http = client(sim);
            const users = json<any[]>(await http.get(`${API}/user`))
                .map((u) => u.loginId)
                .sort();
            assert.deepEqual(users, ["DPATEL", "KEEP1", "KEEP2"]);
            assert.equal(json(await http.get(`${API}/user/KEEP1`)).id, firstId);
            assert.equal(json(await http.get(`${API}/user/KEEP2`)).status, "Disabled");
            const r = await runJob(http, { added: [user("KEEP3")] });
            assert.ok(Number(r.added[0].id) > Number(firstId), "the id counter survived");
            const post = await http.post(`${API}/user`, { added: [user("KEEP4")] });
            assert.ok(Number(post.data) > 51572, "job ids are not reused");
        } finally {
            await sim.stop();
        }
    });

    it("without --data, state is in memory only", async () => {
        let sim = await start();
        await runJob(client(sim), { added: [user("GONE1")] });
        await sim.stop();
        sim = await start();
        try {
            assert.equal((await client(sim).get(`${API}/user/GONE1`)).status, 404);
        } finally {
            await sim.stop();
        }
    });

    it("a corrupt data file stops the start with a clear error", async () => {
        const bad = path.join(dir, "bad.json");
        fs.writeFileSync(bad, "{not json");
        await assert.rejects(start({ dataFile: bad }), /data file .*bad\.json/);
    });

    it("--seed adds and replaces organizations, roles and users", async () => {
        const seedFile = path.join(dir, "seed.json");
        fs.writeFileSync(
            seedFile,
            JSON.stringify({
                organizations: [
                    { id: "40", name: "sfo", displayName: "San Francisco" },
                    { id: "41", name: "tyo", displayName: "Tokyo" },
                ],
                roles: [{ id: "500", name: "CustomRole", displayName: "Custom Role" }],
                users: [
                    {
                        loginId: "SEEDED",
                        firstName: "S",
                        lastName: "D",
                        emailAddress: "s@example.com",
                        organization: "tyo",
                        roles: ["CustomRole"],
                    },
                ],
            }),
        );
        const sim = await start({ seedFile });
        try {
            const http = client(sim);
            assert.ok(json<any[]>(await http.get(`${API}/roles`)).some((r) => r.name === "CustomRole"));
            const seeded = json(await http.get(`${API}/user/SEEDED`));
            assert.equal(seeded.organization.displayName, "Tokyo");
            assert.deepEqual(seeded.roles, [{ id: "500", name: "CustomRole", displayName: "Custom Role" }]);
            const r = await runJob(http, { added: [user("SFO1")] });
            assert.equal(r.added[0].organization.displayName, "San Francisco");
            assert.equal((await http.get(`${API}/user/DPATEL`)).status, 200, "built-in users stay");
        } finally {
            await sim.stop();
        }
    });
});
