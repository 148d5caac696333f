// Pulumi habits through the real engine (Automation API, file backend, simulator on 127.0.0.1):
// bad settings fail preview naming the key; drift shows by field on refresh and preview;
// User.get reads a user by id; organization.type changes are shown and stored; resource options
// work per field (ignoreChanges, transforms, aliases, a secret or an unknown on one field).
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { User, UserArgs } from "pulumi-primavera-admin";
import type { Stack } from "@pulumi/pulumi/automation";
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

    it("drift shows by field: refresh marks [diff: ~emailAddress], preview --diff shows `~ emailAddress`; unmanaged roles stay unmanaged", async () => {
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
        const rfOut: string[] = [];
        const refresh = await stack.refresh({ onOutput: (s) => rfOut.push(s) });
        assert.equal(refresh.summary.resourceChanges?.update, 1);
        assert.match(rfOut.join(""), /\[diff: ~emailAddress\]/, "refresh names the field that drifted");
        assert.doesNotMatch(rfOut.join(""), /\[diff:[^\]]*(roles|spec)/, "and not the unmanaged roles");
        const pvOut: string[] = [];
        const pv = await stack.preview({ diff: true, onOutput: (s) => pvOut.push(s) });
        assert.equal(pv.changeSummary.update, 1);
        const text = pvOut.join("");
        assert.match(text, /~ emailAddress\s*: "changed\.in\.ui@example\.com" => "jim@example\.com"/);
        assert.doesNotMatch(text, /[~+-] (firstName|lastName|organization|spec)\b/, "and shows only the field that changed");
        assert.doesNotMatch(text, /roles/, "roles are not managed and not shown");
        await stack.up();
        assert.equal((await sim.user("DRIFTF")).emailAddress, "jim@example.com");
        assert.deepEqual(
            (await sim.user("DRIFTF")).roles.map((r: any) => r.name),
            ["PrimaveraP6Test"],
            "the unmanaged roles survive",
        );
    });

    it("a secret on one field (employeeNumber) encrypts only that input and output in `stack export`; the others stay plain", async () => {
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
        assert.ok(r.inputs.employeeNumber.ciphertext, "the input employeeNumber is encrypted");
        assert.ok(r.outputs.employeeNumber.ciphertext, "the output employeeNumber is encrypted");
        for (const k of ["loginId", "firstName", "lastName", "emailAddress"]) {
            assert.equal(typeof r.inputs[k], "string", `input ${k} is plain`);
            assert.equal(typeof r.outputs[k], "string", `output ${k} is plain`);
        }
        assert.deepEqual(r.outputs.organization, { name: "sfo", type: "Company" }, "plain");
        assert.equal((await stack.preview()).changeSummary.update ?? 0, 0, "and no change when nothing changed");
    });

    it("ignoreChanges: [\"emailAddress\"] ignores the program's email and keeps the tenant's, while other fields are applied", async () => {
        let email = "ign@example.com";
        let first = "Ina";
        const stack = await stackFor("ignore", async () => {
            new User(
                "ign",
                { loginId: "IGNORE1", firstName: first, lastName: "G", emailAddress: email, organization: { name: "sfo" } },
                { ignoreChanges: ["emailAddress"] },
            );
        });
        await stack.up();
        assert.equal((await sim.user("IGNORE1")).emailAddress, "ign@example.com");
        email = "program.changed@example.com";
        assert.equal((await stack.preview()).changeSummary.update ?? 0, 0, "the program's email change is ignored");
        await sim.drift("IGNORE1", { emailAddress: "tenant.changed@example.com" });
        first = "Ines";
        await stack.up({ refresh: true });
        const live = await sim.user("IGNORE1");
        assert.equal(live.firstName, "Ines", "the other field is applied");
        assert.equal(live.emailAddress, "tenant.changed@example.com", "the tenant's email is kept");
        assert.equal((await stack.preview({ refresh: true })).changeSummary.update ?? 0, 0);
    });

    it("a transform that sets props.roles declares the roles; an alias keeps the user when the resource is renamed", async () => {
        let name = "tr";
        let aliases: pulumi.Input<pulumi.Alias>[] = [];
        const stack = await stackFor("transform", async () => {
            new User(
                name,
                { loginId: "TRANSF1", firstName: "T", lastName: "R", emailAddress: "tr@example.com", organization: { name: "sfo" } },
                {
                    aliases,
                    transforms: [
                        (args) =>
                            args.type.endsWith(":User")
                                ? { props: { ...args.props, roles: ["PrimaveraCloudAdmin"] }, opts: args.opts }
                                : undefined,
                    ],
                },
            );
        });
        await stack.up();
        const live = await sim.user("TRANSF1");
        assert.deepEqual(
            live.roles.map((r: any) => r.name),
            ["PrimaveraCloudAdmin"],
            "the roles the transform set",
        );
        const jobs = (await sim.stats()).jobsSubmitted;
        name = "renamed";
        aliases = [{ name: "tr" }];
        const up = await stack.up();
        assert.equal(up.summary.resourceChanges?.create ?? 0, 0, "no create");
        assert.equal(up.summary.resourceChanges?.delete ?? 0, 0, "no delete");
        assert.equal((await sim.stats()).jobsSubmitted, jobs, "no job");
        assert.deepEqual(await sim.user("TRANSF1"), live, "the user is untouched");
    });

    it("an unknown on one field in a preview: only that field is not known yet; up applies it", async () => {
        const stack = await stackFor("unknown", async () => {
            const a = new User("a", declaredUser("UNKA") as unknown as UserArgs);
            new User("b", { ...(declaredUser("UNKB") as unknown as UserArgs), employeeNumber: a.userId });
        });
        const out: string[] = [];
        const pv = await stack.preview({ diff: true, onOutput: (s) => out.push(s) });
        assert.equal(pv.changeSummary.create, 3, "the stack and the two users");
        assert.match(out.join(""), /employeeNumber\s*: \[unknown\]/, "the one unknown field");
        assert.match(out.join(""), /lastName\s*: "UNKB"/, "the other fields are known");
        await stack.up();
        assert.equal((await sim.user("UNKB")).employeeNumber, (await sim.user("UNKA")).id);
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
        // Every field is an output of its own, as the tenant holds it; an undeclared one (roles) too.
        assert.equal(first.outputs.lastName.value, "T");
        assert.deepEqual(first.outputs.org.value, { name: "sfo", type: "Company" });
        assert.deepEqual(first.outputs.roles.value, []);
        const stored = ((await stack.exportStack()).deployment.resources as any[]).find((x) => x.outputs?.loginId === "ORGT1");
        assert.equal(stored.outputs.lastName, "T");
        assert.equal(stored.outputs.spec, undefined);
        assert.deepEqual(stored.outputs.managedFields, [
            "loginId",
            "firstName",
            "lastName",
            "emailAddress",
            "organization",
            "organization.type",
        ]);
        // One input per declared field, as Pulumi's own providers register them.
        assert.deepEqual(stored.inputs, {
            __provider: stored.inputs.__provider,
            loginId: "ORGT1",
            firstName: "O",
            lastName: "T",
            emailAddress: "t@example.com",
            organization: { name: "sfo", type: "Company" },
        });
        assert.match(stored.sourcePosition, /habits\.e2e\.ts#\d+,\d+$/, "the resource's source position is recorded");
        assert.deepEqual((await stack.preview()).changeSummary.update ?? 0, 0, "no change when nothing changed");
        type = "Partner";
        const pv = await stack.preview();
        assert.equal(pv.changeSummary.update, 1, "the type change shows");
        await stack.up();
        const state = await stack.exportStack();
        const r = (state.deployment.resources as any[]).find((x) => x.outputs?.loginId === "ORGT1");
        assert.deepEqual(r.outputs.organization, { name: "sfo", type: "Partner" }, "stored");
        assert.equal((await stack.preview()).changeSummary.update ?? 0, 0, "and then no change");
    });

    it("a stack whose state is in the `spec` form (development builds) is written flat by the next up, without a job", async () => {
        const program = async () => {
            new User("m", {
                loginId: "MIGR1",
                firstName: "M",
                lastName: "G",
                emailAddress: "m@example.com",
                organization: { name: "sfo" },
            });
        };
        const stack = await stackFor("migrate", program);
        await stack.up();
        // The state as the `spec` form held it: the declared fields in one JSON text, as an input and an output.
        const deployment = await stack.exportStack();
        const r = (deployment.deployment.resources as any[]).find((x) => x.type.endsWith(":User"));
        const fields = { firstName: "M", lastName: "G", emailAddress: "m@example.com", organization: { name: "sfo" } };
        r.inputs = { __provider: r.inputs.__provider, loginId: "MIGR1", spec: JSON.stringify(fields) };
        const { managedFields: _m, firstName: _f, lastName: _l, emailAddress: _e, organization: _o, ...rest } = r.outputs;
        r.outputs = { ...rest, spec: JSON.stringify(fields) };
        r.propertyDependencies = { __provider: [], loginId: [], spec: [] };
        await stack.importStack(deployment);
        const before = await sim.user("MIGR1");
        const jobs = (await sim.stats()).jobsSubmitted;
        const up = await stack.up();
        assert.equal(up.summary.resourceChanges?.update, 1, "the state is rewritten");
        assert.equal((await sim.stats()).jobsSubmitted, jobs, "no job: the user already matches");
        assert.deepEqual(await sim.user("MIGR1"), before, "the user is untouched");
        const after = ((await stack.exportStack()).deployment.resources as any[]).find((x) => x.type.endsWith(":User"));
        assert.equal(after.outputs.spec, undefined);
        assert.equal(after.inputs.spec, undefined);
        assert.equal(after.outputs.lastName, "G");
        assert.deepEqual(after.outputs.managedFields, ["loginId", "firstName", "lastName", "emailAddress", "organization"]);
        assert.equal((await stack.preview()).changeSummary.update ?? 0, 0, "and then no change");
    });
});
