// Runs Pulumi programs through the real engine (Automation API, inline programs) with no network:
// a local `file://` backend, passphrase secrets, update check and plugin download off. Used by
// the demo, the end-to-end tests and the benchmarks.
//
// The CLI comes from scripts/ensure-pulumi (PATH, a cached build, or a build from the Go module
// proxy). Inline programs need no Node language host. The dynamic-provider plugin
// (pulumi-resource-pulumi-nodejs) ships inside @pulumi/pulumi; it is installed into the plugin
// cache of the run's PULUMI_HOME, where the engine looks for plugins, instead of being put on
// PATH (a plugin found on PATH makes the engine print "warning: using pulumi-resource-pulumi-nodejs
// from $PATH" on every command).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

export const REPO_ROOT = path.resolve(__dirname, "..", fs.existsSync(path.resolve(__dirname, "..", "package.json")) ? "" : "..");

let cliDir: string | undefined;

/** The directory of a working `pulumi` binary (built once per machine if need be). */
export function ensurePulumiCli(): string {
    if (cliDir) return cliDir;
    const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "ensure-pulumi")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        maxBuffer: 16 * 1024 * 1024,
    });
    cliDir = out.trim().split("\n").pop()!;
    return cliDir;
}

export interface EngineOptions {
    /** Where the state, PULUMI_HOME and the work dir live (created if absent). */
    home: string;
    stackName: string;
    projectName?: string;
    program: () => Promise<Record<string, unknown> | void>;
    /** Stack config: `primavera:*` keys and others. */
    config?: Record<string, { value: string; secret?: boolean }>;
    /** Extra environment for the CLI and the plugin process. */
    env?: Record<string, string>;
    /**
     * The project directory the engine and the plugin run in. Default: `<home>/work`, whose
     * node_modules links to this repo's. Give a real project (its own node_modules holding
     * @pulumi/pulumi and an installed pulumi-primavera-admin) to run as a user would. A
     * `Pulumi.yaml` already there is used as it is (never rewritten), and `projectName`, if
     * given, must match its name; the stack's config file (`Pulumi.<stack>.yaml`) goes next to it.
     */
    workDir?: string;
}

export interface EngineStack {
    stack: Stack;
    env: Record<string, string>;
}

export async function engineStack(opts: EngineOptions): Promise<EngineStack> {
    const bin = ensurePulumiCli();
    fs.mkdirSync(opts.home, { recursive: true });
    const stateDir = path.join(opts.home, "state");
    const pulumiHome = path.join(opts.home, "pulumi-home");
    const workDir = opts.workDir ?? path.join(opts.home, "work");
    for (const d of [stateDir, pulumiHome, workDir]) fs.mkdirSync(d, { recursive: true });
    // The plugin runs with the work dir as its cwd and resolves @pulumi/pulumi and this package
    // from there: give it the repo's node_modules (which links this package to itself).
    const link = path.join(workDir, "node_modules");
    if (!opts.workDir && !fs.existsSync(link)) fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), link, "dir");

    const pulumiPackageDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [workDir, REPO_ROOT] }));
    installDynamicProviderPlugin(pulumiHome, pulumiPackageDir);
    for (const dir of new Set([pulumiPackageDir, path.dirname(require.resolve("@pulumi/pulumi/package.json"))])) isolateEngineChannels(dir);
    const nodeBinDir = path.dirname(process.execPath);
    const env: Record<string, string> = {
        // Node first: the plugin script runs `node`, and it must be this Node (22).
        PATH: [bin, nodeBinDir, process.env.PATH ?? ""].join(path.delimiter),
        PULUMI_HOME: pulumiHome,
        // The engine would take a pulumi-resource-pulumi-nodejs found on PATH over the plugin
        // cache, with a warning. Plugins come from next to the CLI (the official CLI bundles
        // this one) or from the plugin cache, never from PATH.
        PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
        PULUMI_BACKEND_URL: `file://${stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "primavera-local-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        PULUMI_NODEJS_SKIP_COMMAND_CONFIRMATION: "true",
        ...opts.env,
    };
    const declared = projectNameOf(workDir);
    if (declared !== undefined && opts.projectName !== undefined && declared !== opts.projectName) {
        throw new Error(`${path.join(workDir, "Pulumi.yaml")} names the project '${declared}', not '${opts.projectName}'`);
    }
    const projectName = declared ?? opts.projectName ?? "primavera-users";
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(bin), skipVersionCheck: true });
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: opts.stackName, projectName, program: opts.program },
        {
            workDir,
            envVars: env,
            pulumiCommand,
            // A project file already in the work dir is the project (e.g. the repo's own Pulumi.yaml).
            ...(declared === undefined
                ? { projectSettings: { name: projectName, runtime: "nodejs", backend: { url: `file://${stateDir}` } } }
                : {}),
        },
    );
    if (opts.config) await stack.setAllConfig(opts.config);
    return { stack, env };
}

/**
 * Gives each client the SDK (`pulumiPackageDir`) opens to the engine a subchannel pool of its own.
 * By default they share grpc-js's process-wide pool, and an inline program whose engine ended
 * first (a failed preview) leaves its last calls retrying the closed ports for the life of the
 * process: a later engine that binds one of those ports then fails its program's first call with
 * "14 UNAVAILABLE: No connection established. Last error: null". The option is read when a client
 * is made, so it holds for every run after this call.
 */
export function isolateEngineChannels(pulumiPackageDir: string): void {
    const settings = require(path.join(pulumiPackageDir, "runtime", "settings")) as { grpcClientOptions?: Record<string, unknown> };
    const options = settings.grpcClientOptions;
    if (typeof options !== "object" || options === null) {
        throw new Error(
            `${pulumiPackageDir}: runtime/settings no longer exports grpcClientOptions; engine runs in one process would share grpc connections`,
        );
    }
    options["grpc.use_local_subchannel_pool"] = 1;
}

/**
 * Installs the dynamic-provider plugin that ships inside `@pulumi/pulumi` (`pulumiPackageDir`)
 * into the plugin cache of `pulumiHome` (`plugins/resource-pulumi-nodejs-v<version>/`), the way
 * `pulumi plugin install` lays plugins out, so the engine finds it without PATH and without a
 * warning. The plugin is a small script that starts `@pulumi/pulumi/cmd/dynamic-provider` as
 * resolved from the project directory.
 */
export function installDynamicProviderPlugin(pulumiHome: string, pulumiPackageDir: string): string {
    const version = (JSON.parse(fs.readFileSync(path.join(pulumiPackageDir, "package.json"), "utf8")) as { version: string }).version;
    const pluginsDir = path.join(pulumiHome, "plugins");
    const name = `resource-pulumi-nodejs-v${version}`;
    const dir = path.join(pluginsDir, name);
    const exe = path.join(dir, "pulumi-resource-pulumi-nodejs");
    const target = path.join(pulumiPackageDir, "pulumi-resource-pulumi-nodejs");
    fs.mkdirSync(dir, { recursive: true });
    let current: string | undefined;
    try {
        current = fs.readlinkSync(exe);
    } catch {
        current = undefined;
    }
    if (current !== target) {
        fs.rmSync(exe, { force: true });
        fs.symlinkSync(target, exe);
    }
    // Another version installed here earlier (the project's @pulumi/pulumi changed): the engine
    // would pick the newest, so keep only this one.
    for (const other of fs.readdirSync(pluginsDir, { withFileTypes: true })) {
        if (other.isDirectory() && other.name !== name && other.name.startsWith("resource-pulumi-nodejs-v")) {
            fs.rmSync(path.join(pluginsDir, other.name), { recursive: true, force: true });
        }
    }
    return exe;
}

/** The `name:` of the Pulumi.yaml in `dir`, or undefined when there is none. */
export function projectNameOf(dir: string): string | undefined {
    const file = path.join(dir, "Pulumi.yaml");
    if (!fs.existsSync(file)) return undefined;
    const name = /^name:\s*["']?([^"'\s#]+)["']?\s*(#.*)?$/m.exec(fs.readFileSync(file, "utf8"))?.[1];
    if (!name) throw new Error(`${file} has no top-level name`);
    return name;
}

/** A process found by processesUsing. */
export interface FoundProcess {
    pid: number;
    command: string;
}

/**
 * The processes (other than this one) whose environment mentions `dir`: every process a run under
 * a home from tempHome() starts has it there (the CLI and each plugin get PULUMI_HOME and
 * PULUMI_BACKEND_URL under the home), also the plugins the CLI starts in process groups of their
 * own, which survive a kill of the run's group. Reads /proc (Linux); elsewhere it finds nothing.
 */
export function processesUsing(dir: string): FoundProcess[] {
    let pids: string[];
    try {
        pids = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p));
    } catch {
        return [];
    }
    const found: FoundProcess[] = [];
    for (const p of pids) {
        const pid = Number(p);
        if (pid === process.pid) continue;
        let environ: string;
        try {
            environ = fs.readFileSync(`/proc/${p}/environ`, "latin1");
        } catch {
            continue; // gone, or not ours
        }
        if (!environ.split("\0").some((e) => e.includes(`${dir}/`) || e.endsWith(dir))) continue;
        let command = "";
        try {
            command = fs.readFileSync(`/proc/${p}/cmdline`, "latin1").split("\0").filter(Boolean).join(" ");
        } catch {
            /* gone meanwhile */
        }
        found.push({ pid, command });
    }
    return found;
}

/**
 * What a suite's engine runs left behind: after a moment's grace (the CLI stops its plugins as it
 * exits), every process still using one of `homes` is stopped and returned, for the suite to
 * assert that there were none.
 */
export async function leftoverProcesses(homes: string[], graceMs = 5_000): Promise<FoundProcess[]> {
    const end = Date.now() + graceMs;
    while (Date.now() < end && homes.some((h) => processesUsing(h).length > 0)) await new Promise((r) => setTimeout(r, 100));
    return (await Promise.all(homes.map((h) => stopProcessesUsing(h)))).flat();
}

/**
 * Kills (SIGKILL) every process processesUsing(dir) finds and waits until none is left (bounded).
 * Returns the processes it found at first; throws if some are still running at the deadline.
 */
export async function stopProcessesUsing(dir: string, timeoutMs = 10_000): Promise<FoundProcess[]> {
    const first = processesUsing(dir);
    const end = Date.now() + timeoutMs;
    for (let left = first; left.length > 0; left = processesUsing(dir)) {
        if (Date.now() > end) {
            throw new Error(`still running after ${timeoutMs} ms: ${left.map((p) => `${p.pid} ${p.command}`).join("; ")}`);
        }
        for (const p of left) {
            try {
                process.kill(p.pid, "SIGKILL");
            } catch {
                /* already gone */
            }
        }
        await new Promise((r) => setTimeout(r, 50));
    }
    return first;
}

/** A fresh temporary home for one engine run. */
export function tempHome(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/**
 * `pulumi stack export` as a user runs it: secrets stay encrypted. (The Automation API's
 * exportStack() passes --show-secrets.)
 */
export async function exportStackEncrypted(stack: Stack): Promise<any> {
    const ws = stack.workspace as LocalWorkspace;
    const stdout = execFileSync(ws.pulumiCommand.command, ["stack", "export", "--stack", stack.name], {
        cwd: ws.workDir,
        env: { ...process.env, ...ws.envVars },
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
    });
    return JSON.parse(stdout);
}
