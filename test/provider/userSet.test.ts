// UserSet driven as the engine would (check, then create / diff / update / read / delete), against
// the real simulator on 127.0.0.1: job counts, the per-member difference, partial failure, and the
// identity-safety rules that hold for every member.
import assert from "node:assert/strict";
import { resetTenants, tenantFor, USER_SET_PROVIDER_TEXT } from "pulumi-primavera-admin/provider/testing";
import { UserProvider, UserSetProvider } from "../support/untyped";
import { keyByLogin } from "pulumi-primavera-admin/provider/resource/userSet";
import { userSet } from "pulumi-primavera-admin/provider/resource/stateEntry";
import { EngineUserSetProvider } from "pulumi-primavera-admin/provider/resource/userSetProvider";
import { ADMIN, Sim, withSimulator } from "../support/sim";

const member = (i: number, extra: Record<string, unknown> = {}) => ({
    loginId: `SET${String(i).padStart(4, "0")}`,
    firstName: "Set",
    lastName: `Member${i}`,
    emailAddress: `set${i}@example.com`,
    organization: { name: i % 2 ? "sfo" : "nyc" },
    roles: ["PrimaveraP6Test"],
    ...extra,
});

const members = (n: number, from = 0) => Array.from({ length: n }, (_, i) => member(from + i));

describe("UserSet against the simulator", function () {
    let sim: Sim;
    let provider: UserSetProvider;

    before(async () => {
        sim = await withSimulator({ jobMs: 30, jobMsPerUser: 0 });
    });
    after(async () => {
        await sim.stop();
    });
    beforeEach(async () => {
        resetTenants();
        await sim.clearFaults();
        await sim.reset();
        provider = new UserSetProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 60, maxUsersPerJob: 100, maxDeletions: 1000 });
    });

    /** The check that starts a run (a new provider process: each `pulumi up` declares its logins anew). */
    async function checked(list: Record<string, unknown>[]) {
        resetTenants();
        const c = await provider.check({}, { users: keyByLogin(list), __provider: USER_SET_PROVIDER_TEXT });
        assert.deepEqual(c.failures, []);
        return { ...(c.inputs as Record<string, unknown>), __provider: USER_SET_PROVIDER_TEXT };
    }

    const jobs = async () => (await sim.stats()).jobsSubmitted as number;

    it("creates 250 members in ceil(250/100) jobs, with userIds and statuses by login", async () => {
        const { id, outs } = await provider.create(await checked(members(250)));
        assert.match(id, /^userset-/);
        assert.equal(await jobs(), 3);
        const live = new Map((await sim.users()).map((u) => [u.loginId, u]));
        for (let i = 0; i < 250; i++) {
            const login = member(i).loginId;
            assert.equal(outs.userIds[login], live.get(login).id);
            assert.equal(outs.statuses[login], "Active");
            assert.equal(outs.users[login].lastName, `Member${i}`);
        }
        assert.equal((await sim.stats()).overlappingJobs, 0);
    });

    it("an update sends only the difference: changed and removed members in one job, added ones first when it also removes", async () => {
        const created = await provider.create(await checked(members(50)));
        let before = await jobs();
        const changedAndRemoved = members(50).filter((_, i) => i >= 5); // remove 0..4
        changedAndRemoved[0] = member(5, { lastName: "Changed" }); // change one
        const first = await provider.update(created.id, created.outs, await checked(changedAndRemoved));
        assert.equal((await jobs()) - before, 1, "one job carried the changed and the removed members");
        assert.equal(first.outs.users.SET0005.lastName, "Changed");
        before = await jobs();
        const next = changedAndRemoved.filter((_, i) => i >= 5); // remove 5..9
        next[0] = member(10, { lastName: "Changed" }); // change one
        next.push(member(900)); // add one
        const news = await checked(next);
        const diff = await provider.diff(created.id, first.outs, news);
        assert.equal(diff.changes, true);
        assert.deepEqual(diff.replaces, []);
        const { outs } = await provider.update(created.id, first.outs, news);
        // A set that adds and removes (a rename is one of each) removes only once every add is confirmed.
        assert.equal((await jobs()) - before, 2, "the added and changed members, then the removed ones");
        assert.equal(Object.keys(outs.users).length, 41);
        assert.equal(outs.users.SET0010.lastName, "Changed");
        assert.ok(outs.userIds.SET0900);
        const logins = new Set((await sim.users()).map((u) => u.loginId));
        for (let i = 0; i < 10; i++) assert.ok(!logins.has(member(i).loginId), `${member(i).loginId} removed`);
        assert.equal((await provider.diff(created.id, outs, news)).changes, false, "then no change");
    });

    it("refresh is one GET /user (and one read of the audit events for the drift's authors); drift shows by login; a member deleted behind our back is dropped and re-added by the next up", async () => {
        const created = await provider.create(await checked(members(30)));
        await sim.drift("SET0003", { lastName: "Drifted", roles: ["PrimaveraCloudAdmin"] });
        await sim.remove("SET0004");
        const before = (await sim.stats()).requestsTotal;
        const read = await provider.read(created.id, created.outs);
        const stats = await sim.stats();
        assert.equal(stats.requestsTotal - before, 2, "one list and one audit read");
        assert.equal(Object.keys(stats.requests).filter((r) => r.startsWith("GET /audits")).length, 1, "the audit read");
        const props = read.props as any;
        assert.equal(props.users.SET0003.lastName, "Drifted");
        assert.equal(props.users.SET0004, undefined, "dropped");
        assert.equal((read.inputs as any).users.SET0003.lastName, "Drifted", "inputs keyed by login, live values");
        const news = await checked(members(30));
        const { outs } = await provider.update(created.id, props, news);
        assert.equal((await sim.user("SET0003")).lastName, "Member3");
        assert.ok(await sim.user("SET0004"), "re-added");
        assert.ok(outs.userIds.SET0004);
    });

    it("unmanaged roles of a member (roles absent) survive an update; disabled is not reopened", async () => {
        const list = [member(1, { roles: undefined }), member(2)];
        const created = await provider.create(await checked(list));
        await sim.drift("SET0001", { roles: ["PrimaveraCloudAdmin"], disabled: true });
        const { outs } = await provider.update(
            created.id,
            created.outs,
            await checked([member(1, { roles: undefined, lastName: "New" }), member(2)]),
        );
        const live = await sim.user("SET0001");
        assert.equal(live.lastName, "New");
        assert.deepEqual(
            live.roles.map((r: any) => r.name),
            ["PrimaveraCloudAdmin"],
        );
        assert.equal(live.disabled, true);
        assert.equal(outs.users.SET0001.roles, undefined, "roles stay unmanaged in the state");
    });

    it("partial failure: the members that landed are recorded (init error with outputs), the next up retries only the rest", async () => {
        await sim.faults({ failUsers: ["SET0002", "SET0005"] });
        const news = await checked(members(8));
        let recorded: any;
        await assert.rejects(provider.create(news), (e: any) => {
            assert.equal(e.name, "ResourceInitError");
            assert.match(e.message, /2 of 8 member change\(s\) failed/);
            assert.match(e.message, /SET0002/);
            assert.equal(e.properties.__provider, USER_SET_PROVIDER_TEXT);
            recorded = e;
            return true;
        });
        assert.equal(Object.keys(recorded.properties.userIds).length, 6);
        await sim.clearFaults();
        const before = await jobs();
        const { runner } = tenantFor(provider.settings());
        const usersBefore = runner.stats.users;
        const { outs } = await provider.update(recorded.id, recorded.properties, news);
        assert.equal((await jobs()) - before, 1);
        assert.equal(runner.stats.users - usersBefore, 2, "only the two that failed were sent");
        assert.equal(Object.keys(outs.userIds).length, 8);
    });

    it("refuses a login twice in a set, a password, and a member that is someone else's user without adopt", async () => {
        const dup = await provider.check({}, { users: keyByLogin([member(1), member(1, { lastName: "Again" })]) });
        assert.deepEqual(
            dup.failures?.map((f) => f.property),
            ["users.SET0001"],
        );
        assert.match(dup.failures![0].reason, /listed twice/);
        const pw = await provider.check({}, { users: keyByLogin([member(1, { password: "Secret-123" })]) });
        assert.match(pw.failures![0].reason, /password is not supported in a UserSet/);
        assert.doesNotMatch(JSON.stringify(pw), /Secret-123/);
        const bad = await provider.check({}, { users: keyByLogin([member(1, { emailAddress: "nope" })]) });
        assert.deepEqual(
            bad.failures?.map((f) => f.property),
            ["users.SET0001.emailAddress"],
        );

        await sim.drift("SET0003", { firstName: "Their", lastName: "User", emailAddress: "their@example.com", organization: "nyc" });
        const theirs = await sim.user("SET0003");
        await assert.rejects(provider.create(await checked(members(5))), /SET0003.*already exists/s);
        assert.deepEqual(await sim.user("SET0003"), theirs, "untouched");
    });

    it("a login in a set and in a User of the same program: the second declaration fails its check naming it", async () => {
        const user = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 30 });
        const c = await user.check({}, member(1));
        assert.deepEqual(c.failures, []);
        const set = await provider.check({}, { users: keyByLogin([member(1), member(2)]), __provider: USER_SET_PROVIDER_TEXT });
        assert.equal(set.failures!.length, 1);
        assert.equal(set.failures![0].property, "users.SET0001.loginId");
        assert.match(
            set.failures![0].reason,
            /'SET0001' is declared by two resources of this program \(a User with loginId 'SET0001' and a member of a UserSet\)/,
        );
        // Also with adopt: true, and the other way round (the set first, then a User).
        resetTenants();
        assert.deepEqual((await provider.check({}, { users: keyByLogin([member(3, { adopt: true })]) })).failures, []);
        const second = await user.check({}, member(3, { adopt: true }));
        assert.equal(second.failures![0].property, "loginId");
        assert.match(second.failures![0].reason, /declared by two resources/);
        assert.equal(await sim.user("SET0001"), undefined, "nothing was created");
    });

    it("destroy deletes every member in as few jobs as the limit allows; deprovision disables and strips roles", async () => {
        const created = await provider.create(await checked(members(120)));
        const before = await jobs();
        resetTenants(); // a later run (pulumi destroy): a new provider process
        await provider.delete(created.id, created.outs);
        assert.equal((await jobs()) - before, 2);
        assert.equal((await sim.users()).filter((u) => u.loginId.startsWith("SET")).length, 0);

        const dep = new UserSetProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 60, deletionMode: "deprovision" });
        const c2 = await provider.create(await checked(members(5)));
        resetTenants(); // a later run (pulumi destroy): a new provider process
        await dep.delete(c2.id, c2.outs);
        for (const u of (await sim.users()).filter((x) => x.loginId.startsWith("SET"))) {
            assert.equal(u.disabled, true);
            assert.deepEqual(u.roles, []);
        }
    });
    describe("the outputs' shape, adopt and roles", function () {
        /** Checked inputs without the provider text: what the outputs' `users` must equal. */
        const declared = (inputs: Record<string, unknown>) => (inputs as { users: Record<string, unknown> }).users;
        const roleNames = (u: any) => u.roles.map((r: any) => r.name).sort();
        /** The provider the engine runs (stateEntry.ts), with this test's settings. */
        const engineUserSet = () => {
            assert.ok(userSet() instanceof EngineUserSetProvider);
            const engine = new EngineUserSetProvider({
                baseUrl: sim.url,
                ...ADMIN,
                timeoutSeconds: 60,
                maxUsersPerJob: 100,
                maxDeletions: 1000,
            });
            return engine as unknown as UserSetProvider;
        };

        it("users has the inputs' shape (login, declared fields, adopt); statuses and userIds are outputs of their own", async () => {
            const list = [member(1), member(2, { adopt: false, roles: undefined, middleName: "" }), member(3, { disabled: true })];
            const news = await checked(list);
            const { outs } = await provider.create(news);
            assert.deepEqual(outs.users, declared(news));
            assert.deepEqual(Object.keys(outs).sort(), ["statuses", "userIds", "users"]);
            assert.deepEqual(outs.statuses, { SET0001: "Active", SET0002: "Active", SET0003: "Disabled" });
            const live = new Map((await sim.users()).map((u) => [u.loginId, u.id]));
            assert.deepEqual(outs.userIds, { SET0001: live.get("SET0001"), SET0002: live.get("SET0002"), SET0003: live.get("SET0003") });
            // read() reports the members as read, in the same shape: an unchanged tenant reads back as the declaration.
            const read = await provider.read("set", outs);
            assert.deepEqual((read.inputs as any).users, declared(news));
            assert.deepEqual((read.props as any).users, declared(news));
            assert.deepEqual((read.props as any).statuses, outs.statuses);
        });

        it("the engine's provider answers a change as not known (the engine then diffs the inputs per path), no change as none", async () => {
            const news = await checked(members(4));
            const { outs } = await provider.create(news);
            const engine = engineUserSet();
            assert.equal((await engine.diff("set", outs, news)).changes, false);
            const changed = await checked([member(0, { lastName: "Other" }), ...members(3, 1)]);
            assert.equal((await provider.diff("set", outs, changed)).changes, true);
            assert.equal((await engine.diff("set", outs, changed)).changes, undefined);
        });

        it("a state in the earlier form (status inside each member, no login, no statuses) reads, and the next up rewrites it without a job", async () => {
            const news = await checked(members(3));
            const { outs } = await provider.create(news);
            const earlier = {
                users: Object.fromEntries(
                    Object.entries(outs.users as Record<string, any>).map(([login, { loginId: _l, ...m }]) => [
                        login,
                        { ...m, status: "Active" },
                    ]),
                ),
                userIds: outs.userIds,
                __provider: USER_SET_PROVIDER_TEXT,
            };
            const before = await jobs();
            // Its rewrite is a change for the engine too (the inputs did not change).
            assert.equal((await provider.diff("set", earlier, news)).changes, true);
            assert.equal((await engineUserSet().diff("set", earlier, news)).changes, true);
            const updated = await provider.update("set", earlier, news);
            assert.deepEqual(updated.outs.users, declared(news));
            assert.deepEqual(updated.outs.statuses, { SET0000: "Active", SET0001: "Active", SET0002: "Active" });
            assert.deepEqual(updated.outs.userIds, outs.userIds);
            assert.equal(await jobs(), before, "no job: the members already hold their declaration");
            assert.equal((await provider.diff("set", updated.outs, news)).changes, false);
            const read = await provider.read("set", earlier);
            assert.deepEqual((read.props as any).users, declared(news));
            assert.deepEqual((read.props as any).statuses, updated.outs.statuses);
            // Members the earlier form kept without their status still read (no status recorded for them).
            const bare = await provider.read("set", {
                users: { SET0001: { firstName: "Set" } },
                userIds: { SET0001: outs.userIds.SET0001 },
            });
            assert.deepEqual(Object.keys((read.props as any).users).sort(), ["SET0000", "SET0001", "SET0002"]);
            assert.equal((bare.props as any).users.SET0001.loginId, "SET0001");
            assert.equal((bare.props as any).statuses.SET0001, "Active");
        });

        it("adopting members that already hold their declaration sends no job and leaves them untouched", async () => {
            for (const i of [1, 2, 3])
                await sim.drift(member(i).loginId, {
                    firstName: "Set",
                    lastName: `Member${i}`,
                    emailAddress: `set${i}@example.com`,
                    organization: i % 2 ? "sfo" : "nyc",
                    roles: ["PrimaveraP6Test"],
                });
            const live = await Promise.all([1, 2, 3].map((i) => sim.user(member(i).loginId)));
            const before = await jobs();
            const { outs } = await provider.create(await checked([1, 2, 3].map((i) => member(i, { adopt: true }))));
            assert.equal(await jobs(), before, "no job");
            for (const [k, i] of [1, 2, 3].entries()) {
                const now = await sim.user(member(i).loginId);
                assert.deepEqual(now, live[k], "untouched (updatedDate, lastAction)");
                assert.equal(outs.userIds[member(i).loginId], now.id);
            }
        });

        it("adopting a set where one member differs sends one job, for that member only", async () => {
            for (const i of [1, 2, 3])
                await sim.drift(member(i).loginId, {
                    firstName: "Set",
                    lastName: i === 2 ? "Theirs" : `Member${i}`,
                    emailAddress: `set${i}@example.com`,
                    organization: i % 2 ? "sfo" : "nyc",
                    roles: ["PrimaveraP6Test", "PrimaveraCloudAdmin"],
                });
            const live = await Promise.all([1, 2, 3].map((i) => sim.user(member(i).loginId)));
            // roles absent: not managed, so the extra role is no difference
            const news = await checked([1, 2, 3].map((i) => member(i, { adopt: true, roles: undefined })));
            const before = await jobs();
            const { runner } = tenantFor(provider.settings());
            const usersBefore = runner.stats.users;
            const { outs } = await provider.create(news);
            assert.equal((await jobs()) - before, 1, "one job");
            assert.equal(runner.stats.users - usersBefore, 1, "carrying one user");
            assert.equal((await sim.user("SET0002")).lastName, "Member2");
            assert.deepEqual(roleNames(await sim.user("SET0002")), ["PrimaveraCloudAdmin", "PrimaveraP6Test"], "unmanaged roles kept");
            assert.deepEqual(await sim.user("SET0001"), live[0], "untouched");
            assert.deepEqual(await sim.user("SET0003"), live[2], "untouched");
            assert.equal(outs.users.SET0002.lastName, "Member2");
        });

        it("roles are a set: a reorder is no change (the inputs hold them sorted); a role added outside comes after the declared ones", async () => {
            const list = [member(1, { roles: ["PrimaveraP6Test", "PrimaveraCloudAdmin"] })];
            const news = await checked(list);
            assert.deepEqual(declared(news).SET0001, { ...member(1), roles: ["PrimaveraCloudAdmin", "PrimaveraP6Test"] });
            const { outs } = await provider.create(news);
            assert.deepEqual(outs.users.SET0001.roles, ["PrimaveraCloudAdmin", "PrimaveraP6Test"]);
            const reordered = await checked([member(1, { roles: ["PrimaveraCloudAdmin", "PrimaveraP6Test"] })]);
            assert.deepEqual(reordered, news, "the same inputs");
            assert.equal((await provider.diff("set", outs, reordered)).changes, false);
            assert.equal((await engineUserSet().diff("set", outs, reordered)).changes, false);
            // A role added outside Pulumi (sorting first) reads after the declared ones: one addition at the end.
            await sim.drift("SET0001", { roles: ["PrimaveraP6Test", "PrimaveraCloudAdmin", "BIProductionAuthors"] });
            const read = await provider.read("set", outs);
            assert.deepEqual((read.props as any).users.SET0001.roles, ["PrimaveraCloudAdmin", "PrimaveraP6Test", "BIProductionAuthors"]);
            assert.deepEqual((read.inputs as any).users.SET0001.roles, (read.props as any).users.SET0001.roles);
            const before = await jobs();
            const { outs: after } = await provider.update("set", read.props, news);
            assert.equal((await jobs()) - before, 1, "roles are managed: the added role is taken away in one job");
            assert.deepEqual(after.users.SET0001.roles, ["PrimaveraCloudAdmin", "PrimaveraP6Test"]);
        });
    });
});
