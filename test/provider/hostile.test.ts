// The identity-safety classes attacked as a hostile tenant, a second administrator and a careless
// input would attack them: against the real simulator on 127.0.0.1 with its hostile switches
// (another administrator acting while our job runs, secrets echoed, bytes trickled, huge or
// malformed answers, a job rolled back with an exception, lies in updatedIdMap). Every wait is bounded.
import assert from "node:assert/strict";
import http from "node:http";
import { AddressInfo } from "node:net";
import { getUsers } from "pulumi-primavera-admin";
import { resetTenants } from "pulumi-primavera-admin/provider/testing";
import { UserProvider, UserSetProvider } from "../support/untyped";
import { declaredUser } from "../support/fixtures";
import { ADMIN, Sim, useSimulator } from "../support/sim";
import { keyByLogin } from "pulumi-primavera-admin/provider/resource/userSet";

const PROVIDER_TEXT = "exports.handler = () => ({})";
const base = (loginId: string, extra: Record<string, unknown> = {}) =>
    declaredUser(loginId, { firstName: "Hal", lastName: "Tile", ...extra });
const names = (u: any): string[] => (u?.roles ?? []).map((r: any) => r.name).sort();

async function checked(p: UserProvider, inputs: Record<string, unknown>) {
    const c = await p.check({}, inputs);
    assert.deepEqual(c.failures, []);
    return { ...(c.inputs as Record<string, unknown>), __provider: PROVIDER_TEXT };
}

/** A run of its own (a new provider process), as every `pulumi` command is. */
function newRun(sim: Sim, extra: Record<string, unknown> = {}): UserProvider {
    resetTenants();
    return new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 20, ...extra });
}

async function created(sim: Sim, inputs: Record<string, unknown>) {
    const p = newRun(sim);
    return p.create(await checked(p, inputs));
}

async function rejection(p: Promise<unknown>): Promise<any> {
    return p.then(
        () => assert.fail("expected a rejection"),
        (e) => e,
    );
}

describe("identity safety against a hostile tenant and a second administrator", function () {
    const sim = useSimulator({ jobMs: 60 });

    describe("1. an update never widens access the program does not declare", () => {
        it("an administrator disables the user while our update runs: it stays disabled, and the update succeeds", async () => {
            const { id, outs } = await created(sim, base("OFF1", { roles: ["PrimaveraP6Test"] }));
            await sim.faults({ duringJob: [{ op: "disable", loginId: "OFF1" }] });
            const p = newRun(sim);
            await p.update(id, outs, await checked(p, base("OFF1", { roles: ["PrimaveraP6Test"], lastName: "Renamed" })));
            const live = await sim.user("OFF1");
            assert.equal(live.disabled, true, "the offboarding held");
            assert.equal(live.lastName, "Renamed");
        });

        it("an administrator deletes the user while our update runs: the re-created user is removed again, and the update fails naming it", async () => {
            const { id, outs } = await created(sim, base("OFF2", { roles: ["PrimaveraCloudAdmin"] }));
            await sim.faults({ duringJob: [{ op: "delete", loginId: "OFF2" }] });
            const p = newRun(sim);
            const e = await rejection(
                p.update(id, outs, await checked(p, base("OFF2", { roles: ["PrimaveraCloudAdmin"], lastName: "X" }))),
            );
            assert.match(e.message, /'OFF2' \(id \d+\) was removed by someone else while job \d+ updated it/);
            assert.match(e.message, /does not re-create removed users/);
            assert.equal(await sim.user("OFF2"), undefined, "the person someone removed stays removed");
        });

        it("the same with primavera:deletionMode=deprovision: the user our job created is ours to remove, so it is deleted", async () => {
            const { id, outs } = await created(sim, base("OFF3", { roles: ["PrimaveraCloudAdmin"] }));
            await sim.faults({ duringJob: [{ op: "delete", loginId: "OFF3" }] });
            const p = newRun(sim, { deletionMode: "deprovision" });
            const e = await rejection(
                p.update(id, outs, await checked(p, base("OFF3", { roles: ["PrimaveraCloudAdmin"], lastName: "X" }))),
            );
            assert.match(e.message, /was removed by someone else while job \d+ updated it/);
            assert.equal(await sim.user("OFF3"), undefined);
        });

        it("an administrator removes a role while our update runs (roles undeclared): the role the job re-applied is taken back", async () => {
            const { id, outs } = await created(sim, base("OFF4"));
            await sim.drift("OFF4", { roles: ["PrimaveraP6Test", "PrimaveraCloudAdmin"] });
            await sim.faults({ duringJob: [{ op: "setRoles", loginId: "OFF4", roles: ["PrimaveraP6Test"] }] });
            const p = newRun(sim);
            const e = await rejection(p.update(id, outs, await checked(p, base("OFF4", { lastName: "Changed" }))));
            assert.match(e.message, /'OFF4' was changed by another administrator while job \d+ updated it: COADMIN at/);
            assert.match(e.message, /the roles the job re-applied \[PrimaveraCloudAdmin, PrimaveraP6Test\] were taken back/);
            const live = await sim.user("OFF4");
            assert.ok(!names(live).includes("PrimaveraCloudAdmin"), `the removed role stays removed: ${names(live)}`);
            assert.equal(live.lastName, "Changed", "the declared change is applied");
            assert.equal(e.name, "ResourceInitError", "recorded with what the tenant now holds");
        });

        it("an administrator removes a role while our update runs and the job reports a problem with another role: the re-applied role is still taken back", async () => {
            // Found by the model test: a job entry reporting a problem (here a role whose provisioning fails) used to fail the
            // update before the audit check, so the role the job re-applied from its read stayed granted.
            const { id, outs } = await created(sim, base("OFF7"));
            await sim.drift("OFF7", { roles: ["PrimaveraP6Test", "PrimaveraCloudAdmin"] });
            await sim.faults({
                failRoles: ["PrimaveraP6Test"],
                duringJob: [{ op: "setRoles", loginId: "OFF7", roles: ["PrimaveraP6Test"] }],
            });
            const p = newRun(sim);
            const e = await rejection(p.update(id, outs, await checked(p, base("OFF7", { lastName: "Changed" }))));
            assert.match(e.message, /'OFF7' was changed by another administrator while job \d+ updated it: COADMIN at/);
            assert.match(e.message, /Application Access failed/, "the job's own problem is named too");
            assert.ok(!names(await sim.user("OFF7")).includes("PrimaveraCloudAdmin"), "the removed role stays removed");
        });

        it("an unmanaged field changed while our update runs is reported, not silently overwritten", async () => {
            const { id, outs } = await created(sim, base("OFF5"));
            await sim.faults({ duringJob: [{ op: "set", loginId: "OFF5", fields: { middleName: "Quincy" } }] });
            const p = newRun(sim);
            const e = await rejection(p.update(id, outs, await checked(p, base("OFF5", { lastName: "Changed" }))));
            assert.match(e.message, /fields this program does not manage \(middleName\)/);
        });

        for (const renameIds of [false, true]) {
            it(`with primavera:deletionMode=deprovision, a field an administrator sets while our deprovision runs is reported, not silently overwritten${renameIds ? " (the job also gives the user a new id)" : ""}`, async () => {
                // Found by the model test: a deprovision is a modify job that carries every field as read before it ran, and
                // it did not look at the audit events, so another administrator's change made meanwhile was lost without a word.
                const login = renameIds ? "OFF9" : "OFF8";
                const { id, outs } = await created(sim, base(login, { roles: ["PrimaveraP6Test"] }));
                await sim.faults({ renameIds, duringJob: [{ op: "set", loginId: login, fields: { manager: "BOSS" } }] });
                const e = await rejection(newRun(sim, { deletionMode: "deprovision" }).delete(id, outs));
                assert.match(
                    e.message,
                    new RegExp(`'${login}' was changed by another administrator while job \\d+ deprovisioned it: COADMIN at`),
                );
                assert.match(e.message, /fields this program does not manage \(manager\)/);
                const live = await sim.user(login);
                assert.equal(live.disabled, true, "deprovisioned all the same");
                assert.deepEqual(names(live), []);
                // The resource stays in the state; the next destroy finds the user deprovisioned (or someone else's) and is done.
                await newRun(sim, { deletionMode: "deprovision" }).delete(id, outs);
            });
        }

        it("a UserSet member deleted while the set's update runs is not re-created; the other members are done", async () => {
            const set = new UserSetProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 20 });
            const members = (last: string) => ({
                users: keyByLogin([base("OFFS1", { lastName: last }), base("OFFS2", { lastName: last })]),
            });
            const made = await set.create((await set.check({}, members("A"))).inputs);
            resetTenants();
            await sim.faults({ duringJob: [{ op: "delete", loginId: "OFFS1" }] });
            const e = await rejection(set.update(made.id, made.outs, (await set.check({}, members("B"))).inputs));
            assert.match(e.message, /OFFS1: user 'OFFS1' .*was removed by someone else/s);
            assert.equal(await sim.user("OFFS1"), undefined);
            assert.equal((await sim.user("OFFS2")).lastName, "B");
        });
    });

    describe("2. no run removes users in bulk by accident", () => {
        const set = () => new UserSetProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 30, maxDeletions: 5 });
        const list = (n: number) => keyByLogin(Array.from({ length: n }, (_, i) => base(`BULK${i}`)));

        it("a UserSet whose list comes back empty is refused at preview and at up; nothing is deleted", async () => {
            const p = set();
            const made = await p.create((await p.check({}, { users: list(3) })).inputs);
            resetTenants();
            const empty = (await p.check({}, { users: {} })).inputs;
            await assert.rejects(p.diff(made.id, made.outs, empty), /would remove every member \(3\) of the UserSet/);
            await assert.rejects(p.update(made.id, made.outs, empty), /would remove every member/);
            assert.equal((await sim.users()).filter((u) => u.loginId.startsWith("BULK")).length, 3);
        });

        it("removals over primavera:maxDeletions fail at preview and before anything is deleted; the environment raises it for one run", async () => {
            const p = set();
            const made = await p.create((await p.check({}, { users: list(8) })).inputs);
            resetTenants();
            const two = (await p.check({}, { users: list(2) })).inputs;
            await assert.rejects(
                p.diff(made.id, made.outs, two),
                /refusing to delete 6 member\(s\).*limit of 5 set by primavera:maxDeletions/s,
            );
            await assert.rejects(p.update(made.id, made.outs, two), /PRIMAVERA_MAX_DELETIONS=6/);
            assert.equal((await sim.users()).filter((u) => u.loginId.startsWith("BULK")).length, 8, "nothing deleted");
            process.env.PRIMAVERA_MAX_DELETIONS = "6";
            try {
                resetTenants();
                const raised = new UserSetProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 30 });
                await raised.update(made.id, made.outs, two);
            } finally {
                delete process.env.PRIMAVERA_MAX_DELETIONS;
            }
            assert.equal((await sim.users()).filter((u) => u.loginId.startsWith("BULK")).length, 2);
        });

        it("User deletes beyond the limit fail, naming the setting; the ones within it are done", async () => {
            const made = [];
            for (let i = 0; i < 4; i++) made.push(await created(sim, base(`BUDGET${i}`)));
            const p = newRun(sim, { maxDeletions: 3 });
            const results = await Promise.allSettled(made.map((m) => p.delete(m.id, m.outs)));
            const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
            assert.equal(failed.length, 1);
            assert.match(failed[0].reason.message, /primavera:maxDeletions/);
            assert.equal((await sim.users()).filter((u) => u.loginId.startsWith("BUDGET")).length, 1);
        });

        it("a login moved from a User to a UserSet in one run is released by the User, not deleted", async () => {
            const user = await created(sim, base("MOVE1", { roles: ["PrimaveraP6Test"] }));
            resetTenants();
            const s = new UserSetProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 20 });
            const p = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 20 });
            const made = await s.create(
                (await s.check({}, { users: keyByLogin([base("MOVE1", { adopt: true, roles: ["PrimaveraP6Test"] })]) })).inputs,
            );
            await p.delete(user.id, user.outs); // the engine deletes the removed User last
            const live = await sim.user("MOVE1");
            assert.equal(live?.id, user.id, "the person is still there");
            assert.equal(made.outs.userIds.MOVE1, user.id, "now the set's");
        });

        it("a login moved out of a UserSet whose other add fails is released all the same: no two resources hold the person", async () => {
            // Found by the model test: the set held the release back with its removals (which wait for every add), so
            // after the run both the set and the User the login moved to held the person.
            const s = new UserSetProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 20 });
            const made = await s.create((await s.check({}, { users: keyByLogin([base("MOVE2")]) })).inputs);
            resetTenants();
            const p = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 20 });
            const set = new UserSetProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 20 });
            const userNews = await checked(p, base("MOVE2", { adopt: true }));
            const setNews = (await set.check({}, { users: keyByLogin([base("MOVE3")]) })).inputs;
            const other = { firstName: "Some", lastName: "One", emailAddress: "someone@elsewhere.example.com", organization: "nyc" };
            await sim.faults({ duringJob: [{ op: "create", loginId: "MOVE3", ...other }] });
            const [user, e] = await Promise.all([p.create(userNews), rejection(set.update(made.id, made.outs, setNews))]);
            assert.match(e.message, /MOVE3.*already existed when job/s, "the add failed");
            assert.equal(user.id, made.outs.userIds.MOVE2, "the User holds the person now");
            assert.equal(e.properties.userIds.MOVE2, undefined, "and the set no longer does");
            assert.equal(e.properties.users.MOVE2, undefined);
            assert.equal((await sim.user("MOVE2"))?.id, user.id, "the person is still there");
        });
    });

    describe("3. a rename never deletes a person", () => {
        it("a UserSet rename to a login someone holds fails at preview; at up the removal waits for the add, which fails", async () => {
            const s = new UserSetProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 20 });
            const made = await s.create((await s.check({}, { users: keyByLogin([base("REN1")]) })).inputs);
            resetTenants();
            const renamed = (await s.check({}, { users: keyByLogin([base("DPATEL")]) })).inputs;
            await assert.rejects(s.diff(made.id, made.outs, renamed), /adds member\(s\) whose login already exists in the tenant.*DPATEL/s);
            const e = await rejection(s.update(made.id, made.outs, renamed));
            assert.match(e.message, /DPATEL.*already exists/s);
            assert.match(e.message, /1 removal\(s\) held back \(REN1\)/);
            assert.ok(await sim.user("REN1"), "REN1 was not deleted");
            assert.ok(e.properties.users.REN1, "and stays in the state");
        });

        it("a User rename creates the new login before the old one is deleted: a taken login fails the create, the old user stays", async () => {
            const { id, outs } = await created(sim, base("REN2"));
            const p = newRun(sim);
            const to = await checked(p, base("DPATEL"));
            assert.equal((await p.diff(id, outs, { ...to, loginId: "REN2X" })).deleteBeforeReplace, false);
            await assert.rejects(p.diff(id, outs, to), /renaming user 'REN2' to 'DPATEL'/);
            await assert.rejects(p.create(to), /'DPATEL' already exists/);
            assert.ok(await sim.user("REN2"));
        });
    });

    describe("4. someone else's user is never recorded as ours", () => {
        it("after a lost POST answer, a login another administrator created meanwhile (other fields) is refused, and what our record granted is taken back", async () => {
            // The first POST never reaches the tenant; our retry's job lands on a user COADMIN created just before it ran.
            const proxy = await firstPostLost(sim.url);
            try {
                await sim.faults({
                    duringJob: [
                        {
                            op: "create",
                            loginId: "LOSTX",
                            firstName: "Some",
                            lastName: "One",
                            emailAddress: "someone@elsewhere.example.com",
                            organization: "nyc",
                            roles: [],
                        },
                    ],
                });
                resetTenants();
                const p = new UserProvider({ baseUrl: proxy.url, ...ADMIN, timeoutSeconds: 20 });
                const e = await rejection(p.create(await checked(p, base("LOSTX", { roles: ["PrimaveraCloudAdmin"] }))));
                assert.match(e.message, /'LOSTX' \(id \d+\) already existed when job \d+ ran/);
                assert.match(e.message, /NOT recorded/);
                assert.notEqual(e.name, "ResourceInitError", "no id recorded");
                const live = await sim.user("LOSTX");
                assert.equal(live.createdBy, "COADMIN");
                assert.ok(!names(live).includes("PrimaveraCloudAdmin"), "the role our record granted is taken back");
            } finally {
                await proxy.stop();
            }
        });

        for (const lie of ["map", "entry", "both"] as const) {
            it(`an id the job result lies about (${lie}) is never recorded: the id read under our login is`, async () => {
                await sim.faults({ lieIds: lie });
                const p = newRun(sim);
                const e = await rejection(p.create(await checked(p, base(`LIE${lie}`))));
                await sim.clearFaults();
                const live = await sim.user(`LIE${lie}`);
                assert.equal(e.name, "ResourceInitError");
                assert.equal(e.id, live.id, "the id read under the login");
                assert.match(e.message, /the tenant's answers disagree/);
            });
        }
    });

    describe("5. a job exception confirms nothing", () => {
        it("a job rolled back with an exception and echoed entries: a create records nothing, an update is not confirmed", async () => {
            const { id, outs } = await created(sim, base("ROLL1"));
            await sim.faults({ rollbackEcho: true });
            let p = newRun(sim);
            const c = await rejection(p.create(await checked(p, base("ROLL2"))));
            assert.match(c.message, /creating user 'ROLL2' failed: .*Job rolled back, nothing saved/);
            assert.notEqual(c.name, "ResourceInitError");
            p = newRun(sim);
            const u = await rejection(p.update(id, outs, await checked(p, base("ROLL1", { lastName: "Never" }))));
            assert.match(u.message, /updating user 'ROLL1' .*is not confirmed.*Job rolled back/s);
            assert.equal(await sim.user("ROLL2"), undefined);
            assert.equal((await sim.user("ROLL1")).lastName, "Tile");
        });
    });

    describe("6. no secret leaves in clear", () => {
        it("a user's password quoted by the tenant is masked in the error and in the init error it leaves", async () => {
            await sim.faults({ echoSecrets: true });
            const p = newRun(sim);
            const password = "Zebra-Horse-9931";
            const e = await rejection(p.create(await checked(p, base("SECRET1", { password }))));
            const everything = JSON.stringify({ message: e.message, stack: e.stack, reasons: e.reasons, properties: e.properties });
            assert.ok(!everything.includes(password), everything);
            assert.match(e.message, /\[secret\]/);
        });

        it("a 401 that echoes the Authorization header shows neither the header nor the password", async () => {
            await sim.faults({ echoSecrets: true });
            resetTenants();
            const wrong = "Wrong-Pass-7777";
            const p = new UserProvider({ baseUrl: sim.url, username: ADMIN.username, password: wrong, timeoutSeconds: 10 });
            const e = await rejection(p.read("1", { loginId: "DPATEL", userId: "1" }));
            assert.match(e.message, /refused the credentials/);
            assert.ok(!e.message.includes(wrong));
            assert.ok(!e.message.includes(Buffer.from(`${ADMIN.username}:${wrong}`).toString("base64")), e.message);
        });

        it("a base URL with credentials is refused, and the message does not show them", async () => {
            resetTenants();
            const p = new UserProvider({ baseUrl: sim.url.replace("http://", "http://admin:Leak-Me-1234@") });
            const c = await p.check({}, base("URLPW"));
            const text = JSON.stringify(c.failures);
            assert.match(text, /must not carry credentials/);
            assert.ok(!text.includes("Leak-Me-1234"));
        });
    });

    describe("7. the sign-in account keeps signing in", () => {
        it("an end date, or a start date in the future, on the account the provider signs in with is refused like a disable", async () => {
            await sim.drift("admin", { firstName: "Ad", lastName: "Min", emailAddress: "admin@example.com", organization: "sfo" });
            const { id, outs } = await created(sim, base("admin", { adopt: true }));
            for (const dates of [{ endDate: "2026-01-01" }, { endDate: "2099-01-01" }, { startDate: "2099-01-01" }]) {
                const p = newRun(sim);
                await assert.rejects(
                    p.update(id, outs, await checked(p, base("admin", dates))),
                    /refusing to set a.*date.*the account this provider signs in with/,
                );
            }
            const live = await sim.user("admin");
            assert.equal(live.endDate, undefined);
            assert.equal(live.startDate, undefined);
        });
    });

    describe("8. every wait ends; an answer's cost is bounded", () => {
        it("a tenant that trickles a byte at a time is cut off at the operation's deadline", async () => {
            await sim.faults({ trickle: { everyMs: 300, routes: ["GET /user/{loginId}"] } });
            const p = newRun(sim, { timeoutSeconds: 2 });
            const t0 = Date.now();
            const e = await rejection(p.read("1", { loginId: "DPATEL", userId: "1" }));
            assert.ok(Date.now() - t0 < 4_000, `ended after ${Date.now() - t0} ms`);
            assert.match(e.message, /deadline/);
        });

        it("a huge list of empty entries fails fast with a clear error (no minute, no RangeError, no out-of-memory)", async () => {
            for (const bytes of [12 * 1024 * 1024, 40 * 1024 * 1024]) {
                await sim.faults({ hugeList: { bytes, kind: "emptyEntries" } });
                resetTenants();
                const t0 = Date.now();
                const e = await rejection(getUsers({}, { baseUrl: sim.url, ...ADMIN, timeoutSeconds: 30 }));
                assert.ok(Date.now() - t0 < 10_000, `${bytes}: ended after ${Date.now() - t0} ms`);
                assert.match(e.message, /refusing to parse it|is not a user record/);
            }
        });

        it("a malformed answer is a clear error naming the request", async () => {
            await sim.faults({ malformed: ["GET /user/{loginId}"] });
            const p = newRun(sim);
            const e = await rejection(p.read("1", { loginId: "DPATEL", userId: "1" }));
            assert.match(e.message, /GET .*\/user\/DPATEL/);
        });
    });

    describe("10. a validated date is a sendable date", () => {
        it("a year before 0100 is created as written; an offset that leaves the years 0001-9999 fails the check naming the field", async () => {
            const { outs } = await created(sim, base("DATE1", { startDate: "0050-06-01", endDate: "9999-12-31T21:00:00-02:00" }));
            const live = await sim.user("DATE1");
            assert.equal(live.startDate, "0050-06-01T00:00:00");
            assert.equal(live.endDate, "9999-12-31T23:00:00");
            assert.ok(outs);
            const p = newRun(sim);
            const c = await p.check({}, base("DATE2", { endDate: "9999-12-31T23:00:00-02:00" }));
            assert.equal(c.failures?.[0]?.property, "endDate");
            assert.match(String(c.failures?.[0]?.reason), /^endDate: falls outside the years 0001-9999/);
        });
    });

    describe("9. logins that are JavaScript object keys are logins like any other", () => {
        it("UserSet members constructor, toString, hasOwnProperty and valueOf are created, changed and removed; __proto__ is refused by name", async () => {
            const odd = ["constructor", "toString", "hasOwnProperty", "valueOf"];
            const s = new UserSetProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 20 });
            const made = await s.create((await s.check({}, { users: keyByLogin(odd.map((l) => base(l))) })).inputs);
            for (const l of odd) assert.ok(made.outs.userIds[l], `${l} recorded`);
            resetTenants();
            const next = (await s.check({}, { users: keyByLogin([base("constructor", { lastName: "Changed" }), base("toString")]) }))
                .inputs;
            const { outs } = await s.update(made.id, made.outs, next);
            assert.equal((await sim.user("constructor")).lastName, "Changed");
            assert.equal(await sim.user("valueOf"), undefined, "removed");
            assert.deepEqual(Object.keys(outs.userIds).sort(), ["constructor", "toString"]);
            assert.throws(() => keyByLogin([base("__proto__")]), /'__proto__' is not a valid login/);
        });
    });
});

/** A proxy to the simulator that drops the first POST /user before it reaches the tenant, answering nothing. */
async function firstPostLost(target: string): Promise<{ url: string; stop(): Promise<void> }> {
    let dropped = false;
    const server = http.createServer((req, res) => {
        if (!dropped && req.method === "POST" && req.url?.endsWith("/user")) {
            dropped = true;
            req.socket.destroy();
            return;
        }
        const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
        });
        upstream.on("error", () => res.destroy());
        req.pipe(upstream);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        stop: () =>
            new Promise<void>((r) => {
                server.closeAllConnections();
                server.close(() => r());
            }),
    };
}
