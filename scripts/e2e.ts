// Runs the engine suites (test/e2e/*.e2e.ts), each file in a mocha process of its own, and closes
// with one "N passed, N failed, N skipped" line over all of them. Arguments name files to run
// instead of all of them.
//
// Why one process per file: these suites run dozens of inline programs through the Automation
// API, and the package suite loads two more copies of @pulumi/pulumi (the fresh projects'). The SDK
// never closes the RPC clients of an inline run (they live in the run's async store, which
// `disconnect` does not reach), so one long process piles up clients to engines that have exited,
// across all the suites. Twice, in a full run, a preview late in the last suite then failed with
// `14 UNAVAILABLE: No connection established. Last error: null`, a gRPC error of the program's own
// process, never reproduced with the suites alone. A user's every `pulumi` command gets a fresh
// Node process; a suite now shares its process only with its own runs.
//
// Each suite also gets a temp dir of its own (TMPDIR, which Node, npm and the Pulumi CLI all
// honour): its engine homes, state and packed-package projects (~0.3 GB a full run) go there and
// are removed when the suite passes. A failed suite's dir is kept and named, for a look at its
// state; PRIMAVERA_KEEP_TEMP=1 keeps every one.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "./engine";

const E2E_DIR = path.join(REPO_ROOT, "test", "e2e");
const SUMMARY = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m;

function suites(args: string[]): string[] {
    if (args.length) return args.map((a) => path.resolve(a));
    return fs
        .readdirSync(E2E_DIR)
        .filter((f) => f.endsWith(".e2e.ts"))
        .sort()
        .map((f) => path.join(E2E_DIR, f));
}

/** Runs one suite file with `tmp` as its temp dir; passes its output through and returns it with the exit code. */
function runSuite(file: string, tmp: string): Promise<{ code: number; output: string }> {
    return new Promise((resolve, reject) => {
        const mocha = require.resolve("mocha/bin/mocha.js", { paths: [REPO_ROOT] });
        const child = spawn(process.execPath, [mocha, "--config", path.join(REPO_ROOT, ".mocharc.e2e.json"), file], {
            cwd: REPO_ROOT,
            env: { ...process.env, TMPDIR: tmp },
            stdio: ["ignore", "pipe", "inherit"],
        });
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => {
            output += chunk.toString();
            process.stdout.write(chunk);
        });
        child.on("error", reject);
        child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
    });
}

async function main(): Promise<void> {
    const total = { passed: 0, failed: 0, skipped: 0 };
    const broken: string[] = [];
    for (const file of suites(process.argv.slice(2))) {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `primavera-${path.basename(file, ".e2e.ts")}-suite-`));
        const { code, output } = await runSuite(file, tmp);
        const m = SUMMARY.exec(output);
        if (m) {
            total.passed += Number(m[1]);
            total.failed += Number(m[2]);
            total.skipped += Number(m[3]);
        }
        // A suite that exits non-zero without a failed test (it crashed, or left a process behind) fails the run too.
        const ok = code === 0 && !!m;
        if (!ok) broken.push(`${path.relative(REPO_ROOT, file)} (exit ${code}${m ? "" : ", no summary"}; its temp dir kept: ${tmp})`);
        if (ok && !process.env.PRIMAVERA_KEEP_TEMP) fs.rmSync(tmp, { recursive: true, force: true });
    }
    if (broken.length) process.stdout.write(`\nfailed suites: ${broken.join(", ")}\n`);
    process.stdout.write(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
    process.exitCode = broken.length ? 1 : 0;
}

void main();
