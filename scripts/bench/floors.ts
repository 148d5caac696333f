// The floors: dynamic resources whose provider does nothing, so an engine run of N of them is what
// the engine itself costs (CLI and plugin start, check, diff, state checkpoints) for N resources.
import * as pulumi from "@pulumi/pulumi";
import { INPUT_KEYS, OUTPUT_ONLY, SECRET_OUTPUTS } from "../../provider/testing";

/** The 1-property floor's provider: create returns at once; nothing else (no check, diff, read, update or delete). */
const floorProvider: pulumi.dynamic.ResourceProvider = { create: async () => ({ id: "floor" }) };

/** The 1-property floor: a dynamic resource that does nothing and holds only its provider (type `pulumi-nodejs:dynamic/bench:Floor`). */
export class Floor extends pulumi.dynamic.Resource {
    constructor(name: string) {
        super(floorProvider, name, {}, undefined, "bench", "Floor");
    }
}

/**
 * The shape floor's provider, as a fixed text (not a serialized closure), about as small as a User's:
 * create echoes the inputs with the User's own outputs, at once; the engine diffs the inputs itself.
 */
const SHAPE_PROVIDER_TEXT =
    'exports.handler = () => ({ create: async (i) => ({ id: i.loginId, outs: { ...i, userId: i.loginId, status: "Active", locked: false } }) });';

/**
 * The floor of the User's shape: a dynamic resource that does nothing and registers exactly the
 * properties a User registers (every field, declared or not, and the User's own outputs, from the
 * same tables), with the same secret outputs, so the program, the engine and the state pay for the
 * same properties as for a User (type `pulumi-nodejs:dynamic/bench:ShapeFloor`).
 */
export class ShapeFloor extends pulumi.CustomResource {
    constructor(name: string, fields: Record<string, unknown>) {
        const props: Record<string, unknown> = {};
        for (const k of INPUT_KEYS) props[k] = fields[k];
        for (const k of OUTPUT_ONLY) props[k] = undefined;
        props.__provider = SHAPE_PROVIDER_TEXT;
        super("pulumi-nodejs:dynamic/bench:ShapeFloor", name, props, { additionalSecretOutputs: [...SECRET_OUTPUTS] });
    }
}
