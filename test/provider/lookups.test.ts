// Lookups (getUser / getUsers / getRoles) and the preview-time role check, against the simulator.
import assert from "node:assert/strict";
import { getRoles, getUser, getUsers, resetTenants, UserProvider } from "pulumi-primavera-admin";
import { closeMatches } from "pulumi-primavera-admin/provider/roles";
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
            assert.deepEqual(logins(await getUsers({ loginIdPrefix: "nyc" }, config)), ["NYC1", "NYC2"]);
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
            assert.match(bad.failures![0].reason, /'PrimaveraP6Tset' is not in the role catalog/);
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

        it("passes with one warning when the tenant cannot be reached or the provider is not configured", async () => {
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
                const unconfigured = new UserProvider();
                for (let i = 0; i < 3; i++) {
                    const r = await unconfigured.check({}, { ...valid, roles: ["NoSuchRole"] });
                    assert.deepEqual(r.failures, []);
                }
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

    it("closeMatches ranks case-insensitive matches, substrings and small edits", () => {
        const cat = ["PrimaveraP6Production", "PrimaveraP6Test", "PrimaveraUnifierTest", "BIProductionAuthors"];
        assert.deepEqual(closeMatches("primaverap6test", cat)[0], "PrimaveraP6Test");
        assert.deepEqual(closeMatches("P6Test", cat)[0], "PrimaveraP6Test");
        assert.deepEqual(closeMatches("Zzz", cat), []);
    });
});
