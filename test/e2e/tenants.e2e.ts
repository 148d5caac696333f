// Several tenants in one program through the real engine: production's users copied to a test
// tenant with getUsers on one tenant and a UserSet and a User on the other (`tenant: "test"`), the profile's
// password from its environment variable, nothing of it in the state.
import assert from "node:assert/strict";
import { getUsers, User, UserArgs, UserSet } from "pulumi-primavera-admin";
import { engineStack, exportStackEncrypted, tempHome } from "../../scripts/engine";
import { declaredUser } from "../support/fixtures";
import { ADMIN, Sim, withSimulator } from "../support/sim";

describe("several tenants through the real engine", function () {
    let prod: Sim;
    let test: Sim;
    before(async () => {
        prod = await withSimulator({ jobMs: 20 });
        test = await withSimulator({ jobMs: 20 });
    });
    after(async () => {
        await prod?.stop();
        await test?.stop();
    });

    it("copies production's users to the test tenant; a second up changes nothing; destroy removes only the copies", async () => {
        for (const login of ["PRODA", "PRODB"]) await prod.drift(login, declaredUser(login));
        const prodJobs = (await prod.stats()).jobsSubmitted;
        const { stack } = await engineStack({
            home: tempHome("primavera-tenants"),
            stackName: "tenants",
            program: async () => {
                const users = await getUsers({ loginIdPrefix: "PROD" });
                const copies = new UserSet("copies", {
                    tenant: "test",
                    users: users.map((u) => ({
                        loginId: u.loginId,
                        firstName: u.firstName ?? "",
                        lastName: u.lastName ?? "",
                        emailAddress: u.emailAddress ?? "",
                        organization: { name: u.organization?.name ?? "sfo" },
                    })),
                });
                const tester = new User("tester", { ...declaredUser("TESTONLY"), tenant: "test" } as UserArgs);
                return { tenants: [copies.tenant, tester.tenant] };
            },
            config: {
                "primavera:baseUrl": { value: prod.url },
                "primavera:username": { value: ADMIN.username },
                "primavera:password": { value: ADMIN.password, secret: true },
                "primavera:tenants": { value: JSON.stringify({ test: { baseUrl: test.url, username: ADMIN.username } }) },
            },
            env: { PRIMAVERA_TENANT_TEST_PASSWORD: ADMIN.password },
        });
        const up = await stack.up();
        assert.deepEqual(up.outputs.tenants.value, ["test", "test"]);
        for (const login of ["PRODA", "PRODB"]) {
            const copy = await test.user(login);
            assert.ok(copy, `${login} copied to the test tenant`);
            assert.equal(copy.emailAddress, (await prod.user(login)).emailAddress);
        }
        assert.equal((await prod.stats()).jobsSubmitted, prodJobs, "production only read");
        const exported = await exportStackEncrypted(stack);
        assert.ok(!JSON.stringify(exported).includes(ADMIN.password), "no credential of either tenant in the state");
        // The engine keeps the stack config as the provider's inputs (secrets encrypted); a User holds only the profile's name.
        const ours = (exported.deployment.resources as any[]).filter((x) => /:(User|UserSet)$/.test(x.type));
        assert.equal(ours.length, 2);
        for (const r of ours) {
            assert.equal(r.outputs.tenant, "test");
            assert.ok(!JSON.stringify(r).includes(test.url), "the profile's settings stay out of the resource's state");
        }

        const testJobs = (await test.stats()).jobsSubmitted;
        const again = await stack.up();
        assert.equal(again.summary.resourceChanges?.update ?? 0, 0);
        assert.equal((await test.stats()).jobsSubmitted, testJobs, "no job for users that match");

        await stack.destroy();
        assert.equal(await test.user("PRODA"), undefined, "the copy is gone");
        assert.equal(await test.user("TESTONLY"), undefined);
        assert.ok(await prod.user("PRODA"), "production's user stays");
    });
});
