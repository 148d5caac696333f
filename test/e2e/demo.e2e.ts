// The README's main job: `npm run demo` runs the repository's own Pulumi project (the root
// Pulumi.yaml, project primavera-demo, the program of examples/basic) through the engine against
// the simulator; the second run reports no changes. State goes to a temporary directory.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../../scripts/engine";

const run = promisify(execFile);

describe("the demo (npm run demo)", function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "primavera-demo-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const demo = () =>
        run(process.execPath, [path.join(REPO_ROOT, "dist", "scripts", "demo.js")], {
            cwd: REPO_ROOT,
            env: { ...process.env, PRIMAVERA_DEMO_DIR: dir },
            maxBuffer: 16 * 1024 * 1024,
        });

    it("runs the root Pulumi project (primavera-demo): 4 users created, then no changes, with no plugin warning", async () => {
        const project = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8");
        assert.match(project, /^name: primavera-demo$/m);
        assert.match(project, /^main: examples\/basic\/index\.ts$/m);
        const first = await demo();
        assert.match(first.stdout, /pulumi:pulumi:Stack primavera-demo-demo/, "the engine ran the root project");
        assert.match(first.stdout, /Result \(engine resources, the stack included\): 5 create/);
        assert.doesNotMatch(first.stdout + first.stderr, /warning: using pulumi-resource-pulumi-nodejs from \$PATH/);
        const second = await demo();
        assert.match(second.stdout, /Result: no changes/);
    });
});
