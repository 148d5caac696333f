// Several tenants in one program: a `tenant` input names a profile of primavera:tenants, whose
// settings reach another tenant with its own job runner, ownership and deletion limit.
import assert from "node:assert/strict";
import { resetTenants } from "pulumi-primavera-admin/provider/testing";
import { UserProvider, UserSetProvider } from "../support/untyped";
import { keyByLogin } from "pulumi-primavera-admin/provider/resource/userSet";
import { declaredUser } from "../support/fixtures";
import { ADMIN, Sim, useSimulator, withSimulator } from "../support/sim";

const PROVIDER_TEXT = "exports.handler = () => ({})";

describe("several tenants in one program (the tenant input)", function () {
    const prod = useSimulator({ jobMs: 20 });
    let test: Sim;
    before(async () => (test = await withSimulator({ jobMs: 20 })));
    after(async () => test?.stop());

    /** A provider configured as the engine would: the provider's own tenant, its profiles (default: `test`), after a fresh run. */
    async function configured<P extends UserProvider | UserSetProvider>(
        make: () => P,
        maxDeletions = 10,
        profiles: Record<string, unknown> = { test: { baseUrl: test.url, ...ADMIN, maxDeletions } },
        own: Record<string, string> = {},
    ): Promise<P> {
        resetTenants();
        const p = make();
        await configure(p, profiles, own);
        return p;
    }

    /** Stack config as the engine passes it to configure(). */
    async function configure(p: UserProvider | UserSetProvider, profiles: Record<string, unknown>, own: Record<string, string> = {}) {
        const config = new Map<string, string>([
            ["primavera:baseUrl", prod.url],
            ["primavera:username", ADMIN.username],
            ["primavera:password", ADMIN.password],
            ["primavera:tenants", JSON.stringify(profiles)],
            ...Object.entries(own),
        ]);
        await p.configure({ config: { get: (k: string) => config.get(k) } } as never);
    }

    it("a User with tenant 'test' lives on that tenant only, records the profile's name and no credential", async () => {
        const p = await configured(() => new UserProvider());
        const c = await p.check({}, { ...declaredUser("TENANT1"), tenant: "test" });
        assert.deepEqual(c.failures, []);
        const made = await p.create({ ...c.inputs, __provider: PROVIDER_TEXT });
        assert.ok(await test.user("TENANT1"), "created on the profile's tenant");
        assert.equal(await prod.user("TENANT1"), undefined, "not on the provider's own tenant");
        assert.equal((made.outs as Record<string, unknown>).tenant, "test");
        assert.ok(!JSON.stringify(made.outs).includes(ADMIN.password), "no credential in the outputs");
        const read = await p.read(made.id, made.outs);
        assert.equal(read.id, made.id);
        resetTenants(); // a new run: this one declared the login, so its delete would only release it
        await p.delete(made.id, made.outs);
        assert.equal(await test.user("TENANT1"), undefined);
    });

    it("changing a User's tenant replaces it; an unknown profile fails its check naming the key to set", async () => {
        const p = await configured(() => new UserProvider());
        const c = await p.check({}, { ...declaredUser("TENANT2"), tenant: "test" });
        const made = await p.create({ ...c.inputs, __provider: PROVIDER_TEXT });
        const moved = await p.check(c.inputs, declaredUser("TENANT2"));
        const diff = await p.diff(made.id, made.outs, moved.inputs);
        assert.ok(diff.replaces?.includes("tenant"), JSON.stringify(diff));
        const bad = await p.check({}, { ...declaredUser("TENANT3"), tenant: "stage" });
        assert.equal(bad.failures?.[0]?.property, "tenant");
        assert.match(bad.failures![0].reason, /primavera:tenants\.stage\.baseUrl/);
        const notAName = await p.check({}, { ...declaredUser("TENANT4"), tenant: "../prod" });
        assert.equal(notAName.failures?.[0]?.property, "tenant");
    });

    it("a UserSet on tenant 'test': its members go there, under that profile's deletion limit", async () => {
        const p = await configured(() => new UserSetProvider(), 1);
        const users = keyByLogin([declaredUser("TSET1"), declaredUser("TSET2")]);
        const c = await p.check({}, { users, tenant: "test", __provider: PROVIDER_TEXT });
        assert.deepEqual(c.failures, []);
        const made = await p.create({ ...c.inputs, __provider: PROVIDER_TEXT });
        assert.ok(await test.user("TSET1"));
        assert.ok(await test.user("TSET2"));
        assert.equal(await prod.user("TSET1"), undefined);
        await assert.rejects(p.delete(made.id, made.outs), /maxDeletions/);
        assert.ok(await test.user("TSET1"), "the profile's limit of 1 held");
    });

    it("a member cannot name a tenant of its own; a set's tenant change replaces it", async () => {
        const p = await configured(() => new UserSetProvider());
        const c = await p.check({}, { users: keyByLogin([{ ...declaredUser("TSET3"), tenant: "test" }]), __provider: PROVIDER_TEXT });
        assert.equal(c.failures?.[0]?.property, "users.TSET3.tenant");
        const ok = await p.check({}, { users: keyByLogin([declaredUser("TSET4")]), tenant: "test", __provider: PROVIDER_TEXT });
        const made = await p.create({ ...ok.inputs, __provider: PROVIDER_TEXT });
        assert.equal((made.outs as Record<string, unknown>).tenant, "test");
        const diff = await p.diff(made.id, made.outs, { users: ok.inputs.users });
        assert.deepEqual(diff.replaces, ["tenant"]);
    });

    it("a profile that reaches the provider's own tenant by another spelling shares its owners: a move with adopt never deletes the person", async () => {
        const alias = prod.url.replace("127.0.0.1", "localhost");
        const withAlias = () => configured(() => new UserProvider(), 10, { alias: { baseUrl: alias, ...ADMIN } });
        const p = await withAlias();
        const c = await p.check({}, declaredUser("ALIAS2"));
        const made = await p.create({ ...c.inputs, __provider: PROVIDER_TEXT });
        resetTenants(); // the next run moves it
        const p2 = await withAlias();
        const moved = await p2.check(c.inputs, { ...declaredUser("ALIAS2"), tenant: "alias", adopt: true });
        assert.deepEqual(moved.failures, []);
        assert.ok((await p2.diff(made.id, made.outs, { ...moved.inputs, __provider: PROVIDER_TEXT })).replaces?.includes("tenant"));
        await p2.create({ ...moved.inputs, __provider: PROVIDER_TEXT });
        await p2.delete(made.id, made.outs); // the engine deletes the old one after its replacement
        assert.ok(await prod.user("ALIAS2"), "the old resource's delete released the login the new one declares");
    });

    it("a UserSet's move to another tenant is refused at preview when the old tenant's maxDeletions cannot remove its members", async () => {
        const p = await configured(() => new UserSetProvider(), 10);
        const users = keyByLogin([declaredUser("MAXD1"), declaredUser("MAXD2"), declaredUser("MAXD3")]);
        const c = await p.check({}, { users, __provider: PROVIDER_TEXT });
        const made = await p.create({ ...c.inputs, __provider: PROVIDER_TEXT });
        resetTenants();
        const p2 = new UserSetProvider();
        await configure(p2, { test: { baseUrl: test.url, ...ADMIN } }, { "primavera:maxDeletions": "1" });
        const c2 = await p2.check(c.inputs, { users, tenant: "test", __provider: PROVIDER_TEXT });
        await assert.rejects(p2.diff(made.id, made.outs, { ...c2.inputs, __provider: PROVIDER_TEXT }), /maxDeletions/);
        assert.equal(await test.user("MAXD1"), undefined, "nothing created on the new tenant");
    });

    it("a profile signing in as another administrator cannot lock out the account the provider itself signs in with", async () => {
        const ops2 = { username: "ops2", password: "ops2-Pw-5531" };
        const other = await withSimulator({ jobMs: 20, admins: [ops2] });
        try {
            await other.drift("admin", { ...declaredUser("admin"), roles: ["PrimaveraCloudAdmin"] });
            const p = await configured(
                () => new UserProvider(),
                10,
                { second: { baseUrl: other.url.replace("127.0.0.1", "localhost"), ...ops2 } },
                {
                    "primavera:baseUrl": other.url,
                },
            );
            const c = await p.check({}, { ...declaredUser("admin"), tenant: "second", adopt: true, disabled: true });
            assert.deepEqual(c.failures, []);
            await assert.rejects(p.create({ ...c.inputs, __provider: PROVIDER_TEXT }), /refusing to disable user 'admin'/);
            assert.equal((await other.user("admin")).disabled, false, "the provider's own account still signs in");
        } finally {
            await other.stop();
        }
    });
    it("a login the provider signs in with is never created, even when the tenant's read says it is not there", async () => {
        // `ghost` is a profile's account on the test tenant that the tenant does not list: an add
        // (an upsert) would land on it as declared, whatever its case.
        const p = await configured(() => new UserProvider(), 10, {
            test: { baseUrl: test.url, ...ADMIN },
            svc: { baseUrl: test.url, username: "ghost", password: "ghost-Pw-7714" },
        });
        const c = await p.check({}, { ...declaredUser("GHOST"), tenant: "test", disabled: true, roles: [] });
        assert.deepEqual(c.failures, []);
        await assert.rejects(
            p.create({ ...c.inputs, __provider: PROVIDER_TEXT }),
            /refusing to create user 'GHOST': the provider signs in with/,
        );
        assert.equal(await test.user("GHOST"), undefined);
        assert.equal(await test.user("ghost"), undefined);
    });

    it("another profile's account changed by someone else during our job: said as such, nothing taken from it", async () => {
        const ops2 = { username: "ops2", password: "ops2-Pw-5531" };
        const other = await withSimulator({ jobMs: 60, admins: [ops2] });
        try {
            await other.drift("admin", { ...declaredUser("admin"), roles: ["PrimaveraCloudAdmin", "PrimaveraP6Test"] });
            // The provider signs in as ops2; profile `a` signs in to the same tenant as admin.
            const p = await configured(
                () => new UserProvider(),
                10,
                { a: { baseUrl: other.url, ...ADMIN } },
                {
                    "primavera:baseUrl": other.url,
                    "primavera:username": ops2.username,
                    "primavera:password": ops2.password,
                },
            );
            const c = await p.check({}, { ...declaredUser("admin"), adopt: true });
            const made = await p.create({ ...c.inputs, __provider: PROVIDER_TEXT });
            await other.faults({ duringJob: [{ op: "setRoles", loginId: "admin", roles: ["PrimaveraCloudAdmin"] }] });
            const c2 = await p.check(made.outs, { ...declaredUser("admin"), adopt: true, lastName: "Changed" });
            await assert.rejects(
                p.update(made.id, made.outs, { ...c2.inputs, __provider: PROVIDER_TEXT }),
                /the account this provider signs in with \('admin'\) was changed by another administrator .* nothing was undone/s,
            );
            assert.equal((await other.user("admin")).disabled, false, "the account still signs in");
        } finally {
            await other.stop();
        }
    });
    it("a profile given only by environment variables protects its account before any resource names it", async () => {
        const ops2 = { username: "ops2", password: "ops2-Pw-5531" };
        const other = await withSimulator({ jobMs: 20, admins: [ops2] });
        const saved = { ...process.env };
        try {
            await other.drift("admin", { ...declaredUser("admin"), roles: ["PrimaveraCloudAdmin"] });
            Object.assign(process.env, {
                PRIMAVERA_TENANT_OPS_A_BASE_URL: other.url,
                PRIMAVERA_TENANT_OPS_A_USERNAME: ADMIN.username,
                PRIMAVERA_TENANT_OPS_A_PASSWORD: ADMIN.password,
            });
            // The provider signs in as ops2; no resource names the env-only profile.
            const p = await configured(
                () => new UserProvider(),
                10,
                {},
                {
                    "primavera:baseUrl": other.url,
                    "primavera:username": ops2.username,
                    "primavera:password": ops2.password,
                },
            );
            const c = await p.check({}, { ...declaredUser("admin"), adopt: true, disabled: true });
            assert.deepEqual(c.failures, []);
            await assert.rejects(p.create({ ...c.inputs, __provider: PROVIDER_TEXT }), /refusing to disable user 'admin'/);
            assert.equal((await other.user("admin")).disabled, false, "the env-only profile's account still signs in");
        } finally {
            process.env = saved;
            await other.stop();
        }
    });

    it("a profile unusable for another reason still protects its account: a destroy of it is refused", async () => {
        const ops2 = { username: "ops2", password: "ops2-Pw-5531" };
        const other = await withSimulator({ jobMs: 20, admins: [ops2] });
        const saved = { ...process.env };
        const signInAsOps2 = { "primavera:baseUrl": other.url, "primavera:username": ops2.username, "primavera:password": ops2.password };
        const cases: [string, Record<string, string>, Record<string, unknown>, Record<string, string>][] = [
            [
                "an env-only profile without its password",
                { PRIMAVERA_TENANT_OPS_A_BASE_URL: other.url, PRIMAVERA_TENANT_OPS_A_USERNAME: "admin" },
                {},
                {},
            ],
            [
                "an env-only profile with a bad timeout",
                {
                    PRIMAVERA_TENANT_OPS_A_BASE_URL: other.url,
                    PRIMAVERA_TENANT_OPS_A_USERNAME: "admin",
                    PRIMAVERA_TENANT_OPS_A_PASSWORD: ADMIN.password,
                    PRIMAVERA_TENANT_OPS_A_TIMEOUT_SECONDS: "10m",
                },
                {},
                {},
            ],
            [
                "a complete env-only profile beside a malformed primavera:tenants",
                {
                    PRIMAVERA_TENANT_OPS_A_BASE_URL: other.url,
                    PRIMAVERA_TENANT_OPS_A_USERNAME: "admin",
                    PRIMAVERA_TENANT_OPS_A_PASSWORD: ADMIN.password,
                },
                {},
                { "primavera:tenants": "{not json" },
            ],
            ["a stack profile with a bad maxDeletions", {}, { ops: { baseUrl: other.url, ...ADMIN, maxDeletions: "ten" } }, {}],
        ];
        try {
            await other.drift("admin", { ...declaredUser("admin"), roles: ["PrimaveraCloudAdmin"] });
            for (const [what, env, profiles, own] of cases) {
                process.env = { ...saved, ...env };
                // One run: the provider signs in as ops2 and adopts admin as it is (no job).
                const first = await configured(() => new UserProvider(), 10, profiles, { ...signInAsOps2, ...own });
                const c = await first.check({}, { ...declaredUser("admin"), roles: ["PrimaveraCloudAdmin"], adopt: true });
                assert.deepEqual(c.failures, [], what);
                const made = await first.create({ ...c.inputs, __provider: PROVIDER_TEXT });
                // The next run destroys it: a destroy never checks, so no resource names the profile.
                const destroy = await configured(() => new UserProvider(), 10, profiles, { ...signInAsOps2, ...own });
                await assert.rejects(destroy.delete(made.id, made.outs), /refusing to delete user 'admin'/, what);
                assert.equal((await other.user("admin"))?.disabled, false, `${what}: admin still signs in`);
            }
        } finally {
            process.env = saved;
            await other.stop();
        }
    });
});
