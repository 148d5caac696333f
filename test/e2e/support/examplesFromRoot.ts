// The example programs load this repository's package and SDK in the test process, as the demo
// does, even when an example holds its own `npm install` (docs/examples.md): a second
// @pulumi/pulumi in one process fails every registration with "Request message serialization failure".
import Module from "node:module";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const EXAMPLES = path.join(ROOT, "examples") + path.sep;
const SHARED = /^(pulumi-primavera-admin|@pulumi\/pulumi)(\/|$)/;

type Resolve = (request: string, parent: NodeModule | undefined, ...rest: unknown[]) => string;
const modules = Module as unknown as { _resolveFilename: Resolve };
const resolve = modules._resolveFilename;
modules._resolveFilename = function (request, parent, ...rest) {
    const fromExample = parent?.filename?.startsWith(EXAMPLES) && !parent.filename.includes(`${path.sep}node_modules${path.sep}`);
    if (fromExample && SHARED.test(request)) return require.resolve(request, { paths: [ROOT] });
    return resolve.call(this, request, parent, ...rest);
};
