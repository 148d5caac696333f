// The floors: dynamic resources whose provider does nothing, so an engine run of N of them is what
// the engine itself costs (CLI and plugin start, check, diff, state checkpoints) for N resources.
import * as pulumi from "@pulumi/pulumi";

/** The 1-property floor's provider: create returns at once; nothing else (no check, diff, read, update or delete). */
const floorProvider: pulumi.dynamic.ResourceProvider = { create: async () => ({ id: "floor" }) };

/** The 1-property floor: a dynamic resource that does nothing and holds only its provider (type `pulumi-nodejs:dynamic/bench:Floor`). */
export class Floor extends pulumi.dynamic.Resource {
    constructor(name: string) {
        super(floorProvider, name, {}, undefined, "bench", "Floor");
    }
}

/**
 * The shape floor's provider, as a fixed text of the size a User's is (not a serialized closure):
 * create echoes the inputs with the User's own outputs, at once; the engine diffs the inputs itself.
 */
const SHAPE_PROVIDER_TEXT =
    'exports.handler = () => ({ create: async (i) => ({ id: i.loginId, outs: { ...i, userId: i.loginId, status: "Active", locked: false } }) });';

/** The outputs a User registers beside its fields. */
const USER_OWN_OUTPUTS = ["userId", "status", "locked", "passwordHash"];

/**
 * The floor of the User's shape: a dynamic resource that does nothing, with the User's fields as
 * flat properties (firstName, lastName, emailAddress, organization, userType, roles, ...) and the
 * User's own outputs, so the engine pays for the same properties as for a User whatever form the
 * User's inputs take (type `pulumi-nodejs:dynamic/bench:ShapeFloor`).
 */
export class ShapeFloor extends pulumi.CustomResource {
    constructor(name: string, fields: Record<string, unknown>) {
        const props: Record<string, unknown> = { ...fields, __provider: SHAPE_PROVIDER_TEXT };
        for (const k of USER_OWN_OUTPUTS) props[k] = undefined;
        super("pulumi-nodejs:dynamic/bench:ShapeFloor", name, props);
    }
}
