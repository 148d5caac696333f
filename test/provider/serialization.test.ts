// What Pulumi stores in `__provider`: built under mocks, small, free of credentials, and loadable
// the way the plugin loads it (require-from-string) to run a create against the simulator. The
// entry point it requires (`pulumi-primavera-admin/state/v1`) is public for ever, and so is the
// text states written by 0.1.0 hold (test/fixtures/provider-0.1.0.js): both are tested here.
import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { resetTenants } from "pulumi-primavera-admin/provider/testing";
import { ADMIN, Sim, withSimulator } from "../support/sim";

const requireFromString = require("require-from-string");

describe("serialized provider (__provider)", function () {
    let sim: Sim;
    let providerText = "";
    let registered: Record<string, unknown> = {};
    const saved = { ...process.env };

    before(async () => {
        sim = await withSimulator();
        // Credentials are in the environment of the program: they must not reach __provider.
        process.env.PRIMAVERA_BASE_URL = sim.url;
        process.env.PRIMAVERA_USERNAME = ADMIN.username;
        process.env.PRIMAVERA_PASSWORD = ADMIN.password;
        let seen: ((text: string) => void) | undefined;
        const got = new Promise<string>((r) => (seen = r));
        await pulumi.runtime.setMocks(
            {
                newResource(args) {
                    if (args.type === "pulumi-nodejs:dynamic/primavera-admin:User" && args.name === "jsmith") {
                        registered = args.inputs;
                        seen!(args.inputs.__provider);
                    }
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: (args) => args.inputs,
            },
            "project",
            "stack",
            false,
        );
        const { User } = await import("pulumi-primavera-admin");
        new User("jsmith", {
            loginId: "SERIAL1",
            firstName: "Jim",
            lastName: "Smith",
            emailAddress: "jim@example.com",
            organization: { name: "sfo" },
            roles: ["PrimaveraCloudAdmin"],
        });
        providerText = await got;
    });
    after(async () => {
        process.env = { ...saved };
        await sim.stop();
    });

    it("building a User changes no process-wide setting (the stack trace limit stays as it is, also during the build)", async () => {
        const { User } = await import("pulumi-primavera-admin");
        const saved = Error.stackTraceLimit;
        try {
            Error.stackTraceLimit = 17;
            let during: number | undefined;
            new User(
                "limit",
                {
                    loginId: "LIMIT1",
                    firstName: pulumi.output("L").apply((v) => {
                        during = Error.stackTraceLimit;
                        return v;
                    }),
                    lastName: "L",
                    emailAddress: "l@example.com",
                    organization: { name: "sfo" },
                },
                {},
            );
            assert.equal(Error.stackTraceLimit, 17);
            await new Promise((r) => setImmediate(r));
            if (during !== undefined) assert.equal(during, 17);
        } finally {
            Error.stackTraceLimit = saved;
        }
    });

    it("registers one input per declared field (no `spec`), the password as a secret of its own", () => {
        assert.deepEqual(Object.keys(registered).sort(), [
            "__provider",
            "emailAddress",
            "firstName",
            "lastName",
            "loginId",
            "organization",
            "roles",
        ]);
        assert.deepEqual(registered.roles, ["PrimaveraCloudAdmin"]);
        assert.deepEqual(registered.organization, { name: "sfo" });
    });

    it("is at most 300 bytes, the fixed text requiring the public entry point, with no credential, URL or path", () => {
        assert.ok(providerText.length > 0);
        assert.ok(providerText.length <= 300, `__provider is ${providerText.length} bytes`);
        assert.equal(providerText, 'exports.handler = () => require("pulumi-primavera-admin/state/v1").user();');
        assert.doesNotMatch(providerText, /(?<!-)\badmin\b|Basic |Bearer |127\.0\.0\.1|\/work\/|node_modules/);
    });

    it("one provider instance serves every resource that carries the text (the host caches by text)", () => {
        const a = requireFromString(providerText).handler();
        const b = requireFromString(providerText).handler();
        assert.equal(a, b);
    });

    for (const [what, text] of [
        ["today's text", () => providerText],
        [
            "the text states written by 0.1.0 hold",
            () => fs.readFileSync(path.join(__dirname, "..", "fixtures", "provider-0.1.0.js"), "utf8"),
        ],
    ] as const) {
        it(`${what}: loads like the plugin loads it and runs create, read, diff, update and delete`, async () => {
            resetTenants(); // a provider process of its own
            await runThrough(requireFromString(text()).handler());
        });
    }

    async function runThrough(provider: any) {
        await provider.configure({ config: { get: (k: string) => (({ "primavera:timeoutSeconds": "20" }) as Record<string, string>)[k] } });
        const inputs = {
            loginId: "SERIAL1",
            firstName: "Jim",
            lastName: "Smith",
            emailAddress: "jim@example.com",
            organization: { name: "sfo" },
        };
        const checked = await provider.check({}, inputs);
        assert.deepEqual(checked.failures, []);
        const created = await provider.create(checked.inputs);
        const live = await sim.user("SERIAL1");
        assert.equal(created.id, live.id);
        const read = await provider.read(created.id, created.outs);
        assert.equal(read.props.loginId, "SERIAL1");
        assert.equal((await provider.diff(created.id, created.outs, checked.inputs)).changes, false);
        const updated = await provider.update(created.id, created.outs, { ...checked.inputs, lastName: "Smythe" });
        assert.equal(updated.outs.lastName, "Smythe");
        resetTenants(); // a later run (pulumi destroy): a new provider process
        await provider.delete(created.id, updated.outs);
        assert.equal(await sim.user("SERIAL1"), undefined);
    }
});
