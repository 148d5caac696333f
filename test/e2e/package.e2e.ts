// The package as users get it: `npm pack`, installed into a fresh Pulumi project (its own
// node_modules), a program that does `require("pulumi-primavera-admin")`, and `pulumi up` through
// the real engine with that project as the work dir, so the serialized provider's
// `require("pulumi-primavera-admin/provider/userProvider")` resolves from the project's node_modules.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { engineStack, ensurePulumiCli, REPO_ROOT, tempHome } from "../../scripts/engine";
import { ADMIN, Sim, withSimulator } from "../support/sim";

const run = promisify(execFile);

describe("the packed package in a fresh Pulumi project", function () {
    let sim: Sim;
    let home: string;
    let projectDir: string;
    let tarball: string;
    let packedFiles: string[] = [];

    before(async () => {
        sim = await withSimulator();
        home = tempHome("primavera-pack");
        await run(process.execPath, [path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], {
            cwd: REPO_ROOT,
        }).catch((e) => {
            // A type error elsewhere still emits dist/; only a missing output is fatal.
            if (!fs.existsSync(path.join(REPO_ROOT, "dist", "provider", "index.js"))) throw e;
        });
        const packDir = path.join(home, "pack");
        fs.mkdirSync(packDir);
        const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", packDir], {
            cwd: REPO_ROOT,
            maxBuffer: 64 * 1024 * 1024,
        });
        const info = JSON.parse(stdout.slice(stdout.indexOf("[")))[0];
        tarball = path.join(packDir, info.filename);
        packedFiles = info.files.map((f: { path: string }) => f.path);

        projectDir = path.join(home, "project");
        fs.mkdirSync(projectDir);
        fs.writeFileSync(
            path.join(projectDir, "package.json"),
            JSON.stringify(
                {
                    name: "fresh-primavera-project",
                    private: true,
                    main: "index.js",
                    dependencies: { "@pulumi/pulumi": "3.270.0", "pulumi-primavera-admin": `file:${tarball}` },
                },
                null,
                2,
            ),
        );
        fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), "name: fresh-primavera\nruntime: nodejs\n");
        fs.writeFileSync(
            path.join(projectDir, "index.js"),
            [
                `const { User } = require("pulumi-primavera-admin");`,
                `module.exports = function program() {`,
                `    const u = new User("packed", {`,
                `        loginId: "PACKED1", firstName: "Pat", lastName: "Cked", emailAddress: "pat.cked@example.com",`,
                `        userType: "EMP", organization: { name: "sfo" }, roles: ["PrimaveraP6Test"],`,
                `    });`,
                `    return { id: u.id };`,
                `};`,
                ``,
            ].join("\n"),
        );
        await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: projectDir, maxBuffer: 64 * 1024 * 1024 });
    });
    after(async () => {
        await sim?.stop();
    });

    it("ships dist/provider, dist/simulator and the README, and no tests, scripts or sources", () => {
        for (const f of [
            "package.json",
            "README.md",
            "dist/provider/index.js",
            "dist/provider/index.d.ts",
            "dist/provider/userProvider.js",
            "dist/provider/cli/index.js",
            "dist/simulator/cli.js",
            "dist/simulator/index.js",
        ]) {
            assert.ok(packedFiles.includes(f), `${f} is packed`);
        }
        const unwanted = packedFiles.filter((f) =>
            /^(test|scripts|examples|provider|simulator)\/|^dist\/(test|scripts|examples)\/|\.tgz$/.test(f),
        );
        assert.deepEqual(unwanted, []);
        assert.match(
            fs.readFileSync(path.join(projectDir, "node_modules", "pulumi-primavera-admin", "dist", "provider", "cli", "index.js"), "utf8"),
            /^#!\/usr\/bin\/env node/,
        );
    });

    it("installs its bins: the export CLI runs from the project", async () => {
        const bin = path.join(projectDir, "node_modules", ".bin", "pulumi-primavera-admin");
        const { stdout, stderr } = await run(
            bin,
            ["export", "--format", "csv", "--base-url", sim.url, "--username", ADMIN.username, "--password-env", "SIM_PW"],
            {
                cwd: projectDir,
                env: { ...process.env, SIM_PW: ADMIN.password },
            },
        );
        assert.match(stdout, /^loginId,firstName/);
        assert.match(stdout, /DPATEL/);
        assert.match(stderr, /exported 2 user\(s\)/);
        assert.ok(!stderr.includes(`:${ADMIN.password}`));
    });

    it("runs `up` and a clean preview through the engine with the project's own node_modules", async () => {
        const program = require(require.resolve(projectDir));
        // The harness creates the stack (CLI, backend, config) and gives the environment; the run
        // itself goes through the project's own @pulumi/pulumi, as in a user's project: the program's
        // resources and the Automation API must share one copy of the runtime.
        const { env } = await engineStack({
            home,
            workDir: projectDir,
            stackName: "packed",
            projectName: "fresh-primavera",
            program: async () => undefined,
            config: {
                "primavera:baseUrl": { value: sim.url },
                "primavera:username": { value: ADMIN.username },
                "primavera:password": { value: ADMIN.password, secret: true },
            },
        });
        const auto = require(require.resolve("@pulumi/pulumi/automation", { paths: [projectDir] }));
        const pulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(ensurePulumiCli()), skipVersionCheck: true });
        const stack = await auto.LocalWorkspace.selectStack(
            { stackName: "packed", projectName: "fresh-primavera", program: async () => program() },
            {
                workDir: projectDir,
                envVars: env,
                pulumiCommand,
                projectSettings: { name: "fresh-primavera", runtime: "nodejs", backend: { url: env.PULUMI_BACKEND_URL } },
            },
        );
        const out: string[] = [];
        const up = await stack.up({ onOutput: (s: string) => out.push(s) });
        assert.equal(up.summary.result, "succeeded", out.join(""));
        assert.equal(up.summary.resourceChanges?.create, 2, "the stack and the user");
        const live = await sim.user("PACKED1");
        assert.ok(live, "the simulator holds the user");
        assert.equal(up.outputs.id.value, live.id);
        const state = JSON.stringify((await stack.exportStack()).deployment);
        assert.ok(state.includes("pulumi-primavera-admin/provider/userProvider"), "the shim loads the implementation by package name");
        assert.ok(!state.includes(projectDir), "no absolute path of the project in the state");
        const preview = await stack.preview();
        assert.deepEqual(
            Object.keys(preview.changeSummary).filter((k) => k !== "same"),
            [],
        );
    });
});
