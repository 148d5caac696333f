// The bench's shape floor stands for "resources of the User's shape": it must register the same
// properties as a User (names, values sent, outputs), or the User's targets compare unlike things.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ShapeFloor } from "../../../scripts/bench/floors";
import { inputsFor } from "../../../scripts/bench/common";

describe("the bench's shape floor", () => {
    const sent = new Map<string, Record<string, unknown>>();

    before(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    sent.set(args.name, args.inputs);
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: (args) => args.inputs,
            },
            "project",
            "stack",
            false,
        );
    });

    it("registers the properties a User registers, with the same values", async () => {
        const { User } = await import("pulumi-primavera-admin");
        const user = new User("user", inputsFor(7) as never);
        const floor = new ShapeFloor("floor", inputsFor(7));
        const outputs = (r: object) =>
            Object.keys(r)
                .filter((k) => pulumi.Output.isInstance((r as Record<string, unknown>)[k]) && k !== "urn" && k !== "id")
                .sort();
        assert.deepEqual(outputs(floor), outputs(user));
        await new Promise<void>((resolve) => pulumi.all([user.urn, floor.urn]).apply(() => resolve()));
        const { __provider: _u, ...userSent } = sent.get("user") ?? {};
        const { __provider: _f, ...floorSent } = sent.get("floor") ?? {};
        assert.ok(Object.keys(userSent).length >= 9, JSON.stringify(userSent));
        assert.deepEqual(floorSent, userSent);
    });
});
