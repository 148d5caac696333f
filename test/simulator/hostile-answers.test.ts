import * as assert from "node:assert/strict";
import * as http from "node:http";
import { RunningSimulator } from "../../simulator";
import { ADMIN, API, client, json, start, until, user } from "../support/http";

const BASIC = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString("base64")}`;

/** A GET over a fresh connection, timed: when the headers came, when the body ended, in how many pieces. */
function timedGet(
    url: string,
    authorization = BASIC,
): Promise<{ status: number; headersMs: number; endMs: number; pieces: number; body: string }> {
    const t0 = Date.now();
    return new Promise((resolve, reject) => {
        const req = http.get(url, { agent: false, headers: { Authorization: authorization } }, (res) => {
            const headersMs = Date.now() - t0;
            const chunks: Buffer[] = [];
            res.on("data", (d: Buffer) => chunks.push(d));
            res.on("end", () =>
                resolve({
                    status: res.statusCode ?? 0,
                    headersMs,
                    endMs: Date.now() - t0,
                    pieces: chunks.length,
                    body: Buffer.concat(chunks).toString("utf8"),
                }),
            );
            res.on("error", reject);
        });
        req.on("error", reject);
    });
}

describe("simulator: hostile answers (echoSecrets, trickle, hugeList, malformed)", () => {
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
    const stats = async () => json(await client(sim, null).get("/__sim/stats"));

    describe("echoSecrets", () => {
        it("a 400 of POST /user quotes the request body, passwords included; without the switch it does not", async () => {
            const body = JSON.stringify({ added: [{ ...user("ECHO1", { password: "Pl41n-Echo-Pw" }), emailAddress: "no-at-sign" }] });
            const post = () => client(sim).post(`${API}/user`, body, { headers: { "Content-Type": "application/json" } });
            const plain = await post();
            assert.equal(plain.status, 400);
            assert.doesNotMatch(plain.data, /Pl41n-Echo-Pw/);
            await setFaults({ echoSecrets: true });
            const echoed = await post();
            assert.equal(echoed.status, 400);
            assert.match(json(echoed).message, /added\[0\]\.emailAddress: not a valid email address; request body: /);
            assert.ok(json(echoed).message.endsWith(body), json(echoed).message);
            const notJson = await client(sim).post(`${API}/user`, `{"added": [{"password": "Pl41n-Half`, {
                headers: { "Content-Type": "application/json" },
                // Sent as it is: axios would quote a text that is not JSON.
                transformRequest: [(d) => d],
            });
            assert.equal(notJson.status, 400);
            assert.match(json(notJson).message, /not valid JSON; request body: \{"added": \[\{"password": "Pl41n-Half$/);
            assert.equal((await stats()).faultsInjected.echoedSecrets, 2);
        });

        it("a 401 quotes the Authorization header it received (Basic, Bearer, none); without the switch it does not", async () => {
            const wrong = { username: "admin", password: "Wr0ng-Pw-Echo" };
            const header = `Basic ${Buffer.from("admin:Wr0ng-Pw-Echo").toString("base64")}`;
            assert.doesNotMatch((await client(sim, wrong).get(`${API}/user`)).data, /Basic /);
            await setFaults({ echoSecrets: true });
            const basic = await client(sim, wrong).get(`${API}/user`);
            assert.equal(basic.status, 401);
            assert.equal(json(basic).message, `Authorization header received: "${header}"`);
            const bearer = await client(sim, { bearer: "not-a-real-token-123" }).get(`${API}/v3/user`);
            assert.equal(json(bearer).message, `Authorization header received: "Bearer not-a-real-token-123"`);
            assert.equal(json(await client(sim, null).get(`${API}/roles`)).message, "Authorization header received: (none)");
            assert.equal((await client(sim).get(`${API}/user`)).status, 200, "a good login is not disturbed");
            assert.equal((await stats()).faultsInjected.echoedSecrets, 3);
        });
    });

    describe("trickle", () => {
        it("writes the headers first, then the body one byte every everyMs, on the routes named", async () => {
            await setFaults({ trickle: { everyMs: 4, routes: ["GET /user/{loginId}"] } });
            const r = await timedGet(`${sim.url}${API}/user/NOBODY`);
            assert.equal(r.status, 404);
            const bytes = Buffer.byteLength(r.body);
            assert.equal(JSON.parse(r.body).exception, "User NOBODY does not exist.");
            assert.ok(r.endMs - r.headersMs >= (bytes - 1) * 4 * 0.8, `${bytes} bytes in ${r.endMs - r.headersMs} ms after the headers`);
            assert.ok(r.pieces >= bytes / 4, `${r.pieces} pieces for ${bytes} bytes`);
            const other = await timedGet(`${sim.url}${API}/user/status/1`);
            assert.equal(other.pieces, 1, "another route is answered at once");
            assert.equal((await stats()).faultsInjected.trickledAnswers, 1);
        });

        it("without routes it slows every vendor route (every version), never the control routes", async () => {
            await setFaults({ trickle: { everyMs: 2 } });
            for (const p of [`${API}/user/status/1`, `${API}/v2/user/GHOST`]) {
                const r = await timedGet(`${sim.url}${p}`);
                assert.equal(r.status, 404, p);
                assert.ok(r.pieces >= Buffer.byteLength(r.body) / 4, `${p}: ${r.pieces} pieces`);
            }
            assert.equal((await timedGet(`${sim.url}/__sim/faults`)).pieces, 1);
        });

        it("stops writing when the client goes away (counted as aborted)", async () => {
            await setFaults({ trickle: { everyMs: 20, routes: ["GET /roles"] } });
            await new Promise<void>((resolve, reject) => {
                const req = http.get(`${sim.url}${API}/roles`, { agent: false, headers: { Authorization: BASIC } }, (res) => {
                    res.once("data", () => {
                        req.destroy();
                        resolve();
                    });
                });
                req.on("error", (e) => ((e as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(e)));
            });
            await until(async () => (await stats()).requests["GET /roles"]?.aborted === 1, "the abandoned answer to be counted");
            assert.equal((await stats()).requests["GET /roles"]["200"], undefined, "never finished");
            assert.equal((await client(sim).get(`${API}/user/DPATEL`)).status, 200);
        });
    });

    describe("hugeList", () => {
        it("emptyEntries: GET /user answers a JSON array of {} entries of about that many bytes, streamed", async () => {
            await setFaults({ hugeList: { bytes: 2_000_000, kind: "emptyEntries" } });
            const r = await timedGet(`${sim.url}${API}/user`);
            assert.equal(r.status, 200);
            assert.ok(Math.abs(r.body.length - 2_000_000) <= 3, String(r.body.length));
            assert.ok(r.pieces > 1, "in chunks");
            const list = JSON.parse(r.body) as unknown[];
            assert.equal(list.length, Math.floor((2_000_000 - 1) / 3));
            assert.deepEqual(list[0], {});
            assert.deepEqual(list[list.length - 1], {});
            assert.equal(json(await client(sim).get(`${API}/user/DPATEL`)).loginId, "DPATEL", "other routes are themselves");
            assert.equal((await stats()).faultsInjected.hugeLists, 1);
        });

        it("garbage: exactly that many bytes of text that is not JSON, labelled as JSON, on every version", async () => {
            await setFaults({ hugeList: { bytes: 200_000, kind: "garbage" } });
            const r = await client(sim).get(`${API}/v2/user`);
            assert.equal(r.status, 200);
            assert.match(String(r.headers["content-type"]), /^application\/json/);
            assert.equal(r.headers["content-length"], "200000");
            assert.equal((r.data as string).length, 200_000);
            assert.throws(() => JSON.parse(r.data as string));
        });

        it("a tiny size still answers a JSON array; a bad switch is 400", async () => {
            await setFaults({ hugeList: { bytes: 1, kind: "emptyEntries" } });
            assert.deepEqual(json(await client(sim).get(`${API}/user`)), []);
            for (const bad of [
                { bytes: 0, kind: "garbage" },
                { bytes: 10, kind: "zeros" },
            ]) {
                assert.equal((await client(sim, null).post("/__sim/faults", { hugeList: bad })).status, 400, JSON.stringify(bad));
            }
        });
    });

    describe("malformed", () => {
        it("those routes answer 200 with a body that is not JSON, after authentication; their work is still done", async () => {
            await setFaults({ malformed: ["GET /user/{loginId}", "POST /user", "GET /v3/roles"] });
            const api = client(sim);
            for (const p of ["/user/DPATEL", "/user/NOBODY"]) {
                const r = await api.get(`${API}${p}`);
                assert.deepEqual([r.status, r.data], [200, `{"truncated": `], p);
                assert.throws(() => JSON.parse(r.data as string));
            }
            const post = await api.post(`${API}/user`, { added: [user("MAL1")] });
            assert.deepEqual([post.status, post.data, post.headers.location], [200, `{"truncated": `, undefined]);
            await until(async () => (await api.get(`${API}/user`)).data.includes('"MAL1"'), "the job it accepted to apply");
            assert.equal((await api.get(`${API}/roles`)).status, 200, "GET /v3/roles names v3 only");
            const token = (await api.get(`${API}/oauth2/token`)).data as string;
            assert.equal((await client(sim, { bearer: token }).get(`${API}/v3/roles`)).data, `{"truncated": `);
            assert.equal((await client(sim, { username: "admin", password: "nope" }).get(`${API}/user/DPATEL`)).status, 401);
            const s = await stats();
            assert.equal(s.faultsInjected.malformedAnswers, 4);
            assert.equal(s.requests["GET /user/{loginId}"]["200"], 2);
        });
    });
});
