// The package says plainly when it runs on a Node.js older than package.json's `engines` allows.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { NODE_MAJOR_MIN, nodeVersionWarning } from "pulumi-primavera-admin/provider/nodeVersion";

describe("the Node.js version check", () => {
    it("warns on Node 20, naming the package, the line it needs and the running version", () => {
        assert.equal(
            nodeVersionWarning("v20.20.2")?.startsWith("pulumi-primavera-admin needs Node.js 22 or later; this is v20.20.2."),
            true,
        );
    });

    it("says nothing on Node 22 and later", () => {
        assert.equal(nodeVersionWarning("v22.23.3"), undefined);
        assert.equal(nodeVersionWarning("v24.1.0"), undefined);
    });

    it("needs the line package.json's engines names", () => {
        const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8"));
        assert.equal(pkg.engines.node, `>=${NODE_MAJOR_MIN}`);
    });
});
