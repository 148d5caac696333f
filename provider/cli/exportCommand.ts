// `pulumi-primavera-admin export`: reads the tenant's users (one GET /user), keeps those asked
// for, and writes them in the chosen format. Settings come from the flags, then the environment;
// never from a flag's value for the password, and never through process.env (the environment is
// passed in).
import fs from "node:fs";
import { ApiError } from "../api/errors";
import { ConfigWording } from "../config/resolve";
import { ProviderConfig } from "../config/settings";
import { renderOracleCsv } from "../formats/oracleCsv";
import { managedLogins } from "../formats/stackState";
import { renderUsersCsv } from "../formats/usersCsv";
import { getUsers, lookupSettings, UserFilter, UserInfo } from "../lookups";
import { ExportOptions, UsageError } from "./args";
import { ProgressBar } from "./progressBar";
import { declarationProblems, renderProgram } from "./program";

const LABELS: Record<ExportOptions["format"], string> = { ts: "program", csv: "CSV", "oracle-csv": "Oracle CSV", list: "list" };

/** Writes the export; returns the exit code. `say` writes a line on stderr. */
export async function runExport(opts: ExportOptions, env: NodeJS.ProcessEnv, say: (line: string) => void): Promise<number> {
    const settings = exportSettings(opts, env);
    const managed = opts.unmanaged ? readStates(opts.states, say) : undefined;
    say(`reading users from ${settings.baseUrl} as ${settings.username} ...`);
    const started = Date.now();
    const all = await readUsers(opts, settings);
    say(`read ${all.length} user(s) in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    const users = managed ? all.filter((u) => !managed.has(u.loginId)) : all;
    const bar = new ProgressBar(users.length, `writing ${LABELS[opts.format]}`);
    const text = render(opts, users, settings.baseUrl, (n) => bar.update(n));
    if (opts.out) fs.writeFileSync(opts.out, text);
    else process.stdout.write(text);
    const attention = opts.format === "ts" ? users.filter((u) => declarationProblems(u).length > 0) : [];
    for (const u of attention)
        say(`warning: ${u.loginId}: the tenant's record would not pass check(): ${declarationProblems(u).join("; ")}`);
    const which = managed ? ` that no given stack manages (${all.length - users.length} managed)` : "";
    say(
        `exported ${users.length} user(s)${which} from ${settings.baseUrl}${opts.out ? ` to ${opts.out}` : ""} as ${opts.format}` +
            (attention.length ? `; ${attention.length} need attention (see warnings above)` : ""),
    );
    return 0;
}

/** The settings of the export: flags, then the environment (no stack config); problems named by flag. */
function exportSettings(opts: ExportOptions, env: NodeJS.ProcessEnv): ProviderConfig {
    const password = env[opts.passwordEnv];
    if (opts.passwordEnvGiven && !password)
        throw new UsageError(`--password-env ${opts.passwordEnv}: that environment variable is empty or not set`);
    const flags: Record<string, string> = {
        baseUrl: "--base-url URL",
        username: "--username NAME",
        password: `--password-env NAME (default PRIMAVERA_PASSWORD)`,
        authMode: "--auth-mode basic|oauth",
    };
    const wording: ConfigWording = {
        name: (k) => (flags[k.key] ? `${flags[k.key].split(" ")[0]} (${k.env})` : k.env),
        howToSet: (k) =>
            k.key === "password"
                ? `put the password in PRIMAVERA_PASSWORD, or in another variable named by --password-env NAME (never a flag's value)`
                : flags[k.key]
                  ? `give ${flags[k.key]} or set the environment variable ${k.env}`
                  : `set the environment variable ${k.env}`,
    };
    const explicit = {
        ...(opts.baseUrl !== undefined ? { baseUrl: opts.baseUrl } : {}),
        ...(opts.username !== undefined ? { username: opts.username } : {}),
        ...(opts.authMode !== undefined ? { authMode: opts.authMode } : {}),
        ...(password ? { password } : {}),
    };
    return lookupSettings(explicit, wording, env, false);
}

/** The tenant's users matching the flags' filter; a refused sign-in names the flags to check. */
async function readUsers(opts: ExportOptions, settings: ProviderConfig): Promise<UserInfo[]> {
    const filter: UserFilter = {
        ...(opts.organization !== undefined ? { organization: opts.organization } : {}),
        ...(opts.loginPrefix !== undefined ? { loginIdPrefix: opts.loginPrefix } : {}),
    };
    try {
        return await getUsers(filter, settings);
    } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 401) throw e;
        throw new Error(
            `the tenant ${settings.baseUrl} refused the credentials of account '${settings.username}' (HTTP 401): check --username ` +
                `(or PRIMAVERA_USERNAME) and the password in the environment variable ${opts.passwordEnv}` +
                (settings.authMode === "oauth" ? `, and that the tenant offers OAuth (else --auth-mode basic).` : "."),
        );
    }
}

/** The logins the stacks of these export files manage; a login stored as a secret is said, never guessed. */
function readStates(files: string[], say: (line: string) => void): Set<string> {
    const managed = managedLogins(files.map((name) => ({ name, text: fs.readFileSync(name, "utf8") })));
    if (managed.unreadable.length > 0)
        say(
            `warning: ${managed.unreadable.length} resource(s) keep their login as a secret in the state, so their users cannot be told ` +
                `apart and are listed as unmanaged: export the stack with \`pulumi stack export --show-secrets\` (${managed.unreadable.slice(0, 3).join(", ")})`,
        );
    return managed.logins;
}

function render(opts: ExportOptions, users: UserInfo[], source: string, onUser: (n: number) => void): string {
    switch (opts.format) {
        case "ts":
            return renderProgram(users, { source, at: new Date().toISOString() }, onUser);
        case "csv":
            return renderUsersCsv(users, onUser);
        case "oracle-csv":
            return renderOracleCsv(users, onUser);
        case "list":
            return users.map((u) => `${u.loginId}\n`).join("");
    }
}
