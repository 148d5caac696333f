// The object Pulumi serializes into every User's state (`__provider`). It must stay tiny and
// capture nothing: no credentials, no module-level objects (a zod schema cannot even be
// serialized), no absolute paths (state moves between machines). Each call loads the real
// implementation at run time, by package name, from the project's node_modules; the `require`
// text is kept verbatim by the serializer, so the state does not depend on the layout of
// node_modules. `impl` is set at run time inside the provider process, never serialized.
//
// Size matters: the text is stored once per resource, and each serialized function costs about
// 270 bytes of wrapper. So the seven methods share three functions, told apart by their
// arguments (the host always passes every argument): that keeps `__provider` near 1.3 KB.
import type * as pulumi from "@pulumi/pulumi";

type Impl = Required<pulumi.dynamic.ResourceProvider>;
type Shim = pulumi.dynamic.ResourceProvider & { impl?: Impl };

// No `??=` here (nor other syntax newer than ES2020): Pulumi's closure serializer parses this code
// with the project's `typescript` package, or with its bundled TypeScript 3.8 when the project has
// none (a plain JavaScript project), which cannot parse `??=` ("Expression expected").
function impl(s: Shim): Impl {
    return s.impl || (s.impl = new (require("pulumi-primavera-admin/provider/userProvider").UserProvider)());
}

/** configure(req) | create(inputs) | check(olds, news) */
function configureCreateCheck(this: Shim, a: any, b?: any): Promise<any> {
    if (b !== undefined) return impl(this).check(a, b);
    return typeof a?.config?.get === "function" ? impl(this).configure(a) : impl(this).create(a);
}

/** read(id, props) | diff(id, olds, news) */
function readDiff(this: Shim, id: string, a: any, b?: any): Promise<any> {
    return b === undefined ? impl(this).read(id, a) : impl(this).diff(id, a, b);
}

/** delete(id, props) | update(id, olds, news) */
function deleteUpdate(this: Shim, id: string, a: any, b?: any): Promise<any> {
    return b === undefined ? impl(this).delete(id, a) : impl(this).update(id, a, b);
}

export const providerShim: Shim = {
    configure: configureCreateCheck,
    create: configureCreateCheck,
    check: configureCreateCheck,
    read: readDiff,
    diff: readDiff,
    delete: deleteUpdate,
    update: deleteUpdate,
};
