// Pulumi habits through the real engine (Automation API, file backend, simulator on 127.0.0.1):
// bad settings fail preview naming the key; drift shows by field on refresh and preview;
// User.get reads a user by id; organization.type changes are shown and stored; a secret field stays
// encrypted.
import assert from "node:assert/strict";
import { expandOutputs } from "../../provider/resource/outputs";
import * as pulumi from "@pulumi/pulumi";
import { User, UserArgs } from "pulumi-primavera-admin";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { engineStack, exportStackEncrypted, tempHome } from "../../scripts/engine";
import { declaredUser } from "../support/fixtures";
import { ADMIN, Sim, withSimulator } from "../support/sim";

describe("Pulumi habits under the real engine", function () {
    let sim: Sim;
    before(async () => {
        sim = await withSimulator({ jobMs: 20 });
    });
    after(async () => {
        await sim?.stop();
    });

    const good = () => ({
        "primavera:baseUrl": { value: sim.url },
        "primavera:username": { value: ADMIN.username },
        "primavera:password": { value: ADMIN.password, secret: true },
    });

    async function stackFor(
        name: string,
        program: () => Promise<Record<string, unknown> | void>,
        env: Record<string, string> = {},
    ): Promise<Stack> {
        const { stack } = await engineStack({ home: tempHome(`primavera-habits-${name}`), stackName: name, program, config: good(), env });
        return stack;
    }

    it("bad settings fail `pulumi preview` at check (every resource fails; the engine stops at the first), naming the key, the value (never a secret) and what is allowed", async () => {
        const stack = await stackFor(
            "settings",
            async () => {
                for (const n of ["a", "b"]) {
                    new User(n, {
                        loginId: `SET${n}`,
                        firstName: "S",
                        lastName: n,
                        emailAddress: `${n}@example.com`,
                        organization: { name: "sfo" },
                    });
                }
            },
            // No environment fallback may hide a missing setting.
            { PRIMAVERA_BASE_URL: "", PRIMAVERA_USERNAME: "", PRIMAVERA_PASSWORD: "" },
        );
        const cases: [string, Record<string, { value: string; secret?: boolean }>, string[], RegExp[]][] = [
            ["authMode saml", { "primavera:authMode": { value: "saml" } }, [], [/primavera:authMode/, /"saml"/, /basic.*oauth/]],
            ["a negative timeout", { "primavera:timeoutSeconds": { value: "-5" } }, [], [/primavera:timeoutSeconds/, /-5/]],
            ["a malformed URL", { "primavera:baseUrl": { value: "not a url" } }, [], [/primavera:baseUrl/, /not a url/]],
            ["insecure=maybe", { "primavera:insecure": { value: "maybe" } }, [], [/primavera:insecure/, /maybe/]],
            ["a missing password", {}, ["primavera:password"], [/primavera:password/, /pulumi config set --secret primavera:password/]],
        ];
        for (const [what, bad, remove, expected] of cases) {
            await stack.setAllConfig({ ...good(), ...bad });
            for (const k of remove) await stack.removeConfig(k);
            const out: string[] = [];
            await assert.rejects(
                stack.preview({ onOutput: (s) => out.push(s) }),
                (e: Error) => {
                    const text = `${e.message}\n${out.join("")}`;
                    for (const re of expected) assert.match(text, re, `${what}: ${re}`);
                    assert.ok(!text.includes(ADMIN.password), `${what}: no secret echoed`);
                    // At check, before anything is sent (the engine stops the preview at the first error).
                    assert.match(text, /errored/);
                    return true;
                },
                what,
            );
        }
        assert.equal((await sim.stats()).jobsSubmitted, 0, "nothing was sent");
    });

    it("drift shows by field: refresh marks [diff: ~spec], preview --diff marks the field in it; unmanaged roles stay unmanaged", async () => {
        const stack = await stackFor("drift", async () => {
            new User("jsmith", {
                loginId: "DRIFTF",
                firstName: "Jim",
                lastName: "Smith",
                emailAddress: "jim@example.com",
                organization: { name: "sfo" },
            });
        });
        await stack.up();
        await sim.drift("DRIFTF", { emailAddress: "changed.in.ui@example.com", roles: ["PrimaveraP6Test"] });
        const events: EngineEvent[] = [];
        const rfOut: string[] = [];
        const refresh = await stack.refresh({ onEvent: (e) => events.push(e), onOutput: (s) => rfOut.push(s) });
        assert.equal(refresh.summary.resourceChanges?.update, 1);
        assert.match(rfOut.join(""), /\[diff: ~spec\]/, "refresh marks the declared fields' text (preview --diff shows which one)");
        assert.doesNotMatch(rfOut.join(""), /\[diff:[^\]]*roles/, "and not the unmanaged roles");
        const pvOut: string[] = [];
        const pv = await stack.preview({ diff: true, onOutput: (s) => pvOut.push(s) });
        assert.equal(pv.changeSummary.update, 1);
        const text = pvOut.join("");
        assert.match(text, /~ spec\s*: \(json\) \{/, "the engine decodes the declared fields' text");
        assert.match(text, /~ emailAddress\s*: "changed\.in\.ui@example\.com" => "jim@example\.com"/);
        assert.doesNotMatch(text, /[~+-] (firstName|lastName|organization)\b/, "and shows only the field that changed");
        assert.doesNotMatch(text, /roles/, "roles are not managed and not shown");
        await stack.up();
        assert.equal((await sim.user("DRIFTF")).emailAddress, "jim@example.com");
        assert.deepEqual(
            (await sim.user("DRIFTF")).roles.map((r: any) => r.name),
            ["PrimaveraP6Test"],
            "the unmanaged roles survive",
        );
    });

    it("a field given as a secret is stored only encrypted (input and output `spec`), and the program reads it back as a secret", async () => {
        const value = "E-SECRET-4417";
        const stack = await stackFor("secretfield", async () => {
            const u = new User("s", declaredUser("SECRETF1", { employeeNumber: pulumi.secret(value) }) as unknown as UserArgs);
            return { employeeNumber: u.employeeNumber, lastName: u.lastName };
        });
        const out: string[] = [];
        const up = await stack.up({ onOutput: (s) => out.push(s) });
        assert.equal((await sim.user("SECRETF1")).employeeNumber, value, "applied");
        assert.equal(up.outputs.employeeNumber.secret, true, "read back as a secret");
        assert.equal(up.outputs.employeeNumber.value, value);
        assert.equal(up.outputs.lastName.secret, false, "the other fields' outputs are not secret");
        const exported = await exportStackEncrypted(stack);
        const text = JSON.stringify(exported);
        assert.ok(!text.includes(value), "the state holds the secret field in plain text");
        assert.ok(!out.join("").includes(value), "the engine printed the secret field");
        const r = (exported.deployment.resources as any[]).find((x) => x.type.endsWith(":User"));
        assert.ok(r.inputs.spec.ciphertext, "the input spec is encrypted");
        assert.ok(r.outputs.spec.ciphertext, "the output spec, which has the input's name, is encrypted too");
        assert.equal((await stack.preview()).changeSummary.update ?? 0, 0, "and no change when nothing changed");
    });

    it("User.get(name, id) reads an existing user into a program by id", async () => {
        const dpatel = await sim.user("DPATEL");
        const stack = await stackFor("get", async () => {
            const got = User.get("dpatel", dpatel.id);
            return { login: got.loginId, email: got.emailAddress, roles: got.roles };
        });
        const up = await stack.up();
        assert.equal(up.outputs.login.value, "DPATEL");
        assert.equal(up.outputs.email.value, dpatel.emailAddress);
        assert.deepEqual(up.outputs.roles.value, dpatel.roles.map((r: any) => r.name).sort());
        assert.deepEqual(await sim.user("DPATEL"), dpatel, "reading changed nothing");
    });

    it("organization.type (the tenant reports none for 'sfo'): a change shows in preview and is stored by up", async () => {
        let type = "Company";
        const stack = await stackFor("orgtype", async () => {
            const u = new User("t", {
                loginId: "ORGT1",
                firstName: "O",
                lastName: "T",
                emailAddress: "t@example.com",
                organization: { name: "sfo", type },
            });
            return { lastName: u.lastName, org: u.organization, roles: u.roles };
        });
        const first = await stack.up();
        // Declared fields read back as declared (the state keeps them in `spec`, not as outputs of
        // their own); an undeclared one (roles) reads back as the tenant holds it.
        assert.equal(first.outputs.lastName.value, "T");
        assert.deepEqual(first.outputs.org.value, { name: "sfo", type: "Company" });
        assert.deepEqual(first.outputs.roles.value, []);
        const stored = ((await stack.exportStack()).deployment.resources as any[]).find((x) => x.outputs?.loginId === "ORGT1");
        assert.equal(stored.outputs.lastName, undefined);
        assert.equal(JSON.parse(stored.outputs.spec).lastName, "T");
        // The engine's form of the inputs (spec.ts): the login and one text, so one dependency list each.
        assert.deepEqual(Object.keys(stored.inputs).sort(), ["__provider", "loginId", "spec"]);
        assert.deepEqual(JSON.parse(stored.inputs.spec), {
            firstName: "O",
            lastName: "T",
            emailAddress: "t@example.com",
            organization: { name: "sfo", type: "Company" },
        });
        assert.deepEqual(Object.keys(stored.propertyDependencies).sort(), ["__provider", "loginId", "spec"]);
        assert.match(stored.sourcePosition, /habits\.e2e\.ts#\d+,\d+$/, "the resource's source position is recorded");
        assert.deepEqual((await stack.preview()).changeSummary.update ?? 0, 0, "no change when nothing changed");
        type = "Partner";
        const pv = await stack.preview();
        assert.equal(pv.changeSummary.update, 1, "the type change shows");
        await stack.up();
        const state = await stack.exportStack();
        const r = (state.deployment.resources as any[]).find((x) => x.outputs?.loginId === "ORGT1");
        assert.deepEqual(expandOutputs(r.outputs).organization, { name: "sfo", type: "Partner" }, "stored");
        assert.equal((await stack.preview()).changeSummary.update ?? 0, 0, "and then no change");
    });
});
