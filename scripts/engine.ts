// Runs Pulumi programs through the real engine (Automation API, inline programs) with no network:
// a local `file://` backend, passphrase secrets, update check and plugin download off. Used by
// the demo, the end-to-end tests and the benchmarks.
//
// The CLI comes from scripts/ensure-pulumi (PATH, a cached build, or a build from the Go module
// proxy). The dynamic-provider plugin (pulumi-resource-pulumi-nodejs) ships inside
// @pulumi/pulumi and is put on PATH. Inline programs need no Node language host.
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
     * @pulumi/pulumi and an installed pulumi-primavera-admin) to run as a user would.
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

    const pluginDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [workDir, REPO_ROOT] }));
    const nodeBinDir = path.dirname(process.execPath);
    const env: Record<string, string> = {
        PATH: [bin, pluginDir, nodeBinDir, process.env.PATH ?? ""].join(path.delimiter),
        PULUMI_HOME: pulumiHome,
        PULUMI_BACKEND_URL: `file://${stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "primavera-local-passphrase",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        PULUMI_NODEJS_SKIP_COMMAND_CONFIRMATION: "true",
        ...opts.env,
    };
    const projectName = opts.projectName ?? "primavera-users";
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(bin), skipVersionCheck: true });
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: opts.stackName, projectName, program: opts.program },
        {
            workDir,
            envVars: env,
            pulumiCommand,
            projectSettings: { name: projectName, runtime: "nodejs", backend: { url: `file://${stateDir}` } },
        },
    );
    if (opts.config) await stack.setAllConfig(opts.config);
    return { stack, env };
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
