// The provider driven directly (as the Pulumi host would), against the real simulator.
import assert from "node:assert/strict";
import { expandOutputs } from "pulumi-primavera-admin/provider/resource/outputs";
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

    it("creates a user with its roles and returns the server's id", async () => {
        const res = await create(base("JSMITH", { roles: ["PrimaveraUnifierProduction", "PrimaveraP6Production"] }));
        const live = await sim.user("JSMITH");
        assert.ok(live, "the simulator holds the user");
        assert.equal(res.id, live.id);
        assert.equal(res.outs.userId, live.id);
        assert.equal(live.firstName, "Jim");
        assert.equal(live.organization.name, "sfo");
        assert.deepEqual(live.roles.map((r: any) => r.name).sort(), ["PrimaveraP6Production", "PrimaveraUnifierProduction"]);
        assert.deepEqual(expandOutputs(res.outs).roles, ["PrimaveraP6Production", "PrimaveraUnifierProduction"]);
        assert.equal(res.outs.status, "Active");
        assert.equal(JSON.stringify(res.outs), JSON.stringify(JSON.parse(JSON.stringify(res.outs))), "outputs are plain JSON");
        // Only what managing the user needs: the engine rewrites every property at every checkpoint.
        // The declared fields are one `spec` text whose keys say what is declared; adopt (false) is left out.
        assert.deepEqual(Object.keys(res.outs).sort(), ["locked", "loginId", "spec", "status", "userId"]);
        assert.equal(
            expandOutputs(res.outs).declared,
            "loginId,firstName,lastName,emailAddress,organization,userType,roles,disabled,organization.type",
            "the declared fields, in the order of the field table",
        );
    });

    it("reads a state written by 0.1.0 (declared as a list, with the bookkeeping outputs) as the same state now", async () => {
        const { id, outs } = await create(base("OLDSTATE", { roles: ["PrimaveraCloudAdmin"] }));
        // 0.1.0 kept every field as its own output (no `spec` text), `adopt: false`, and `declared` as a list.
        const old = {
            ...expandOutputs(outs),
            adopt: false,
            declared: String(expandOutputs(outs).declared).split(","),
            roleDetails: [{ name: "PrimaveraCloudAdmin", id: "1", displayName: "x" }],
            createdDate: "2026-01-01T00:00:00",
            lastJobId: "7",
        };
        await sim.drift("OLDSTATE", { firstName: "Drifted", middleName: "Unmanaged" });
        const fromOld = await provider.read(id, old);
        const fromNew = await provider.read(id, outs);
        assert.deepEqual(fromOld, fromNew);
        const inputs = JSON.parse(fromOld.inputs!.spec);
        assert.equal(inputs.firstName, "Drifted", "the declared fields, live, in the engine's form");
        assert.equal(inputs.middleName, undefined, "an undeclared field stays out of the inputs");
        assert.equal(JSON.parse(fromOld.props!.spec).firstName, "Drifted", "rewritten in the form of today");
        // Development builds stored the same text as `live`: read as the same state too.
        const { spec, ...rest } = outs as Record<string, unknown>;
        assert.deepEqual(await provider.read(id, { ...rest, live: spec }), fromNew);
        assert.equal(fromOld.props!.declared, undefined);
        assert.equal(fromOld.props!.roleDetails, undefined);
        assert.equal(fromOld.props!.lastJobId, undefined);
    });

    it("stores the declared fields as one `spec` text and the rest as outputs of their own; diff and read unfold it", async () => {
        const { id, outs } = await create(base("STORED1", { roles: ["PrimaveraCloudAdmin"] }));
        assert.deepEqual(JSON.parse(outs.spec), {
            firstName: "Jim",
            lastName: "Smith",
            emailAddress: "stored1@example.com",
            userType: "EMP",
            organization: { name: "sfo", type: "Company" },
            roles: ["PrimaveraCloudAdmin"],
            disabled: false,
            "organization.type": true,
        });
        assert.equal((await provider.diff(id, outs, base("STORED1", { roles: ["PrimaveraCloudAdmin"] }))).changes, false);
        assert.equal((await provider.diff(id, outs, base("STORED1", { roles: ["PrimaveraCloudAdmin"], lastName: "Smyth" }))).changes, true);
        // A field the program leaves out stays an output of its own, with the live value.
        await sim.drift("STORED1", { employeeNumber: "E-7", firstName: "Drifted" });
        const read = await provider.read(id, outs);
        assert.equal(read.props!.employeeNumber, "E-7");
        assert.equal(read.props!.firstName, undefined, "a declared field is in `spec`");
        assert.equal(JSON.parse(read.props!.spec).firstName, "Drifted");
        assert.equal(JSON.parse(read.inputs!.spec).firstName, "Drifted", "refresh shows the drift by field");
        // A `spec` that is not JSON is ignored: the declared fields read as absent, so the next up
        // re-applies them (a change), and nothing the program leaves out is touched.
        const broken = { ...outs, spec: "{not json" };
        assert.equal((await provider.diff(id, broken, base("STORED1", { roles: ["PrimaveraCloudAdmin"] }))).changes, true);
        assert.deepEqual(expandOutputs({ ...outs, spec: '["a"]' }).firstName, undefined);
        const hostile = expandOutputs({ ...outs, spec: JSON.stringify({ loginId: "OTHER", userId: "1", __provider: "x", lastName: "L" }) });
        assert.equal(hostile.loginId, "STORED1", "`spec` never overrides the identity");
        assert.equal(hostile.userId, outs.userId);
        assert.equal((hostile as Record<string, unknown>).__provider, undefined, "nor adds what is not a managed field");
        assert.equal(hostile.declared, "loginId,lastName");
    });

    it("takes the engine's form (the fields in one `spec` text): check answers in it, normalized; create, diff and update unfold it", async () => {
        const { loginId, password, ...fields } = base("PACKED1", {
            roles: ["PrimaveraCloudAdmin"],
            firstName: "  Jim  ",
            startDate: "2026-01-31",
        });
        assert.equal(password, undefined);
        const packed = { loginId, spec: JSON.stringify(fields) };
        const checked = await provider.check({}, packed);
        assert.deepEqual(checked.failures, []);
        assert.deepEqual(Object.keys(checked.inputs).sort(), ["loginId", "spec"], "answered in the form it was given");
        const spec = JSON.parse(checked.inputs.spec);
        assert.equal(spec.firstName, "Jim", "normalized like flat inputs");
        assert.equal(spec.startDate, "2026-01-31T00:00:00");
        const created = await provider.create(checked.inputs);
        const live = await sim.user("PACKED1");
        assert.equal(created.id, live.id);
        assert.equal(live.firstName, "Jim");
        assert.equal((await provider.diff(created.id, created.outs, checked.inputs)).changes, false);
        // A stack written by 0.1.0 (every field its own output) meets a program of today: no change.
        assert.equal((await provider.diff(created.id, { ...expandOutputs(created.outs), adopt: false }, checked.inputs)).changes, false);
        const changed = { loginId, spec: JSON.stringify({ ...spec, lastName: "Smyth" }) };
        assert.equal((await provider.diff(created.id, created.outs, changed)).changes, true);
        await provider.update(created.id, created.outs, changed);
        assert.equal((await sim.user("PACKED1")).lastName, "Smyth");
        // A preview with a field computed from another resource: the whole spec is not known yet.
        // check passes it through (validated at up) and diff cannot say it is unchanged.
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const preview = await provider.check({}, { loginId, spec: unknown });
        assert.deepEqual(preview.failures, []);
        assert.deepEqual(preview.inputs, { loginId, spec: unknown });
        assert.equal((await provider.diff(created.id, created.outs, { loginId, spec: unknown })).changes, true);
        // A field that fails names itself, in either form.
        const bad = await provider.check({}, { loginId, spec: JSON.stringify({ ...spec, emailAddress: "not-an-email" }) });
        assert.deepEqual(
            bad.failures!.map((f: any) => f.property),
            ["emailAddress"],
        );
    });

    it("refuses a `spec` that is not the User's (hand-edited or hostile inputs), naming it and what it takes", async () => {
        const cases: [Record<string, unknown>, RegExp][] = [
            [{ loginId: "SPECBAD", spec: "{not json" }, /spec must be a JSON object/],
            [{ loginId: "SPECBAD", spec: '["a"]' }, /spec must be a JSON object/],
            [
                { loginId: "SPECBAD", spec: JSON.stringify({ firstName: "A", loginId: "OTHER" }) },
                /'loginId', which a User's spec does not take; it takes: firstName,/,
            ],
            [{ loginId: "SPECBAD", spec: JSON.stringify({ firstName: "A" }), lastName: "B" }, /'lastName' must be inside spec/],
        ];
        for (const [inputs, reason] of cases) {
            const checked = await provider.check({}, inputs);
            assert.equal(checked.failures!.length, 1, JSON.stringify(inputs));
            assert.equal(checked.failures![0].property, "spec");
            assert.match(checked.failures![0].reason, reason);
        }
        await assert.rejects(provider.create({ loginId: "SPECBAD", spec: JSON.stringify({ loginId: "OTHER" }) }), /spec holds 'loginId'/);
        assert.equal(await sim.user("SPECBAD"), undefined);
        assert.equal(await sim.user("OTHER"), undefined);
    });

    it("reads the live record, shows drift, and returns an empty id once the user is gone", async () => {
        const { id, outs } = await create(base("DRIFT1", { roles: ["PrimaveraCloudAdmin"] }));
        await sim.drift("DRIFT1", { firstName: "Changed", roles: ["PrimaveraP6Test"] });
        const read = await provider.read(id, outs);
        assert.equal(read.id, id);
        assert.equal(expandOutputs(read.props!).firstName, "Changed");
        assert.deepEqual(expandOutputs(read.props!).roles, ["PrimaveraP6Test"]);
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
        assert.equal(expandOutputs(after!).firstName, "James");
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
        assert.match(String(checked.failures?.[0]?.reason), /^roles\[0\] is not in the role catalog/);
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
