// The package as users get it: `npm pack`, installed into fresh Pulumi projects (their own
// node_modules) on the oldest @pulumi/pulumi the package supports (3.250.0) and on the latest 3.x,
// a program that does `require("pulumi-primavera-admin")`, and `pulumi up` through the real engine
// with each project as the work dir, so the serialized provider's
// `require("pulumi-primavera-admin/provider/resource/userProvider")` resolves from the project's node_modules.
// Each project must hold exactly one copy of @pulumi/pulumi: the package's `^3.250.0` dependency
// dedupes with the project's own.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { engineStack, ensurePulumiCli, leftoverProcesses, REPO_ROOT, tempHome } from "../../scripts/engine";
import { ADMIN, Sim, withSimulator } from "../support/sim";

const run = promisify(execFile);

/** The oldest @pulumi/pulumi the package declares (`^3.250.0`). */
const OLDEST = "3.250.0";

interface Project {
    label: string;
    pulumiVersion: string;
    home: string;
    dir: string;
    login: string;
}

describe("the packed package in fresh Pulumi projects", function () {
    let sim: Sim;
    let packHome: string;
    let tarball: string;
    let packedFiles: string[] = [];
    const projects: Project[] = [];

    before(async () => {
        sim = await withSimulator();
        packHome = tempHome("primavera-pack");
        await run(process.execPath, [path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], {
            cwd: REPO_ROOT,
        }).catch((e) => {
            // A type error elsewhere still emits dist/; only a missing output is fatal.
            if (!fs.existsSync(path.join(REPO_ROOT, "dist", "provider", "index.js"))) throw e;
        });
        const packDir = path.join(packHome, "pack");
        fs.mkdirSync(packDir);
        const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", packDir], {
            cwd: REPO_ROOT,
            maxBuffer: 64 * 1024 * 1024,
        });
        const info = JSON.parse(stdout.slice(stdout.indexOf("[")))[0];
        tarball = path.join(packDir, info.filename);
        packedFiles = info.files.map((f: { path: string }) => f.path);

        // The newest 3.x the registry has (not a 4.x, which the package's range excludes).
        const { stdout: versions } = await run("npm", ["view", `@pulumi/pulumi@>=${OLDEST} <4`, "version", "--json"], {
            maxBuffer: 16 * 1024 * 1024,
        });
        const parsed = JSON.parse(versions) as string | string[];
        const latest = Array.isArray(parsed) ? parsed[parsed.length - 1] : parsed;
        assert.match(latest, /^3\.\d+\.\d+$/);

        for (const [i, [label, pulumiVersion]] of [
            ["oldest", OLDEST],
            ["latest", latest],
        ].entries()) {
            const home = tempHome(`primavera-pack-${label}`);
            const dir = path.join(home, "project");
            const project = { label, pulumiVersion, home, dir, login: `PACKED${i + 1}` };
            writeProject(project);
            projects.push(project);
        }
        // Both installs at once: they share npm's cache, not a directory.
        await Promise.all(
            projects.map((p) =>
                run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: p.dir, maxBuffer: 64 * 1024 * 1024 }),
            ),
        );
    });

    after(async () => {
        await sim?.stop();
        // Every engine run of this suite has stopped its CLI and plugin (the CLI stops its plugins
        // as it exits: a moment's grace), and nothing it started is left behind.
        const left = await leftoverProcesses(projects.map((p) => p.home));
        assert.deepEqual(
            left.map((p) => p.command),
            [],
            "processes started by this suite were still running at its end",
        );
    });

    function writeProject(p: Project): void {
        fs.mkdirSync(p.dir, { recursive: true });
        fs.writeFileSync(
            path.join(p.dir, "package.json"),
            JSON.stringify(
                {
                    name: `fresh-primavera-project-${p.label}`,
                    private: true,
                    main: "index.js",
                    dependencies: { "@pulumi/pulumi": p.pulumiVersion, "pulumi-primavera-admin": `file:${tarball}` },
                },
                null,
                2,
            ),
        );
        fs.writeFileSync(path.join(p.dir, "Pulumi.yaml"), "name: fresh-primavera\nruntime: nodejs\n");
        fs.writeFileSync(
            path.join(p.dir, "index.js"),
            [
                `const { User } = require("pulumi-primavera-admin");`,
                `module.exports = function program() {`,
                `    const u = new User("packed", {`,
                `        loginId: ${JSON.stringify(p.login)}, firstName: "Pat", lastName: "Cked", emailAddress: "pat.cked@example.com",`,
                `        userType: "EMP", organization: { name: "sfo" }, roles: ["PrimaveraP6Test"],`,
                `    });`,
                `    return { id: u.id };`,
                `};`,
                ``,
            ].join("\n"),
        );
    }

    it("ships dist/provider, dist/simulator, the README, LICENSE and CHANGELOG, and no tests, scripts or sources", () => {
        for (const f of [
            "package.json",
            "README.md",
            "LICENSE",
            "CHANGELOG.md",
            "dist/provider/index.js",
            "dist/provider/index.d.ts",
            "dist/provider/resource/userProvider.js",
            "dist/provider/resource/stateEntry.js",
            "dist/provider/cli/index.js",
            "dist/simulator/cli.js",
            "dist/simulator/index.js",
        ]) {
            assert.ok(packedFiles.includes(f), `${f} is packed`);
        }
        const unwanted = packedFiles.filter((f) =>
            /^(test|scripts|examples|provider|simulator)\/|^dist\/(test|scripts|examples)\/|\.tgz$|^Pulumi\./.test(f),
        );
        assert.deepEqual(unwanted, []);
        const manifest = JSON.parse(
            fs.readFileSync(path.join(projects[0].dir, "node_modules", "pulumi-primavera-admin", "package.json"), "utf8"),
        );
        assert.equal(manifest.dependencies["@pulumi/pulumi"], `^${OLDEST}`, "a caret range from the oldest supported version");
        // @pulumi/pulumi is no peer (npm dedupes the caret range); TypeScript is an optional one, naming the supported lines.
        assert.deepEqual(manifest.peerDependencies, { typescript: ">=5.0.0 <7" });
        assert.deepEqual(manifest.peerDependenciesMeta, { typescript: { optional: true } });
        assert.match(
            fs.readFileSync(
                path.join(projects[0].dir, "node_modules", "pulumi-primavera-admin", "dist", "provider", "cli", "index.js"),
                "utf8",
            ),
            /^#!\/usr\/bin\/env node/,
        );
    });

    it("installs its bins: the export CLI runs from the project", async () => {
        const dir = projects[projects.length - 1].dir;
        const bin = path.join(dir, "node_modules", ".bin", "pulumi-primavera-admin");
        const { stdout, stderr } = await run(
            bin,
            ["export", "--format", "csv", "--base-url", sim.url, "--username", ADMIN.username, "--password-env", "SIM_PW"],
            {
                cwd: dir,
                env: { ...process.env, SIM_PW: ADMIN.password },
            },
        );
        assert.match(stdout, /^loginId,firstName/);
        assert.match(stdout, /DPATEL/);
        assert.match(stderr, /exported 2 user\(s\)/);
        assert.ok(!stderr.includes(`:${ADMIN.password}`));
    });

    for (const label of ["oldest", "latest"]) {
        describe(`on @pulumi/pulumi ${label === "oldest" ? OLDEST : "latest 3.x"}`, function () {
            const project = () => projects.find((p) => p.label === label)!;

            it("holds exactly one copy of @pulumi/pulumi: the project's own, which the package shares", async () => {
                const p = project();
                const { stdout } = await run("npm", ["ls", "@pulumi/pulumi", "--all", "--parseable"], {
                    cwd: p.dir,
                    maxBuffer: 16 * 1024 * 1024,
                });
                const copies = [...new Set(stdout.split("\n").filter((l) => l.trim() !== ""))];
                assert.deepEqual(copies, [path.join(p.dir, "node_modules", "@pulumi", "pulumi")], `npm ls: ${stdout}`);
                // The same by walking node_modules, nested copies included.
                assert.deepEqual(findCopies(path.join(p.dir, "node_modules")), [path.join(p.dir, "node_modules", "@pulumi", "pulumi")]);
                const version = JSON.parse(fs.readFileSync(path.join(copies[0], "package.json"), "utf8")).version;
                assert.equal(version, p.pulumiVersion);
                // The package resolves @pulumi/pulumi to that copy.
                const fromPackage = require.resolve("@pulumi/pulumi/package.json", {
                    paths: [path.join(p.dir, "node_modules", "pulumi-primavera-admin")],
                });
                assert.equal(fs.realpathSync(path.dirname(fromPackage)), fs.realpathSync(copies[0]));
            });

            it("runs `up` and a clean preview through the engine with the project's own node_modules", async () => {
                const p = project();
                const program = require(require.resolve(p.dir));
                // The harness creates the stack (CLI, backend, config) and gives the environment; the
                // run itself goes through the project's own @pulumi/pulumi, as in a user's project: the
                // program's resources and the Automation API must share one copy of the runtime.
                const { env } = await engineStack({
                    home: p.home,
                    workDir: p.dir,
                    stackName: "packed",
                    projectName: "fresh-primavera",
                    program: async () => undefined,
                    config: {
                        "primavera:baseUrl": { value: sim.url },
                        "primavera:username": { value: ADMIN.username },
                        "primavera:password": { value: ADMIN.password, secret: true },
                    },
                });
                const auto = require(require.resolve("@pulumi/pulumi/automation", { paths: [p.dir] }));
                const pulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(ensurePulumiCli()), skipVersionCheck: true });
                const stack = await auto.LocalWorkspace.selectStack(
                    { stackName: "packed", projectName: "fresh-primavera", program: async () => program() },
                    { workDir: p.dir, envVars: env, pulumiCommand },
                );
                const out: string[] = [];
                const up = await stack.up({ onOutput: (s: string) => out.push(s) });
                assert.equal(up.summary.result, "succeeded", out.join(""));
                assert.equal(up.summary.resourceChanges?.create, 2, "the stack and the user");
                assert.doesNotMatch(out.join(""), /warning: using pulumi-resource-pulumi-nodejs from \$PATH/);
                const live = await sim.user(p.login);
                assert.ok(live, "the simulator holds the user");
                assert.equal(up.outputs.id.value, live.id);
                const state = JSON.stringify((await stack.exportStack()).deployment);
                assert.ok(
                    state.includes('require(\\"pulumi-primavera-admin/state/v1\\").user()'),
                    "__provider loads the implementation by package name, through the public state entry point",
                );
                assert.ok(!state.includes(p.dir), "no absolute path of the project in the state");
                const preview = await stack.preview();
                assert.deepEqual(
                    Object.keys(preview.changeSummary).filter((k) => k !== "same"),
                    [],
                );
                // The project's Pulumi.yaml is the user's: the harness did not rewrite it.
                assert.equal(fs.readFileSync(path.join(p.dir, "Pulumi.yaml"), "utf8"), "name: fresh-primavera\nruntime: nodejs\n");
            });
        });
    }
});

/** Every directory under `nodeModules` (nested node_modules included) that is a copy of @pulumi/pulumi. */
function findCopies(nodeModules: string): string[] {
    const found: string[] = [];
    const visit = (dir: string) => {
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch {
            return;
        }
        for (const e of entries) {
            if (!e.isDirectory()) continue; // links (e.g. .bin) are not copies
            const full = path.join(dir, e.name);
            if (e.name.startsWith("@")) {
                visit(full);
                continue;
            }
            if (full.endsWith(path.join("@pulumi", "pulumi")) && fs.existsSync(path.join(full, "package.json"))) found.push(full);
            const nested = path.join(full, "node_modules");
            if (fs.existsSync(nested)) visit(nested);
        }
    };
    visit(nodeModules);
    return found.sort();
}
