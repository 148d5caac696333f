// The export command's options, read and checked in one place; a bad command line is a
// UsageError naming the flag.
import { parseArgs } from "node:util";

export const FORMATS = ["ts", "csv", "oracle-csv", "list"] as const;
export type Format = (typeof FORMATS)[number];

export interface ExportOptions {
    format: Format;
    out?: string;
    baseUrl?: string;
    username?: string;
    /** The environment variable that holds the password (never the password itself). */
    passwordEnv: string;
    passwordEnvGiven: boolean;
    authMode?: string;
    organization?: string;
    loginPrefix?: string;
    /** Only users no stack manages: the `pulumi stack export` files of those stacks. */
    unmanaged: boolean;
    states: string[];
}

export class UsageError extends Error {}

export const USAGE = `usage: pulumi-primavera-admin export [options]

Writes the tenant's users: as a Pulumi program (every user declared with adopt: true and
protect: true, so the first \`pulumi up\` takes them over unchanged and nothing deletes them by
accident), as the package's CSV (readUsersCsv()), as Oracle's user import template
(readOracleUserCsv()), or as a list of logins.

options:
  --format ts|csv|oracle-csv|list   output format (default ts)
  --out FILE               write here instead of stdout
  --base-url URL           the tenant (else PRIMAVERA_BASE_URL)
  --username NAME          an account with the Cloud Administrator privilege (else PRIMAVERA_USERNAME)
  --password-env NAME      the environment variable holding its password (default PRIMAVERA_PASSWORD)
  --auth-mode basic|oauth  (else PRIMAVERA_AUTH_MODE, default basic)
  --organization ORG       only users of this organization
  --login-prefix TEXT      only logins starting with TEXT (exactly, case included)
  --unmanaged              only users no stack manages; needs --state
  --state FILE             a \`pulumi stack export\` file (repeat for several stacks)
  -h, --help               this text
`;

/** The options of `export ARGS`, or "help". */
export function parseExportArgs(args: string[]): ExportOptions | "help" {
    let values;
    try {
        ({ values } = parseArgs({
            args,
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
                unmanaged: { type: "boolean", default: false },
                state: { type: "string", multiple: true },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
            allowPositionals: false,
        }));
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
    if (values.help) return "help";
    if (values.password !== undefined)
        throw new UsageError(
            "--password is not accepted (it would show in the process list and shell history): put the password in PRIMAVERA_PASSWORD, or in a variable named by --password-env",
        );
    const format = values.format as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")} (got '${values.format}')`);
    const states = values.state ?? [];
    if (values.unmanaged && states.length === 0)
        throw new UsageError("--unmanaged needs --state FILE: the `pulumi stack export` of each stack whose users are managed");
    if (!values.unmanaged && states.length > 0) throw new UsageError("--state is read with --unmanaged only");
    return {
        format,
        out: values.out,
        baseUrl: values["base-url"],
        username: values.username,
        passwordEnv: values["password-env"] ?? "PRIMAVERA_PASSWORD",
        passwordEnvGiven: values["password-env"] !== undefined,
        authMode: values["auth-mode"],
        organization: values.organization,
        loginPrefix: values["login-prefix"],
        unmanaged: values.unmanaged ?? false,
        states,
    };
}
