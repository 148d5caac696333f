// The provider driven directly (as the Pulumi host would), against the real simulator.
import assert from "node:assert/strict";
import { resetTenants, tenantFor } from "pulumi-primavera-admin/provider/testing";
import { UserProvider } from "../support/untyped";
import { declaredUser } from "../support/fixtures";
import { ADMIN, useSimulator, VIEWER } from "../support/sim";

const base = (loginId: string, extra: Record<string, unknown> = {}) =>
    declaredUser(loginId, { firstName: "Jim", lastName: "Smith", disabled: false, adopt: false, ...extra });

describe("UserProvider against the simulator", function () {
    const sim = useSimulator();
    let provider: UserProvider;
    const saved = { ...process.env };

    beforeEach(() => {
        provider = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 20 });
    });
    afterEach(() => {
        process.env = { ...saved };
    });

    async function create(inputs: Record<string, unknown>) {
        const checked = await provider.check({}, inputs);
        assert.deepEqual(checked.failures, []);
        return provider.create(checked.inputs);
    }

    it("creates a user with its roles and returns the server's id; one output per field, roles in the declared order", async () => {
        const res = await create(base("JSMITH", { roles: ["PrimaveraUnifierProduction", "PrimaveraP6Production"] }));
        const live = await sim.user("JSMITH");
        assert.ok(live, "the simulator holds the user");
        assert.equal(res.id, live.id);
        assert.equal(res.outs.userId, live.id);
        assert.equal(live.firstName, "Jim");
        assert.equal(live.organization.name, "sfo");
        assert.deepEqual(live.roles.map((r: any) => r.name).sort(), ["PrimaveraP6Production", "PrimaveraUnifierProduction"]);
        assert.deepEqual(res.outs.roles, ["PrimaveraUnifierProduction", "PrimaveraP6Production"], "in the declared order");
        assert.equal(res.outs.status, "Active");
        assert.equal(JSON.stringify(res.outs), JSON.stringify(JSON.parse(JSON.stringify(res.outs))), "outputs are plain JSON");
        // One output per field as the tenant holds it, the identity and state, and the declared field names; adopt (false) left out.
        assert.deepEqual(Object.keys(res.outs).sort(), [
            "disabled",
            "emailAddress",
            "firstName",
            "lastName",
            "locked",
            "loginId",
            "managedFields",
            "organization",
            "roles",
            "status",
            "userId",
            "userType",
        ]);
        assert.equal(res.outs.emailAddress, "jsmith@example.com");
        assert.deepEqual(res.outs.organization, { name: "sfo", type: "Company" });
        assert.deepEqual(
            res.outs.managedFields,
            ["loginId", "firstName", "lastName", "emailAddress", "organization", "userType", "roles", "disabled", "organization.type"],
            "the declared fields, in the order of the field table",
        );
    });

    it("reads states of every earlier form (0.1.0, `spec`, `live`) as the same state, and writes them back flat", async () => {
        const { id, outs } = await create(base("OLDSTATE", { roles: ["PrimaveraCloudAdmin"] }));
        const { managedFields, ...fields } = outs as Record<string, any>;
        // 0.1.0: every field its own output, `adopt: false`, `declared` as a list, and bookkeeping outputs.
        const v010 = {
            ...fields,
            adopt: false,
            declared: managedFields,
            roleDetails: [{ name: "PrimaveraCloudAdmin", id: "1", displayName: "x" }],
            createdDate: "2026-01-01T00:00:00",
            lastJobId: "7",
        };
        // `spec`: the declared fields' live values in one JSON text whose keys are the declared fields.
        const inText = ["firstName", "lastName", "emailAddress", "userType", "organization", "roles", "disabled"];
        const text = JSON.stringify({ ...Object.fromEntries(inText.map((k) => [k, fields[k]])), "organization.type": true });
        const outside = Object.fromEntries(Object.entries(fields).filter(([k]) => !inText.includes(k)));
        const specForm = { ...outside, spec: text };
        const liveForm = { ...outside, live: text };
        // Each form meets today's program: no field differs, but the state is rewritten flat (an update without a job).
        for (const old of [v010, specForm, liveForm]) {
            const diff = await provider.diff(id, old, base("OLDSTATE", { roles: ["PrimaveraCloudAdmin"] }));
            assert.equal(diff.changes, true, "an old form is written flat by the next up");
            assert.deepEqual(diff.replaces, []);
        }
        await sim.drift("OLDSTATE", { firstName: "Drifted", middleName: "Unmanaged" });
        const fromNew = await provider.read(id, outs);
        assert.equal(fromNew.props!.firstName, "Drifted");
        assert.equal(fromNew.props!.middleName, "Unmanaged", "an undeclared field is an output too");
        assert.equal(fromNew.inputs!.firstName, "Drifted", "the declared fields, live, as the inputs");
        assert.equal(fromNew.inputs!.middleName, undefined, "an undeclared field stays out of the inputs");
        for (const old of [v010, specForm, liveForm]) assert.deepEqual(await provider.read(id, old), fromNew, JSON.stringify(old));
        for (const k of ["declared", "spec", "live", "roleDetails", "lastJobId", "createdDate", "adopt"])
            assert.equal(fromNew.props![k], undefined, k);
        // An update from an old form sends no job when the user holds the declaration, and writes the flat form.
        const jobs = (await sim.stats()).jobsSubmitted;
        const updated = await provider.update(id, specForm, base("OLDSTATE", { roles: ["PrimaveraCloudAdmin"], firstName: "Drifted" }));
        assert.equal((await sim.stats()).jobsSubmitted, jobs, "no job");
        assert.equal(updated.outs.spec, undefined);
        assert.equal(updated.outs.firstName, "Drifted");
        assert.equal(
            (await provider.diff(id, updated.outs, base("OLDSTATE", { roles: ["PrimaveraCloudAdmin"], firstName: "Drifted" }))).changes,
            false,
        );
        // Deleting from an old form (a later run: `pulumi destroy`) finds the user by the identity it holds.
        resetTenants();
        await provider.delete(id, v010);
        assert.equal(await sim.user("OLDSTATE"), undefined);
    });

    it("refuses stray properties naming them: in stored outputs (also inside a `spec` text) and in inputs", async () => {
        const { id, outs } = await create(base("STRAY1"));
        await assert.rejects(provider.read(id, { ...outs, nickname: "x" }), /holds 'nickname', which a User's outputs do not take/);
        await assert.rejects(
            provider.read(id, { loginId: "STRAY1", userId: id, spec: JSON.stringify({ loginId: "OTHER", lastName: "L" }) }),
            /`spec` text holds 'loginId', which a User never stored there/,
        );
        await assert.rejects(
            provider.diff(id, outs, { ...base("STRAY1"), nickname: "x" }),
            /holds 'nickname', which a User's inputs do not take/,
        );
        await assert.rejects(provider.create({ ...base("STRAY2"), spec: "{}" }), /holds 'spec', which a User's inputs do not take/);
        assert.equal(await sim.user("STRAY2"), undefined, "nothing created");
        // A `spec` that is not JSON holds nothing: the declared fields read as absent, so the next up applies them again.
        const broken = { loginId: "STRAY1", userId: id, roles: [], disabled: false, spec: "{not json" };
        assert.equal((await provider.diff(id, broken, base("STRAY1"))).changes, true);
    });

    it("an unknown on one field (a preview): check lets it pass, diff counts only that field as changed", async () => {
        const inputs = base("UNKNOWN1", { roles: ["PrimaveraCloudAdmin"] });
        const { id, outs } = await create(inputs);
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const preview = await provider.check({}, { ...inputs, emailAddress: unknown });
        assert.deepEqual(preview.failures, []);
        assert.equal(preview.inputs.emailAddress, unknown);
        assert.equal(preview.inputs.firstName, "Jim", "the other fields are checked and kept");
        assert.equal((await provider.diff(id, outs, { ...inputs, emailAddress: unknown })).changes, true);
        assert.equal((await provider.diff(id, outs, inputs)).changes, false);
    });

    it("roles compare as a set: a reordering is no change; read keeps the declared order and appends a role added outside", async () => {
        const roles = ["PrimaveraUnifierProduction", "PrimaveraCloudAdmin"];
        const { id, outs } = await create(base("ROLESET1", { roles }));
        assert.deepEqual(outs.roles, roles);
        assert.equal((await provider.diff(id, outs, base("ROLESET1", { roles: [...roles].reverse() }))).changes, false);
        await sim.drift("ROLESET1", {
            roles: ["PrimaveraUnifierTest", "PrimaveraCloudAdmin", "PrimaveraUnifierProduction", "PrimaveraP6Test"],
        });
        const read = await provider.read(id, outs);
        assert.deepEqual(
            read.props!.roles,
            [...roles, "PrimaveraP6Test", "PrimaveraUnifierTest"],
            "the declared order, then the others sorted",
        );
        assert.deepEqual(read.inputs!.roles, read.props!.roles);
        assert.equal((await provider.diff(id, read.props!, base("ROLESET1", { roles }))).changes, true, "the added roles are drift");
    });

    it("adopting a user that already matches the program sends no job and leaves its dates; a differing one gets one job", async () => {
        const declared = base("ADOPTEQ", { organization: { name: "sfo" }, adopt: true });
        await sim.drift("ADOPTEQ", {
            firstName: "Jim",
            lastName: "Smith",
            emailAddress: "adopteq@example.com",
            userType: "EMP",
            organization: { name: "sfo" },
            roles: ["PrimaveraP6Production"],
        });
        const before = await sim.user("ADOPTEQ");
        const jobs = (await sim.stats()).jobsSubmitted;
        const adopted = await create(declared);
        assert.equal(adopted.id, before.id);
        assert.equal((await sim.stats()).jobsSubmitted, jobs, "no job for a user that matches");
        assert.deepEqual(await sim.user("ADOPTEQ"), before, "nothing changed, updatedDate and lastAction included");
        assert.equal(adopted.outs.adopt, true);
        assert.deepEqual(adopted.outs.roles, ["PrimaveraP6Production"], "unmanaged roles read back");
        // One field differs: one job.
        await sim.drift("ADOPTNE", {
            firstName: "Jim",
            lastName: "Old",
            emailAddress: "adoptne@example.com",
            userType: "EMP",
            organization: { name: "sfo" },
        });
        await create(base("ADOPTNE", { organization: { name: "sfo" }, adopt: true }));
        assert.equal((await sim.stats()).jobsSubmitted, jobs + 1, "one job for a user that differs");
        assert.equal((await sim.user("ADOPTNE")).lastName, "Smith");
    });

    it("reads the live record, shows drift, and returns an empty id once the user is gone", async () => {
        const { id, outs } = await create(base("DRIFT1", { roles: ["PrimaveraCloudAdmin"] }));
        await sim.drift("DRIFT1", { firstName: "Changed", roles: ["PrimaveraP6Test"] });
        const read = await provider.read(id, outs);
        assert.equal(read.id, id);
        assert.equal(read.props!.firstName, "Changed");
        assert.deepEqual(read.props!.roles, ["PrimaveraP6Test"]);
        const diff = await provider.diff(id, read.props!, base("DRIFT1", { roles: ["PrimaveraCloudAdmin"] }));
        assert.equal(diff.changes, true);
        await sim.remove("DRIFT1");
        const gone = await provider.read(id, outs);
        assert.equal(gone.id, "");
    });

    it("updates only managed fields: unmanaged roles and fields survive", async () => {
        const inputs = base("KEEP1");
        const { id, outs } = await create(inputs);
        // Someone gives the user roles and an employee number in the vendor's UI.
        await sim.drift("KEEP1", { roles: ["PrimaveraP6Production"], employeeNumber: "E-42", manager: "BOSS" });
        const news = { ...inputs, firstName: "James" };
        const { outs: after } = await provider.update(id, outs, news);
        const live = await sim.user("KEEP1");
        assert.equal(live.firstName, "James");
        assert.deepEqual(
            live.roles.map((r: any) => r.name),
            ["PrimaveraP6Production"],
            "roles the program does not manage are kept",
        );
        assert.equal(live.employeeNumber, "E-42");
        assert.equal(live.manager, "BOSS");
        assert.equal(after!.firstName, "James");
    });

    it("replaces the role set when roles are managed, and [] removes them all", async () => {
        const { id, outs } = await create(base("ROLES1", { roles: ["PrimaveraUnifierProduction"] }));
        const r1 = await provider.update(id, outs, base("ROLES1", { roles: ["PrimaveraP6Production", "PrimaveraCloudAdmin"] }));
        assert.deepEqual((await sim.user("ROLES1")).roles.map((r: any) => r.name).sort(), ["PrimaveraCloudAdmin", "PrimaveraP6Production"]);
        await provider.update(id, r1.outs!, base("ROLES1", { roles: [] }));
        assert.deepEqual((await sim.user("ROLES1")).roles ?? [], []);
    });

    it("diff: no change for identical inputs, replace on loginId, unknowns pass", async () => {
        const inputs = base("DIFF1", { roles: ["PrimaveraCloudAdmin"], startDate: "2026-01-01" });
        const { id, outs } = await create(inputs);
        assert.equal((await provider.diff(id, outs, inputs)).changes, false);
        const renamed = await provider.diff(id, outs, { ...inputs, loginId: "DIFF2" });
        assert.deepEqual(renamed.replaces, ["loginId"]);
        assert.equal(renamed.deleteBeforeReplace, false, "the new login is created before the old user is deleted");
        // A rename to a login someone else holds fails at preview, before anything is deleted.
        await assert.rejects(provider.diff(id, outs, { ...inputs, loginId: "DPATEL" }), (e: Error) => {
            assert.match(e.message, /renaming user 'DIFF1' to 'DPATEL': 'DPATEL' already exists in the tenant/);
            assert.match(e.message, /'DIFF1' is kept/);
            return true;
        });
        assert.deepEqual((await provider.diff(id, outs, { ...inputs, loginId: "DPATEL", adopt: true })).replaces, ["loginId"]);
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const withUnknown = await provider.diff(id, outs, { ...inputs, lastName: unknown });
        assert.equal(withUnknown.changes, true);
        assert.deepEqual(withUnknown.replaces, []);
        assert.equal((await provider.diff(id, { ...outs, __provider: "a" }, { ...inputs, __provider: "a" })).changes, false);
        assert.equal((await provider.diff(id, { ...outs, __provider: "a" }, { ...inputs, __provider: "b" })).changes, true);
    });

    it("refuses to take over an existing user without adopt, and adopts it with adopt: true", async () => {
        await sim.drift("EXIST1", {
            firstName: "Old",
            lastName: "Name",
            emailAddress: "old@example.com",
            organization: { name: "nyc" },
            roles: ["PrimaveraP6Production"],
        });
        const before = await sim.user("EXIST1");
        await assert.rejects(create(base("EXIST1")), (e: Error) => {
            assert.match(e.message, /EXIST1/);
            assert.match(e.message, new RegExp(`id ${before.id}`));
            assert.match(e.message, /adopt: true/);
            return true;
        });
        assert.deepEqual(await sim.user("EXIST1"), before, "nothing changed");
        const adopted = await create(base("EXIST1", { adopt: true }));
        assert.equal(adopted.id, before.id);
        const live = await sim.user("EXIST1");
        assert.equal(live.firstName, "Jim");
        assert.equal(live.organization.name, "sfo");
        assert.deepEqual(
            live.roles.map((r: any) => r.name),
            ["PrimaveraP6Production"],
            "unmanaged roles kept on adoption",
        );
    });

    it("reports a user created with a failed role as created (init error with its id)", async () => {
        // check() now refuses a role missing from GET /roles; a role can still vanish between preview and up.
        const checked = await provider.check({}, base("BADROLE", { roles: ["NoSuchRole"] }));
        assert.match(String(checked.failures?.[0]?.reason), /^roles\[0\]: not in the role catalog/);
        await assert.rejects(provider.create(checked.inputs), (e: any) => {
            assert.equal(e.name, "ResourceInitError");
            assert.ok(e.id, "the error carries the id");
            assert.match(e.message, /Application Access failed/);
            assert.equal(e.properties.loginId, "BADROLE");
            assert.deepEqual(e.reasons, [e.message]);
            return true;
        });
        assert.ok(await sim.user("BADROLE"), "the user exists on the server");
    });

    it("fails a user with an unknown organization quoting the server, and creates nothing", async () => {
        await assert.rejects(create(base("BADORG", { organization: { name: "atlantis" } })), (e: Error) => {
            assert.doesNotMatch(e.name, /ResourceInitError/);
            assert.match(e.message, /BADORG/);
            assert.match(e.message, /atlantis/i);
            return true;
        });
        assert.equal(await sim.user("BADORG"), undefined);
    });

    it("deletes, verifies the user is gone, and succeeds when it is already gone", async () => {
        const { id, outs } = await create(base("DEL1"));
        resetTenants(); // a later run (pulumi destroy): a new provider process
        await provider.delete(id, outs);
        assert.equal(await sim.user("DEL1"), undefined);
        resetTenants(); // a later run (pulumi destroy): a new provider process
        await provider.delete(id, outs);
    });

    it("quotes deleteFailed when the tenant refuses a delete", async () => {
        const { id, outs } = await create(base("DELFAIL"));
        await sim.faults({ failUsers: ["DELFAIL"] });
        resetTenants(); // a later run (pulumi destroy): a new provider process
        await assert.rejects(provider.delete(id, outs), (e: Error) => {
            assert.match(e.message, /deleting user 'DELFAIL' failed/);
            assert.match(e.message, /deprovision/);
            return true;
        });
        assert.ok(await sim.user("DELFAIL"));
    });

    it("deprovisions (disable, remove all roles) when deletionMode is deprovision", async () => {
        const { id, outs } = await create(base("DEPROV", { roles: ["PrimaveraCloudAdmin"] }));
        const p = new UserProvider({ baseUrl: sim.url, ...ADMIN, deletionMode: "deprovision", timeoutSeconds: 20 });
        resetTenants(); // a later run (pulumi destroy): a new provider process
        await p.delete(id, outs);
        const live = await sim.user("DEPROV");
        assert.equal(live.disabled, true);
        assert.deepEqual(live.roles ?? [], []);
        assert.equal(live.firstName, "Jim", "other fields kept");
    });

    it("follows updatedIdMap: a job that gives the user a new id moves the state to it", async () => {
        const { id, outs } = await create(base("IDMAP1"));
        await sim.faults({ renameIds: true });
        const res = await provider.update(id, outs, base("IDMAP1", { lastName: "Mapped" }));
        await sim.clearFaults();
        const live = await sim.user("IDMAP1");
        assert.notEqual(live.id, id, "the tenant gave the user a new id");
        assert.equal(res.outs!.userId, live.id, "the new id, from updatedIdMap");
        assert.equal(live.lastName, "Mapped");
        // The next update works from the new id.
        const again = await provider.update(id, res.outs!, base("IDMAP1", { lastName: "Again" }));
        assert.equal(again.outs!.userId, live.id);
        assert.equal((await sim.user("IDMAP1")).lastName, "Again");
    });

    it("leaves alone a login whose id is not the one in state (deleted and created again outside Pulumi)", async () => {
        const { id, outs } = await create(base("REBORN1"));
        await sim.remove("REBORN1");
        await sim.drift("REBORN1", { firstName: "Other", lastName: "Person", emailAddress: "other@example.com", organization: "nyc" });
        const other = await sim.user("REBORN1");
        assert.notEqual(other.id, id);
        await assert.rejects(provider.update(id, outs, base("REBORN1", { lastName: "Mine" })), (e: Error) => {
            assert.match(e.message, /now has id/);
            assert.match(e.message, new RegExp(`not ${id}`));
            return true;
        });
        const read = await provider.read(id, outs);
        assert.equal(read.id, "", "refresh drops ours: the live user is someone else's");
        resetTenants(); // a later run (pulumi destroy): a new provider process
        await provider.delete(id, outs);
        const after = await sim.user("REBORN1");
        assert.ok(after, "destroy did not delete the other user");
        assert.deepEqual({ id: after.id, lastName: after.lastName }, { id: other.id, lastName: "Person" });
    });

    it("keeps a password out of the outputs and detects a change through its hash", async () => {
        const inputs = base("PWD1", { password: "S3cret-Pa55word!" });
        const { id, outs } = await create(inputs);
        const text = JSON.stringify(outs);
        assert.doesNotMatch(text, /S3cret-Pa55word!/);
        assert.equal(outs.password, undefined);
        assert.match(outs.passwordHash, /^hmac-sha256:/);
        assert.equal((await provider.diff(id, outs, inputs)).changes, false);
        assert.equal((await provider.diff(id, outs, { ...inputs, password: "another-one-1" })).changes, true);
        const live = await sim.user("PWD1");
        assert.doesNotMatch(JSON.stringify(live), /S3cret-Pa55word!/);
    });

    it("works with OAuth on the v3 paths and renews an expired token once", async () => {
        const p = new UserProvider({ baseUrl: sim.url, ...ADMIN, authMode: "oauth", timeoutSeconds: 20 });
        const { id, outs } = await p.check({}, base("OAUTH1")).then((c) => p.create(c.inputs));
        assert.ok(id);
        const stats = await sim.stats();
        assert.ok(
            Object.keys(stats.requests).some((k) => k.includes("oauth2/token")),
            "a token was fetched",
        );
        const client = tenantFor(p.settings()).client as any;
        assert.equal(client.path("/user"), "/cloudapi/restapi/v3/user");
        // Spoil the cached token: the next call gets 401, renews the token and goes on.
        client.token = { value: "expired-token", expiresAt: Date.now() + 3600_000 };
        const read = await p.read(id, outs);
        assert.equal(read.id, id);
    });

    it("explains 401 and 403 in words a user can act on, without the password", async () => {
        const wrong = new UserProvider({ baseUrl: sim.url, username: "admin", password: "not-the-password", timeoutSeconds: 10 });
        await assert.rejects(wrong.read("x", { loginId: "NOBODY" }), (e: Error) => {
            assert.match(e.message, /401/);
            assert.match(e.message, /primavera:password/);
            assert.doesNotMatch(e.message, /not-the-password/);
            return true;
        });
        const viewer = new UserProvider({ baseUrl: sim.url, ...VIEWER, timeoutSeconds: 10 });
        await assert.rejects(
            viewer.check({}, base("RO1")).then((c) => viewer.create(c.inputs)),
            (e: Error) => {
                assert.match(e.message, /403/);
                assert.match(e.message, /Cloud Administrator/);
                return true;
            },
        );
    });

    it("names both ways to set missing configuration", async () => {
        for (const k of Object.keys(process.env)) if (k.startsWith("PRIMAVERA_")) delete process.env[k];
        const p = new UserProvider();
        await assert.rejects(p.read("x", { loginId: "A" }), (e: Error) => {
            assert.match(e.message, /primavera:baseUrl/);
            assert.match(e.message, /PRIMAVERA_BASE_URL/);
            assert.match(e.message, /pulumi config set --secret primavera:password/);
            assert.match(e.message, /PRIMAVERA_PASSWORD/);
            return true;
        });
        process.env.PRIMAVERA_BASE_URL = sim.url;
        process.env.PRIMAVERA_USERNAME = "admin";
        process.env.PRIMAVERA_PASSWORD = ADMIN.password;
        const fromEnv = new UserProvider();
        assert.equal((await fromEnv.read("x", { loginId: "NOBODY" })).id, "");
    });

    it("requires https for hosts that are not loopback unless insecure is set", async () => {
        const p = new UserProvider({ baseUrl: "http://primavera.example.com/tenant", ...ADMIN });
        assert.throws(() => p.settings(), /plain http.*primavera:insecure/s);
        const ok = new UserProvider({ baseUrl: "http://primavera.example.com/tenant", ...ADMIN, insecure: true });
        assert.equal(ok.settings().baseUrl, "http://primavera.example.com/tenant");
        assert.equal(
            new UserProvider({ baseUrl: "https://x.example.com/t/cloudapi/restapi/", ...ADMIN }).settings().baseUrl,
            "https://x.example.com/t",
        );
    });

    it("batches concurrent creates into few jobs, one job at a time", async () => {
        const n = 60;
        const results = await Promise.all(Array.from({ length: n }, (_, i) => create(base(`BATCH${i}`))));
        assert.equal(new Set(results.map((r) => r.id)).size, n, "every user got its own id");
        const stats = await sim.stats();
        assert.ok(stats.jobsRun <= 3, `60 creates took ${stats.jobsRun} jobs`);
        assert.equal(stats.overlappingJobs, 0);
        const users = await sim.users();
        assert.equal(users.filter((u) => u.loginId.startsWith("BATCH")).length, n);
    });
});
