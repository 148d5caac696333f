// Identity safety through the real Pulumi engine (Automation API, file backend, simulator on
// 127.0.0.1): two resources declaring one login, and a create that failed after the user existed
// (refresh and destroy must work on it). Onboarding's protection is in export.e2e.ts.
import assert from "node:assert/strict";
import { User, UserSet } from "pulumi-primavera-admin";
import type { Stack } from "@pulumi/pulumi/automation";
import { engineStack, exportStackEncrypted, tempHome } from "../../scripts/engine";
import { ADMIN, Sim, withSimulator } from "../support/sim";

const user = (name: string, loginId: string, extra: Record<string, unknown> = {}) =>
    new User(name, {
        loginId,
        firstName: "Ida",
        lastName: name,
        emailAddress: `${name}@example.com`,
        organization: { name: "sfo" },
        ...extra,
    });

describe("identity safety under the real Pulumi engine", function () {
    let sim: Sim;

    before(async () => {
        sim = await withSimulator({ jobMs: 20 });
    });
    after(async () => {
        await sim?.stop();
    });

    async function stackFor(name: string, program: () => Promise<Record<string, unknown> | void>): Promise<Stack> {
        const { stack } = await engineStack({
            home: tempHome(`primavera-identity-${name}`),
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

    it("two resources declaring one login: the up fails naming the login, one user, owned by one resource", async () => {
        const stack = await stackFor("twice", async () => {
            user("first", "TWIN1");
            user("second", "TWIN1");
        });
        await assert.rejects(stack.up(), /'TWIN1' is declared by two resources/);
        const live = (await sim.users()).filter((u) => u.loginId === "TWIN1");
        assert.equal(live.length, 1);
        const state = await stack.exportStack();
        const owners = (state.deployment.resources as any[]).filter((r) => r.outputs?.loginId === "TWIN1");
        assert.equal(owners.length, 1, "one resource in the state holds TWIN1");
        assert.equal(owners[0].id, live[0].id);
        // The user holds the fields of the resource that owns it, not a mix of both declarations.
        assert.equal(live[0].lastName, owners[0].outputs.lastName);
        await stack.destroy();
        assert.equal(await sim.user("TWIN1"), undefined);
    });

    it("a User and a UserSet member declaring one login (even with adopt) fail naming both resources; nothing is taken over", async () => {
        const stack = await stackFor("shared", async () => {
            user("solo", "SHARED1");
            new UserSet("team", {
                users: [
                    {
                        loginId: "SHARED1",
                        firstName: "Ida",
                        lastName: "Team",
                        emailAddress: "shared1@example.com",
                        organization: { name: "sfo" },
                        adopt: true,
                    },
                ],
            });
        });
        await assert.rejects(stack.preview(), /'SHARED1' is declared by two resources: User "solo" and UserSet "team"/);
        await assert.rejects(stack.up(), /'SHARED1' is declared by two resources: User "solo" and UserSet "team"/);
        const live = await sim.user("SHARED1");
        assert.notEqual(live?.lastName, "Team", "the set did not take the user over");
    });

    it("a password the tenant quotes back reaches neither the error nor the state (init error included)", async () => {
        await sim.faults({ echoSecrets: true });
        const password = "Quoted-Back-5150";
        const stack = await stackFor("echo", async () => {
            user("echo", "ECHO1", { password });
        });
        const e = await stack.up().then(
            () => assert.fail("the tenant reported the password as refused"),
            (x: Error) => x,
        );
        await sim.clearFaults();
        assert.ok(!e.message.includes(password), "not in the error");
        assert.match(e.message, /\[secret\]/);
        const state = JSON.stringify(await exportStackEncrypted(stack));
        assert.ok(state.includes("ECHO1"), "the user is in the state (an init error)");
        assert.ok(!state.includes(password), "not in the state, init errors included");
        await stack.destroy();
    });

    it("a create that failed after the user existed: refresh and destroy work on it (the init error carries __provider)", async () => {
        await sim.faults({ failRoles: ["PrimaveraP6Test"] });
        const stack = await stackFor("half", async () => {
            user("half", "HALF1", { roles: ["PrimaveraP6Test", "PrimaveraCloudAdmin"] });
        });
        await assert.rejects(stack.up(), /HALF1.*was created \(id \d+\) but job \d+ reported/s);
        await sim.clearFaults();
        const state = await stack.exportStack();
        const half = (state.deployment.resources as any[]).find((r) => r.outputs?.loginId === "HALF1");
        assert.ok(half, "the user is in the state");
        assert.ok(half.outputs.__provider, "its outputs carry __provider");
        const refresh = await stack.refresh();
        assert.equal(refresh.summary.result, "succeeded");
        const destroy = await stack.destroy();
        assert.equal(destroy.summary.result, "succeeded");
        assert.equal(await sim.user("HALF1"), undefined, "destroy deleted the half-created user");
    });
});
