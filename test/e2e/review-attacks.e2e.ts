// Adversarial review (branch review-20): the attacks of test/provider/review-attacks.test.ts whose
// outcome depends on the order in which the real engine runs steps, run through `pulumi up`.
import assert from "node:assert/strict";
import { User, UserSet } from "pulumi-primavera-admin";
import type { Stack } from "@pulumi/pulumi/automation";
import { engineStack, tempHome } from "../../scripts/engine";
import { ADMIN, Sim, withSimulator } from "../support/sim";

const member = (loginId: string, extra: Record<string, unknown> = {}) => ({
    loginId,
    firstName: "Mo",
    lastName: "Ved",
    emailAddress: `${loginId.toLowerCase()}@example.com`,
    organization: { name: "sfo" },
    ...extra,
});

describe("review-20 attacks through the real Pulumi engine", function () {
    let sim: Sim;
    before(async () => {
        sim = await withSimulator({ jobMs: 20 });
    });
    after(async () => {
        await sim?.stop();
    });

    async function stackFor(name: string, program: () => Promise<Record<string, unknown> | void>): Promise<Stack> {
        const { stack } = await engineStack({
            home: tempHome(`primavera-review-${name}`),
            stackName: name,
            program,
            config: {
                "primavera:baseUrl": { value: sim.url },
                "primavera:username": { value: ADMIN.username },
                "primavera:password": { value: ADMIN.password, secret: true },
                "primavera:timeoutSeconds": { value: "30" },
            },
        });
        return stack;
    }

    it("A10 (documented limit) a member moved to a UserSet that depends on its old one: deleted first as the old set says, never created anew in that run", async () => {
        // The engine runs s1's update before it checks s2, so the provider cannot know s2 claims EMV1
        // when s1 removes it (docs/identity-safety.md, class 2). What must hold: no new person is
        // created under the login of one deleted in the same run, and the up says so.
        let second = false;
        const stack = await stackFor("move", async () => {
            const s1 = new UserSet("s1", { users: second ? [member("EMV2")] : [member("EMV1"), member("EMV2")] });
            if (second) new UserSet("s2", { users: [member("EMV1", { adopt: true })] }, { dependsOn: [s1] });
        });
        await stack.up();
        second = true;
        await assert.rejects(stack.up(), /'EMV1' was deleted earlier in this run by another resource/);
        assert.equal(await sim.user("EMV1"), undefined, "no new user under the deleted person's login");
    });

    it("A10b the same move from a UserSet to a User declared after it, without dependsOn", async () => {
        let second = false;
        const stack = await stackFor("move2", async () => {
            new UserSet("s1", { users: second ? [member("EMV4")] : [member("EMV3"), member("EMV4")] });
            if (second) new User("u3", member("EMV3", { adopt: true }));
        });
        await stack.up();
        await sim.drift("EMV3", { roles: ["PrimaveraP6Test"], middleName: "Kept" });
        const before = await sim.user("EMV3");
        second = true;
        const up = await stack.up().then(
            (r) => r.summary.result,
            (e: Error) => `failed: ${e.message.slice(0, 300)}`,
        );
        const after = await sim.user("EMV3");
        assert.ok(after, `EMV3 exists (up ${up})`);
        assert.equal(after.id, before.id, `up ${up}: EMV3 was deleted and created anew (id ${before.id} -> ${after.id})`);
    });

    it("A15 a case-only rename whose create fails: the person is not deleted", async () => {
        let renamed = false;
        const stack = await stackFor("caseonly", async () => {
            new User("casey", {
                ...member(renamed ? "ECASEY" : "ecasey"),
                organization: { name: renamed ? "nosuchorg" : "sfo" },
            });
        });
        await stack.up();
        renamed = true;
        const up = await stack.up().then(
            (r) => r.summary.result,
            (e: Error) => `failed: ${e.message.slice(0, 300)}`,
        );
        const old = await sim.user("ecasey");
        const now = await sim.user("ECASEY");
        assert.ok(old || now, `up ${up}: ecasey was deleted and ECASEY never created`);
    });
});
