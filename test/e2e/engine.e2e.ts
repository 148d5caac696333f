// The provider under the real Pulumi engine: up / preview / refresh / destroy through the
// Automation API (inline program, file backend, passphrase secrets), simulator on 127.0.0.1.
import assert from "node:assert/strict";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { User } from "pulumi-primavera-admin";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { engineStack, exportStackEncrypted, tempHome } from "../../scripts/engine";
import { ADMIN, Sim, withSimulator } from "../support/sim";

interface Spec {
    name: string;
    loginId: string;
    firstName: string;
    lastName: string;
    org: "sfo" | "nyc";
    roles?: string[];
    password?: string;
    adopt?: boolean;
}

const USER_PASSWORD = "Us3r-Initial-Passw0rd!";
const ADMIN_PASSWORD_MARK = "admin-pw-Xq9"; // the simulator's admin password in this suite

function initialSpecs(): Spec[] {
    return Array.from({ length: 25 }, (_, i) => ({
        name: `u${i}`,
        loginId: `E2E${String(i).padStart(2, "0")}`,
        firstName: `First${i}`,
        lastName: `Last${i}`,
        org: i % 2 === 0 ? "sfo" : "nyc",
        roles: i % 5 === 4 ? undefined : i % 3 === 0 ? ["PrimaveraUnifierProduction", "PrimaveraP6Production"] : ["PrimaveraCloudAdmin"],
        password: i === 7 ? USER_PASSWORD : undefined,
    }));
}

describe("the provider under the real Pulumi engine", function () {
    let sim: Sim;
    let stack: Stack;
    let specs: Spec[] = initialSpecs();
    const output: string[] = [];
    let events: EngineEvent[] = [];

    const program = async () => {
        const ids: Record<string, unknown> = {};
        const roles: Record<string, unknown> = {};
        for (const s of specs) {
            const u = new User(s.name, {
                loginId: s.loginId,
                firstName: s.firstName,
                lastName: s.lastName,
                emailAddress: `${s.loginId.toLowerCase()}@example.com`,
                userType: "EMP",
                organization: { name: s.org, type: "Company" },
                ...(s.roles ? { roles: s.roles } : {}),
                ...(s.password ? { password: s.password } : {}),
                ...(s.adopt ? { adopt: true } : {}),
            });
            ids[s.loginId] = u.id;
            roles[s.loginId] = u.roles;
        }
        return { ids, roles };
    };

    const capture = { onOutput: (s: string) => output.push(s), onEvent: (e: EngineEvent) => events.push(e) };
    const ours = async () => (await sim.users()).filter((u) => /^E2E|^ADOPT/.test(u.loginId));
    /** The non-"same" counts of a summary, with the resources behind them in the message on failure. */
    const changes = (summary: Record<string, number> | undefined) =>
        Object.fromEntries(Object.entries(summary ?? {}).filter(([op]) => op !== "same"));
    const touched = () =>
        events
            .map((e) => e.resOutputsEvent?.metadata ?? e.resourcePreEvent?.metadata)
            .filter((m) => m && m.op !== "same")
            .map((m) => `${m!.op} ${m!.urn.split("::").pop()} ${JSON.stringify(m!.diffs ?? [])}`);

    before(async function () {
        sim = await withSimulator({ password: ADMIN_PASSWORD_MARK, jobMs: 20, jobMsPerUser: 1 });
        ({ stack } = await engineStack({
            home: tempHome("primavera-e2e"),
            stackName: "e2e",
            program,
            config: {
                "primavera:baseUrl": { value: sim.url },
                "primavera:username": { value: ADMIN.username },
                "primavera:password": { value: ADMIN_PASSWORD_MARK, secret: true },
                "primavera:timeoutSeconds": { value: "60" },
            },
        }));
    });
    after(async () => {
        await sim?.stop();
    });
    beforeEach(() => {
        events = [];
    });

    it("1. up of 25 users across two organizations: the simulator holds exactly them, outputs carry the server ids", async () => {
        const up = await stack.up(capture);
        assert.deepEqual(changes(up.summary.resourceChanges), { create: 26 });
        const users = await ours();
        assert.deepEqual(users.map((u) => u.loginId).sort(), specs.map((s) => s.loginId).sort());
        const ids = up.outputs.ids.value as Record<string, string>;
        for (const u of users) {
            const s = specs.find((x) => x.loginId === u.loginId)!;
            assert.equal(ids[u.loginId], u.id, `stack output id of ${u.loginId}`);
            assert.equal(u.firstName, s.firstName);
            assert.equal(u.organization.name, s.org);
            assert.deepEqual((u.roles ?? []).map((r: any) => r.name).sort(), [...(s.roles ?? [])].sort());
        }
        assert.equal((await sim.stats()).overlappingJobs, 0);
    });

    it("2. preview right after: no changes", async () => {
        const pv = await stack.preview(capture);
        assert.deepEqual(changes(pv.changeSummary), {});
    });

    it("3a. changing one user's name updates only that user", async () => {
        specs = specs.map((s) => (s.loginId === "E2E03" ? { ...s, lastName: "Renamed" } : s));
        const up = await stack.up(capture);
        assert.deepEqual(changes(up.summary.resourceChanges), { update: 1 });
        assert.equal((await sim.user("E2E03")).lastName, "Renamed");
        assert.equal((await sim.user("E2E02")).lastName, "Last2");
    });

    it("3b. changing a loginId replaces the user, creating the new login before the old user is deleted", async () => {
        specs = specs.map((s) => (s.loginId === "E2E05" ? { ...s, loginId: "E2E05B" } : s));
        const up = await stack.up(capture);
        assert.deepEqual(changes(up.summary.resourceChanges), { replace: 1 });
        assert.equal(await sim.user("E2E05"), undefined);
        assert.ok(await sim.user("E2E05B"));
        const ops = events.filter((e) => e.resOutputsEvent?.metadata.urn.endsWith("::u5")).map((e) => e.resOutputsEvent!.metadata.op);
        assert.ok(
            ops.indexOf("create-replacement") >= 0 && ops.indexOf("create-replacement") < ops.indexOf("delete-replaced"),
            `ops: ${ops}`,
        );
    });

    it("4. drift made in the vendor UI: refresh shows it, up restores it, unmanaged roles and fields survive", async () => {
        // E2E04 does not manage roles; E2E06 does.
        await sim.drift("E2E04", { roles: ["PrimaveraP6Test"], employeeNumber: "EMP-4" });
        await sim.drift("E2E06", { firstName: "Drifted", roles: ["PrimaveraP6Test"], manager: "BOSS" });
        // Refresh reads both; it reports drift where it differs from the program (E2E06), and
        // takes E2E04's new roles and employee number into the state silently (unmanaged).
        const refresh = await stack.refresh(capture);
        assert.deepEqual(changes(refresh.summary.resourceChanges), { update: 1 }, touched().join("; "));
        const state = await stack.exportStack();
        const u4 = (state.deployment.resources as any[]).find((r) => r.outputs?.loginId === "E2E04");
        assert.deepEqual(u4.outputs.roles, ["PrimaveraP6Test"], "the refreshed state holds E2E04's live roles");
        const pv = await stack.preview(capture);
        assert.deepEqual(changes(pv.changeSummary), { update: 1 }, "only E2E06 differs from the program");
        const up = await stack.up(capture);
        assert.deepEqual(changes(up.summary.resourceChanges), { update: 1 });
        const u6 = await sim.user("E2E06");
        assert.equal(u6.firstName, "First6");
        assert.deepEqual(u6.roles.map((r: any) => r.name).sort(), ["PrimaveraUnifierProduction", "PrimaveraP6Production"].sort());
        assert.equal(u6.manager, "BOSS", "a field the program does not manage survives");
        assert.deepEqual((up.outputs.roles.value as any).E2E04, ["PrimaveraP6Test"], "roles output of a user whose roles are unmanaged");
        const live4 = await sim.user("E2E04");
        assert.deepEqual(
            live4.roles.map((r: any) => r.name),
            ["PrimaveraP6Test"],
            "unmanaged roles survive",
        );
        assert.equal(live4.employeeNumber, "EMP-4");
        assert.deepEqual(changes((await stack.preview(capture)).changeSummary), {});
    });

    it("5. a user deleted behind our back: refresh drops it, up recreates it", async () => {
        await sim.remove("E2E08");
        const refresh = await stack.refresh(capture);
        assert.deepEqual(changes(refresh.summary.resourceChanges), { delete: 1 }, touched().join("; "));
        events = [];
        const up = await stack.up(capture);
        assert.deepEqual(changes(up.summary.resourceChanges), { create: 1 }, touched().join("; "));
        assert.ok(await sim.user("E2E08"));
    });

    it("6. adopt: without it a clear error and nothing changed; with it the user is taken over", async () => {
        await sim.drift("ADOPT1", {
            firstName: "Pre",
            lastName: "Existing",
            emailAddress: "adopt1@example.com",
            organization: { name: "nyc" },
            roles: ["PrimaveraP6Production"],
        });
        const before = await sim.user("ADOPT1");
        specs = [...specs, { name: "adopt1", loginId: "ADOPT1", firstName: "Taken", lastName: "Over", org: "sfo" }];
        await assert.rejects(stack.up(capture), (e: Error) => {
            assert.match(e.message, /user 'ADOPT1' already exists in the tenant \(id \d+\)/);
            assert.match(e.message, /adopt: true/);
            return true;
        });
        assert.deepEqual(await sim.user("ADOPT1"), before, "nothing changed");
        specs = specs.map((s) => (s.loginId === "ADOPT1" ? { ...s, adopt: true } : s));
        events = [];
        const up = await stack.up(capture);
        assert.deepEqual(changes(up.summary.resourceChanges), { create: 1 }, touched().join("; "));
        const after = await sim.user("ADOPT1");
        assert.equal(after.id, before.id, "same user, not a new one");
        assert.equal(after.firstName, "Taken");
        assert.deepEqual(
            after.roles.map((r: any) => r.name),
            ["PrimaveraP6Production"],
            "unmanaged roles kept",
        );
    });

    it("7-8. the state holds the password only encrypted, no credential anywhere, __provider under 2 KB", async () => {
        const exported = await exportStackEncrypted(stack);
        const text = JSON.stringify(exported);
        for (const secret of [USER_PASSWORD, ADMIN_PASSWORD_MARK]) {
            assert.ok(
                !text.includes(secret),
                `state holds ${secret === USER_PASSWORD ? "the user's password" : "the admin password"} in plain text`,
            );
            assert.ok(!output.join("").includes(secret), "engine output holds a secret");
        }
        assert.doesNotMatch(text, /Basic [A-Za-z0-9+/=]{8,}|Bearer /);
        const resources = (exported.deployment.resources ?? []) as any[];
        const users = resources.filter((r) => r.type === "pulumi-nodejs:dynamic/primavera-admin:User");
        assert.equal(users.length, specs.length);
        const withPassword = users.find((r) => r.inputs.loginId === "E2E07");
        assert.equal(
            withPassword.inputs.password?.["4dabf18193072939515e22adb298388d"],
            "1b47061264138c4ac30d75fd1eb44270",
            "password input is a secret",
        );
        assert.ok(withPassword.inputs.password.ciphertext, "stored as ciphertext");
        assert.ok(withPassword.outputs.passwordHash?.ciphertext, "password hash output is a secret");
        assert.equal(withPassword.outputs.password === undefined || !!withPassword.outputs.password.ciphertext, true);
        for (const r of users) {
            const p = r.outputs.__provider;
            assert.equal(typeof p, "string");
            assert.ok(p.length < 2048, `__provider is ${p.length} bytes`);
        }
    });

    it("a user whose role provisioning fails is kept in state with its id, and the next up fixes it in place", async () => {
        // The role is in the catalog (preview passes) but the tenant fails to provision it.
        await sim.faults({ failRoles: ["PrimaveraGatewayDevAdmin"] });
        specs = [
            ...specs,
            { name: "badrole", loginId: "E2EBADROLE", firstName: "Bad", lastName: "Role", org: "sfo", roles: ["PrimaveraGatewayDevAdmin"] },
        ];
        await assert.rejects(stack.up(capture), (e: Error) => {
            assert.match(e.message, /E2EBADROLE.*was created \(id \d+\).*Application Access failed/s);
            return true;
        });
        const live = await sim.user("E2EBADROLE");
        assert.ok(live, "the user exists on the server");
        const state = await stack.exportStack();
        const r = (state.deployment.resources as any[]).find((x) => x.outputs?.loginId === "E2EBADROLE");
        assert.equal(r?.id, live.id, "the state tracks the created user by its id");
        await sim.clearFaults();
        events = [];
        const up = await stack.up(capture);
        assert.deepEqual(changes(up.summary.resourceChanges), { update: 1 }, touched().join("; "));
        const fixed = await sim.user("E2EBADROLE");
        assert.equal(fixed.id, live.id, "no second user");
        assert.deepEqual(
            fixed.roles.map((x: any) => x.name),
            ["PrimaveraGatewayDevAdmin"],
        );
    });

    it("9. destroy stops at primavera:maxDeletions, says what to set, and with it raised leaves none of the stack's users", async () => {
        const before = (await ours()).length;
        await assert.rejects(stack.destroy(capture), /primavera:maxDeletions.*PRIMAVERA_MAX_DELETIONS=/s);
        assert.equal((await ours()).length, before - 10, "ten deleted, the rest refused");
        // A destroy runs with the configuration of the last deployment: the environment raises the limit for one run.
        (stack.workspace as LocalWorkspace).envVars.PRIMAVERA_MAX_DELETIONS = "1000";
        const d = await stack.destroy(capture);
        assert.equal(d.summary.result, "succeeded");
        assert.deepEqual(await ours(), []);
        assert.ok(await sim.user("DPATEL"), "users outside the stack are untouched");
        assert.equal((await sim.stats()).overlappingJobs, 0);
    });
});

describe("values unknown during preview", function () {
    let sim: Sim;
    before(async () => {
        sim = await withSimulator({ jobMs: 20 });
    });
    after(async () => {
        await sim?.stop();
    });

    it("a preview whose inputs depend on outputs not known yet passes, and up resolves them", async () => {
        const { stack } = await engineStack({
            home: tempHome("primavera-e2e-unknowns"),
            stackName: "unknowns",
            program: async () => {
                const lead = new User("lead", {
                    loginId: "LEAD1",
                    firstName: "Lee",
                    lastName: "Lead",
                    emailAddress: "lead1@example.com",
                    organization: { name: "sfo" },
                });
                // userId is an output only: unknown until the lead exists.
                const member = new User("member", {
                    loginId: "MEMBER1",
                    firstName: "Mem",
                    lastName: "Ber",
                    emailAddress: "member1@example.com",
                    organization: { name: "sfo" },
                    manager: lead.userId,
                    employeeNumber: lead.userId.apply((id) => `EMP-${id}`),
                });
                return { manager: member.manager };
            },
            config: {
                "primavera:baseUrl": { value: sim.url },
                "primavera:username": { value: "admin" },
                "primavera:password": { value: ADMIN.password, secret: true },
            },
        });
        const pv = await stack.preview();
        assert.equal(pv.changeSummary.create, 3);
        const up = await stack.up();
        const lead = await sim.user("LEAD1");
        assert.equal((await sim.user("MEMBER1")).manager, lead.id);
        assert.equal((await sim.user("MEMBER1")).employeeNumber, `EMP-${lead.id}`);
        assert.equal(up.outputs.manager.value, lead.id);
        await stack.destroy();
        assert.equal(await sim.user("MEMBER1"), undefined);
    });
});
