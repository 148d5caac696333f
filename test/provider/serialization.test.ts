// What Pulumi stores in `__provider`: built under mocks, small, free of credentials, and loadable
// the way the plugin loads it (require-from-string) to run a create against the simulator.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ADMIN, Sim, withSimulator } from "../support/sim";

const requireFromString = require("require-from-string");

describe("serialized provider (__provider)", function () {
    let sim: Sim;
    let providerText = "";
    const saved = { ...process.env };

    before(async () => {
        sim = await withSimulator();
        // Credentials are in the environment of the program: they must not reach __provider.
        process.env.PRIMAVERA_BASE_URL = sim.url;
        process.env.PRIMAVERA_USERNAME = ADMIN.username;
        process.env.PRIMAVERA_PASSWORD = "admin";
        let seen: ((text: string) => void) | undefined;
        const got = new Promise<string>((r) => (seen = r));
        await pulumi.runtime.setMocks(
            {
                newResource(args) {
                    if (args.type === "pulumi-nodejs:dynamic/primavera-admin:User") seen!(args.inputs.__provider);
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

    it("is under 2 KB and holds no credential, URL or absolute path", () => {
        assert.ok(providerText.length > 0);
        assert.ok(providerText.length < 2048, `__provider is ${providerText.length} bytes`);
        assert.doesNotMatch(providerText, /(?<!-)\badmin\b|Basic |Bearer |127\.0\.0\.1|\/work\/|node_modules/);
        assert.match(providerText, /require\("pulumi-primavera-admin\/provider\/userProvider"\)/);
    });

    it("loads like the plugin loads it and creates a user through it", async () => {
        const provider = requireFromString(providerText).handler();
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
        await provider.delete(created.id, updated.outs);
        assert.equal(await sim.user("SERIAL1"), undefined);
    });
});
