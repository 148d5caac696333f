// The bench's shape floor stands for "resources of the User's shape": it must register the same
// properties as a User (names, values sent, secret outputs), or the User's targets compare unlike things.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { User } from "../../../provider";
import { ShapeFloor } from "../../../scripts/bench/floors";
import { inputsFor } from "../../../scripts/bench/common";

/** What a registration asked of the engine: the inputs sent and the outputs to keep secret. */
interface Registered {
    inputs: Record<string, unknown>;
    secretOutputs: string[];
}

describe("the bench's shape floor", () => {
    const registered = new Map<string, Registered>();

    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
                call: (args) => args.inputs,
            },
            "project",
            "stack",
            false,
        );
        // The mock monitor sees the whole request; newResource sees only the inputs.
        const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: any, cb: unknown): unknown };
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, cb: unknown) => {
            registered.set(req.getName(), {
                inputs: req.getObject().toJavaScript(),
                secretOutputs: req.getAdditionalsecretoutputsList(),
            });
            return register(req, cb);
        };
    });

    it("registers the properties a User registers, with the same values and secret outputs", async () => {
        const user = new User("user", inputsFor(7) as never);
        const floor = new ShapeFloor("floor", inputsFor(7));
        const outputs = (r: object) =>
            Object.keys(r)
                .filter((k) => pulumi.Output.isInstance((r as Record<string, unknown>)[k]) && k !== "urn" && k !== "id")
                .sort();
        assert.deepEqual(outputs(floor), outputs(user));
        await new Promise<void>((resolve) => pulumi.all([user.urn, floor.urn]).apply(() => resolve()));
        const u = registered.get("user");
        const f = registered.get("floor");
        assert.ok(u && f, "both registered");
        const { __provider: _u, ...userSent } = u.inputs;
        const { __provider: _f, ...floorSent } = f.inputs;
        assert.ok(Object.keys(userSent).length >= 9, JSON.stringify(userSent));
        assert.deepEqual(floorSent, userSent);
        assert.deepEqual([...f.secretOutputs].sort(), [...u.secretOutputs].sort());
        assert.ok(u.secretOutputs.includes("passwordHash"), JSON.stringify(u.secretOutputs));
    });
});
