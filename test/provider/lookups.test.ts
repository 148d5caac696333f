// Lookups (getUser / getUsers / getRoles) and the preview-time role check, against the simulator.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { getRoles, getRolesOutput, getUser, getUserOutput, getUsers, getUsersOutput } from "pulumi-primavera-admin";
import { resetTenants } from "pulumi-primavera-admin/provider/testing";
import { UserProvider } from "../support/untyped";
import { closeMatches } from "pulumi-primavera-admin/provider/tenant/roles";
import { ADMIN, Sim, withSimulator } from "../support/sim";

const valid = {
    loginId: "JSMITH",
    firstName: "Jim",
    lastName: "Smith",
    emailAddress: "jim.smith@example.com",
    organization: { name: "sfo", type: "Company" },
};

describe("lookups and the role check", function () {
    let sim: Sim;
    const saved = { ...process.env };
    const ENV_KEYS = ["PRIMAVERA_BASE_URL", "PRIMAVERA_USERNAME", "PRIMAVERA_PASSWORD"];

    before(async () => {
        sim = await withSimulator();
    });
    after(async () => {
        await sim.stop();
    });
    beforeEach(async () => {
        resetTenants();
        await sim.reset();
        for (const k of ENV_KEYS) delete process.env[k];
    });
    afterEach(() => {
        process.env = { ...saved };
    });

    describe("getUser / getUsers / getRoles", () => {
        it("getUser returns a seeded user as plain data, and undefined for an unknown login", async () => {
            const config = { baseUrl: sim.url, ...ADMIN };
            const u = await getUser("DPATEL", config);
            assert.ok(u);
            assert.equal(u.loginId, "DPATEL");
            assert.equal(u.organization?.name, "nyc");
            assert.deepEqual(u.roles, ["PrimaveraP6Production", "PrimaveraUnifierProduction"]);
            assert.equal(u.userId, "1002");
            assert.equal(u.disabled, false);
            // The tenant's bookkeeping, which a User resource's outputs leave out.
            assert.ok(
                u.roleDetails.every((r) => r.id && r.displayName),
                "role details carry ids and display names",
            );
            assert.equal(u.organizationDetails?.name, "nyc");
            assert.match(u.createdDate ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
            assert.deepEqual(JSON.parse(JSON.stringify(u)), u, "plain JSON");
            assert.equal(await getUser("NOBODY", config), undefined);
        });

        it("resolves settings from the environment when no config is given", async () => {
            process.env.PRIMAVERA_BASE_URL = sim.url;
            process.env.PRIMAVERA_USERNAME = ADMIN.username;
            process.env.PRIMAVERA_PASSWORD = ADMIN.password;
            assert.equal((await getUser("COADMIN"))?.firstName, "Cloud");
        });

        it("says what is missing when nothing is configured", async () => {
            await assert.rejects(getUsers(), /not configured[\s\S]*PRIMAVERA_BASE_URL/);
        });

        it("getUsers filters by organization, role, status, disabled and login prefix", async () => {
            const config = { baseUrl: sim.url, ...ADMIN };
            await sim.drift("NYC1", {
                firstName: "A",
                lastName: "B",
                emailAddress: "a@example.com",
                organization: "nyc",
                roles: ["PrimaveraP6Test"],
            });
            await sim.drift("NYC2", { firstName: "C", lastName: "D", emailAddress: "c@example.com", organization: "nyc", roles: [] });
            await sim.drift("SFO1", {
                firstName: "E",
                lastName: "F",
                emailAddress: "e@example.com",
                organization: "sfo",
                roles: ["PrimaveraP6Test"],
            });
            const provider = new UserProvider({ baseUrl: sim.url, ...ADMIN });
            // Disable NYC2 the way a program would.
            const live = await getUser("NYC2", config);
            await provider.update(
                live!.userId,
                live as any,
                {
                    ...valid,
                    loginId: "NYC2",
                    firstName: "C",
                    lastName: "D",
                    emailAddress: "c@example.com",
                    organization: { name: "nyc" },
                    disabled: true,
                } as any,
            );

            const logins = (us: { loginId: string }[]) => us.map((u) => u.loginId);
            assert.deepEqual(logins(await getUsers({}, config)), ["COADMIN", "DPATEL", "NYC1", "NYC2", "SFO1"]);
            assert.deepEqual(logins(await getUsers({ organization: "nyc" }, config)), ["DPATEL", "NYC1", "NYC2"]);
            assert.deepEqual(logins(await getUsers({ role: "PrimaveraP6Test" }, config)), ["NYC1", "SFO1"]);
            assert.deepEqual(logins(await getUsers({ disabled: true }, config)), ["NYC2"]);
            assert.deepEqual(logins(await getUsers({ status: "active", organization: "nyc" }, config)), ["DPATEL", "NYC1"]);
            assert.deepEqual(logins(await getUsers({ status: "Disabled" }, config)), ["NYC2"]);
            assert.deepEqual(logins(await getUsers({ loginIdPrefix: "NYC" }, config)), ["NYC1", "NYC2"]);
            assert.deepEqual(
                logins(await getUsers({ loginIdPrefix: "nyc" }, config)),
                [],
                "the prefix matches the login exactly, case included",
            );
        });

        it("getUser matches the login exactly: 'dpatel' is not DPATEL", async () => {
            const config = { baseUrl: sim.url, ...ADMIN };
            assert.equal((await getUser("DPATEL", config))?.loginId, "DPATEL");
            assert.equal(await getUser("dpatel", config), undefined);
            assert.equal(await getUser("Dpatel", config), undefined);
            await assert.rejects(getUser("" as string, config), /loginId must be a non-empty string/);
        });

        it("getUsers refuses an unknown filter key, naming it and the allowed ones, instead of returning every user", async () => {
            const config = { baseUrl: sim.url, ...ADMIN };
            await assert.rejects(getUsers({ org: "nyc" } as any, config), (e: Error) => {
                assert.ok(e instanceof TypeError);
                assert.equal(e.message, "getUsers: unknown filter key 'org'; allowed: organization, role, status, disabled, loginIdPrefix");
                return true;
            });
            await assert.rejects(getUsers({ organization: "nyc", roles: "x" } as any, config), /unknown filter key 'roles'/);
            await assert.rejects(getUsers({ disabled: "true" } as any, config), /filter 'disabled' must be a boolean \(got "true"\)/);
            await assert.rejects(getUsers({ organization: 7 } as any, config), /filter 'organization' must be a string/);
            await assert.rejects(getUsers("nyc" as any, config), /the filter must be an object/);
            // Keys present but undefined are absent, as in a program that builds the filter conditionally.
            assert.equal((await getUsers({ organization: undefined, loginIdPrefix: "DP" }, config)).length, 1);
            // The filter is checked before anything else: no settings needed to be told about it.
            await assert.rejects(getUsers({ org: "nyc" } as any), /unknown filter key 'org'/);
        });

        it("getUserOutput / getUsersOutput / getRolesOutput take Inputs and return Outputs", async () => {
            const config = { baseUrl: pulumi.output(sim.url), username: Promise.resolve(ADMIN.username), password: ADMIN.password };
            const user = getUserOutput(pulumi.output("DPATEL"), config);
            assert.ok(pulumi.Output.isInstance(user));
            assert.equal((await valueOf(user))?.userId, "1002");
            assert.equal(await valueOf(getUserOutput("NOBODY", config)), undefined);

            const nyc = getUsersOutput({ organization: pulumi.output("nyc"), disabled: Promise.resolve(false) }, config);
            assert.deepEqual(
                (await valueOf(nyc)).map((u) => u.loginId),
                ["DPATEL"],
            );
            assert.deepEqual(
                (await valueOf(getUsersOutput(undefined, config))).map((u) => u.loginId),
                ["COADMIN", "DPATEL"],
            );
            const roles = await valueOf(getRolesOutput(config));
            assert.equal(roles.length, 9);

            // An output of another resource can feed a lookup: the login comes from an Output.
            const chained = getUsersOutput({ organization: user.apply((u) => u!.organization!.name) }, config);
            assert.deepEqual(
                (await valueOf(chained)).map((u) => u.loginId),
                ["DPATEL"],
            );

            // Errors reach the Output's consumers; a secret argument makes the result secret.
            await assert.rejects(valueOf(getUsersOutput({ org: "nyc" } as any, config)), /unknown filter key 'org'/);
            const secretPw = getUserOutput("DPATEL", { ...config, password: pulumi.secret(ADMIN.password) });
            assert.equal(await (secretPw as any).isSecret, true);
            assert.equal(await (user as any).isSecret, false);
        });

        it("getRoles returns the catalog sorted by name", async () => {
            const roles = await getRoles({ baseUrl: sim.url, ...ADMIN });
            assert.equal(roles.length, 9);
            assert.deepEqual(
                roles.map((r) => r.name),
                [...roles.map((r) => r.name)].sort((a, b) => a.localeCompare(b)),
            );
            const admin = roles.find((r) => r.name === "PrimaveraCloudAdmin");
            assert.equal(admin?.id, "90");
            assert.equal(admin?.displayName, "Primavera Cloud Administrator");
        });

        it("works over OAuth too", async () => {
            const config = { baseUrl: sim.url, ...ADMIN, authMode: "oauth" as const };
            assert.equal((await getUser("DPATEL", config))?.userId, "1002");
            assert.equal((await getRoles(config)).length, 9);
        });
    });

    describe("check() against the role catalog", () => {
        it("fails an unknown role, naming it and close matches; known roles pass", async () => {
            const provider = new UserProvider({ baseUrl: sim.url, ...ADMIN });
            const ok = await provider.check({}, { ...valid, roles: ["PrimaveraCloudAdmin", "PrimaveraP6Test"] });
            assert.deepEqual(ok.failures, []);
            const bad = await provider.check({}, { ...valid, roles: ["PrimaveraCloudAdmin", "PrimaveraP6Tset"] });
            assert.equal(bad.failures?.length, 1);
            assert.equal(bad.failures![0].property, "roles[1]");
            assert.match(bad.failures![0].reason, /^roles\[\d+\]: not in the role catalog/);
            assert.doesNotMatch(bad.failures![0].reason, /PrimaveraP6Tset/, "the declared name is not quoted (it may be a secret)");
            assert.match(bad.failures![0].reason, /did you mean 'PrimaveraP6Test'/);
            const lower = await provider.check({}, { ...valid, roles: ["primaveracloudadmin"] });
            assert.match(lower.failures![0].reason, /did you mean 'PrimaveraCloudAdmin'/);
        });

        it("asks GET /roles once per process and tenant, however many resources are checked", async () => {
            const provider = new UserProvider({ baseUrl: sim.url, ...ADMIN });
            const before = (await sim.stats()).requests["GET /roles"]?.["200"] ?? 0;
            await Promise.all(
                Array.from({ length: 50 }, (_, i) => provider.check({}, { ...valid, loginId: `U${i}`, roles: ["PrimaveraP6Test"] })),
            );
            const other = new UserProvider({ baseUrl: sim.url, ...ADMIN });
            await other.check({}, { ...valid, roles: ["PrimaveraP6Test"] });
            const after = (await sim.stats()).requests["GET /roles"]?.["200"] ?? 0;
            assert.equal(after - before, 1);
        });

        it("passes with one warning when the tenant cannot be reached; fails naming the keys when the provider is not configured", async () => {
            const writes: string[] = [];
            const orig = process.stderr.write.bind(process.stderr);
            (process.stderr as any).write = (chunk: any, ..._rest: any[]) => {
                writes.push(String(chunk));
                return true;
            };
            delete process.env.PRIMAVERA_QUIET;
            try {
                const down = new UserProvider({ baseUrl: "http://127.0.0.1:9", ...ADMIN });
                for (let i = 0; i < 3; i++) {
                    const r = await down.check({}, { ...valid, roles: ["NoSuchRole"] });
                    assert.deepEqual(r.failures, []);
                }
                // Settings missing altogether fail the preview itself (naming each key), not just the role check.
                const unconfigured = new UserProvider();
                const r = await unconfigured.check({}, { ...valid, roles: ["NoSuchRole"] });
                assert.deepEqual(
                    (r.failures ?? []).map((f) => f.property).filter((p) => p.startsWith("primavera:")),
                    ["primavera:baseUrl", "primavera:username", "primavera:password"],
                );
            } finally {
                (process.stderr as any).write = orig;
            }
            const unreachable = writes.filter((w) => /could not be read/.test(w));
            assert.equal(unreachable.length, 1, writes.join(""));
            assert.match(unreachable[0], /127\.0\.0\.1:9/);
            assert.ok(writes.filter((w) => /not checked/.test(w)).length <= 2);
            assert.ok(!writes.join("").includes(ADMIN.password + "@"), "no credentials in warnings");
        });

        it("does not ask the tenant when roles are absent or the shape is already wrong", async () => {
            const provider = new UserProvider({ baseUrl: sim.url, ...ADMIN });
            const before = (await sim.stats()).requestsTotal;
            await provider.check({}, valid);
            const r = await provider.check({}, { ...valid, emailAddress: "nope", roles: ["NoSuchRole"] });
            assert.equal(r.failures?.length, 1);
            assert.equal(r.failures![0].property, "emailAddress");
            assert.equal((await sim.stats()).requestsTotal, before);
        });
    });

    /** The value of an Output outside a Pulumi program. */
    function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
        return (o as any).promise() as Promise<T>;
    }

    it("closeMatches ranks case-insensitive matches, substrings and small edits", () => {
        const cat = ["PrimaveraP6Production", "PrimaveraP6Test", "PrimaveraUnifierTest", "BIProductionAuthors"];
        assert.deepEqual(closeMatches("primaverap6test", cat)[0], "PrimaveraP6Test");
        assert.deepEqual(closeMatches("P6Test", cat)[0], "PrimaveraP6Test");
        assert.deepEqual(closeMatches("Zzz", cat), []);
    });
});
