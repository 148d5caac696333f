#!/usr/bin/env node
// The `pulumi-primavera-admin` command. One subcommand today:
//
//   pulumi-primavera-admin export [--format ts|csv] [--out FILE] [--base-url URL] [--username NAME]
//                                 [--password-env NAME] [--auth-mode basic|oauth] [--organization ORG]
//                                 [--login-prefix TEXT]
//
// Settings come from the flags, then the environment (PRIMAVERA_BASE_URL, PRIMAVERA_USERNAME,
// PRIMAVERA_PASSWORD, ...). The password is never a flag's value (it would show in the process
// list and shell history): it is read from PRIMAVERA_PASSWORD or from the variable named by
// --password-env, and never printed. The result goes to --out or stdout; everything else
// (progress, the count, warnings) to stderr.
import fs from "node:fs";
import { parseArgs } from "node:util";
import { getUsers, lookupSettings, UserFilter, UserInfo } from "../lookups";
import { redact } from "../safety/redaction";
import { declarationProblems, renderCsv, renderProgram } from "./export";

const USAGE = `usage: pulumi-primavera-admin export [options]

Writes the tenant's users as a Pulumi program (every user declared with adopt: true, so the
first \`pulumi up\` takes them over unchanged) or as a CSV for examples/bulk.

options:
  --format ts|csv        output format (default ts)
  --out FILE             write here instead of stdout
  --base-url URL         the tenant (else PRIMAVERA_BASE_URL)
  --username NAME        an account with the Cloud Administrator privilege (else PRIMAVERA_USERNAME)
  --password-env NAME    the environment variable holding its password (default PRIMAVERA_PASSWORD)
  --auth-mode basic|oauth  (else PRIMAVERA_AUTH_MODE, default basic)
  --organization ORG     only users of this organization
  --login-prefix TEXT    only logins starting with TEXT (exactly, case included)
  -h, --help             this text
`;

class UsageError extends Error {}

/** Progress on stderr: a bar on a terminal, a line every 10% (or 2 s) otherwise. */
export class Progress {
    private lastLine = 0;
    private lastPct = -1;
    constructor(
        private readonly total: number,
        private readonly label: string,
        private readonly out: NodeJS.WriteStream = process.stderr,
    ) {}

    update(done: number): void {
        if (this.total <= 0) return;
        const pct = Math.floor((done / this.total) * 100);
        if (this.out.isTTY) {
            if (pct === this.lastPct && done !== this.total) return;
            this.lastPct = pct;
            const width = 30;
            const filled = Math.round((done / this.total) * width);
            this.out.write(`\r${this.label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${this.total} (${pct}%)`);
            if (done === this.total) this.out.write("\n");
            return;
        }
        const now = Date.now();
        const step = Math.floor(pct / 10);
        if (done === this.total || step > Math.floor(this.lastPct / 10) || now - this.lastLine > 2000) {
            if (done === this.total && this.lastPct === 100) return;
            this.lastPct = pct;
            this.lastLine = now;
            this.out.write(`${this.label}: ${done}/${this.total} (${pct}%)\n`);
        }
    }
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
    const [command, ...rest] = argv;
    if (!command || command === "-h" || command === "--help" || command === "help") {
        process.stdout.write(USAGE);
        return command ? 0 : 2;
    }
    if (command !== "export") throw new UsageError(`unknown command '${command}'`);
    let values;
    try {
        ({ values } = parseArgs({
            args: rest,
            options: {
                format: { type: "string", default: "ts" },
                out: { type: "string" },
                "base-url": { type: "string" },
                username: { type: "string" },
                "password-env": { type: "string" },
                password: { type: "string" },
                "auth-mode": { type: "string" },
                organization: { type: "string" },
                "login-prefix": { type: "string" },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
            allowPositionals: false,
        }));
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
    if (values.help) {
        process.stdout.write(USAGE);
        return 0;
    }
    if (values.password !== undefined) {
        throw new UsageError(
            "--password is not accepted (it would show in the process list and shell history): put the password in PRIMAVERA_PASSWORD, or in a variable named by --password-env",
        );
    }
    const format = values.format;
    if (format !== "ts" && format !== "csv") throw new UsageError(`--format must be ts or csv (got '${format}')`);
    const passwordEnv = values["password-env"] ?? "PRIMAVERA_PASSWORD";
    const password = env[passwordEnv];
    if (values["password-env"] !== undefined && !password)
        throw new UsageError(`--password-env ${passwordEnv}: that environment variable is empty or not set`);

    const explicit = {
        ...(values["base-url"] !== undefined ? { baseUrl: values["base-url"] } : {}),
        ...(values.username !== undefined ? { username: values.username } : {}),
        ...(values["auth-mode"] !== undefined ? { authMode: values["auth-mode"] as "basic" | "oauth" } : {}),
        ...(password ? { password } : {}),
    };
    // The export reads no stack config: a missing setting is named by its flag and its variable.
    const flags: Record<string, string> = {
        baseUrl: "--base-url URL",
        username: "--username NAME",
        password: `--password-env NAME (default PRIMAVERA_PASSWORD)`,
        authMode: "--auth-mode basic|oauth",
    };
    const settings = withEnv(env, () =>
        lookupSettings(explicit, {
            name: (k) => (flags[k.key] ? `${flags[k.key].split(" ")[0]} (${k.env})` : k.env),
            howToSet: (k) =>
                k.key === "password"
                    ? `put the password in PRIMAVERA_PASSWORD, or in another variable named by --password-env NAME (never a flag's value)`
                    : flags[k.key]
                      ? `give ${flags[k.key]} or set the environment variable ${k.env}`
                      : `set the environment variable ${k.env}`,
        }),
    );
    const filter: UserFilter = {
        ...(values.organization !== undefined ? { organization: values.organization } : {}),
        ...(values["login-prefix"] !== undefined ? { loginIdPrefix: values["login-prefix"] } : {}),
    };
    const source = settings.baseUrl;
    say(`reading users from ${source} as ${settings.username} ...`);
    const started = Date.now();
    const users: UserInfo[] = await getUsers(filter, settings);
    say(`read ${users.length} user(s) in ${((Date.now() - started) / 1000).toFixed(1)}s`);

    const progress = new Progress(users.length, `writing ${format === "ts" ? "program" : "CSV"}`);
    const text =
        format === "ts"
            ? renderProgram(users, { source, at: new Date().toISOString() }, (n) => progress.update(n))
            : renderCsv(users, (n) => progress.update(n));
    if (values.out) fs.writeFileSync(values.out, text);
    else process.stdout.write(text);

    const attention = users.map((u) => ({ u, problems: declarationProblems(u) })).filter((x) => x.problems.length > 0);
    for (const { u, problems } of attention) {
        say(`warning: ${u.loginId}: the tenant's record would not pass check(): ${problems.join("; ")}`);
    }
    const filtered = Object.keys(filter).length ? ` matching ${JSON.stringify(filter)}` : "";
    say(
        `exported ${users.length} user(s)${filtered} from ${source}${values.out ? ` to ${values.out}` : ""} as ${format === "ts" ? "a Pulumi program (adopt: true)" : "CSV"}` +
            (attention.length ? `; ${attention.length} need attention (see warnings above)` : ""),
    );
    return 0;
}

/** A line on stderr, through the redaction boundary (it may quote the tenant). */
function say(line: string): void {
    process.stderr.write(`${redact(line)}\n`);
}

/** Runs `fn` with `env` as process.env (the settings resolver reads process.env). */
function withEnv<T>(env: NodeJS.ProcessEnv, fn: () => T): T {
    if (env === process.env) return fn();
    const saved = process.env;
    process.env = env;
    try {
        return fn();
    } finally {
        process.env = saved;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e: Error) => {
            if (e instanceof UsageError) {
                say(`pulumi-primavera-admin: ${e.message}\n\n${USAGE}`);
                process.exit(2);
            }
            say(`pulumi-primavera-admin: ${e.message}`);
            process.exit(1);
        },
    );
}
