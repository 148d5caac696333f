#!/usr/bin/env node
// The `pulumi-primavera-admin` command. One subcommand: `export` (see args.ts for its options).
// The result goes to --out or stdout; progress, counts, warnings and errors to stderr, each line
// through the redaction boundary (it may quote the tenant).
import { redact } from "../safety/redaction";
import { parseExportArgs, USAGE, UsageError } from "./args";
import { runExport } from "./exportCommand";

/** A line on stderr. */
function say(line: string): void {
    process.stderr.write(`${redact(line)}\n`);
}

/** Runs the command line `argv`; returns the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    const [command, ...rest] = argv;
    if (!command || command === "-h" || command === "--help" || command === "help") {
        process.stdout.write(USAGE);
        return command ? 0 : 2;
    }
    if (command !== "export") throw new UsageError(`unknown command '${command}'`);
    const opts = parseExportArgs(rest);
    if (opts === "help") {
        process.stdout.write(USAGE);
        return 0;
    }
    return runExport(opts, env, say);
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e: Error) => {
            say(`pulumi-primavera-admin: ${e.message}${e instanceof UsageError ? `\n\n${USAGE}` : ""}`);
            process.exit(e instanceof UsageError ? 2 : 1);
        },
    );
}
