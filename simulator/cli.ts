#!/usr/bin/env node
/**
 * primavera-simulator: runs the simulator until SIGINT/SIGTERM.
 *
 *   primavera-simulator --port 18080 [--host 127.0.0.1] [--job-ms 1000] [--job-ms-per-user 2]
 *     [--user admin --password sim-Pw-4827] [--readonly-user viewer --readonly-password viewer-Pw-3961]
 *     [--data FILE] [--seed FILE] [--busy-status 409|400|429] [--verbose]
 *     [--case-insensitive-logins] [--base-path /tenant1] [--location-style absolute|relative]
 *     [--max-body-bytes N] [--admin NAME:ENVVAR ...]
 *
 * Passwords may also come from PRIMAVERA_SIM_PASSWORD / PRIMAVERA_SIM_READONLY_PASSWORD so
 * they do not show in the process list; the passwords of more administrators (--admin) only
 * come from the environment variable each one names.
 */
import { parseArgs } from "node:util";
import { normalizeBasePath, SimulatorOptions, startSimulator } from "./index";

const USAGE = `usage: primavera-simulator [--port N] [--host H] [--job-ms MS] [--job-ms-per-user MS]
  [--user U] [--password P] [--readonly-user U] [--readonly-password P]
  [--data FILE] [--seed FILE] [--busy-status 400|409|429] [--verbose]
  [--case-insensitive-logins] [--base-path /TENANT] [--location-style absolute|relative]
  [--max-body-bytes N] [--admin NAME:ENVVAR]... (ENVVAR holds NAME's password)`;

/** The options a command line asks for; throws an Error that names the flag. */
export function optionsFromArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): SimulatorOptions | "help" {
    const { values } = parseArgs({
        args: argv,
        strict: true,
        allowPositionals: false,
        options: {
            port: { type: "string" },
            host: { type: "string" },
            "job-ms": { type: "string" },
            "job-ms-per-user": { type: "string" },
            user: { type: "string" },
            password: { type: "string" },
            "readonly-user": { type: "string" },
            "readonly-password": { type: "string" },
            data: { type: "string" },
            seed: { type: "string" },
            "busy-status": { type: "string" },
            verbose: { type: "boolean" },
            "case-insensitive-logins": { type: "boolean" },
            "base-path": { type: "string" },
            "location-style": { type: "string" },
            "max-body-bytes": { type: "string" },
            admin: { type: "string", multiple: true },
            help: { type: "boolean", short: "h" },
        },
    });
    if (values.help) return "help";
    const num = (flag: string, v: string | undefined): number | undefined => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (v.trim() === "" || !Number.isFinite(n) || n < 0) throw new Error(`--${flag}: expected a non-negative number, got "${v}"`);
        return n;
    };
    const opts: SimulatorOptions = { port: num("port", values.port) ?? 18080, quiet: !values.verbose };
    const set = <K extends keyof SimulatorOptions>(key: K, v: SimulatorOptions[K] | undefined) => {
        if (v !== undefined) opts[key] = v;
    };
    set("host", values.host);
    set("jobMs", num("job-ms", values["job-ms"]));
    set("jobMsPerUser", num("job-ms-per-user", values["job-ms-per-user"]));
    set("username", values.user);
    set("password", values.password ?? (env.PRIMAVERA_SIM_PASSWORD || undefined));
    set("readOnlyUsername", values["readonly-user"]);
    set("readOnlyPassword", values["readonly-password"] ?? (env.PRIMAVERA_SIM_READONLY_PASSWORD || undefined));
    set("dataFile", values.data);
    set("seedFile", values.seed);
    const busy = num("busy-status", values["busy-status"]);
    if (busy !== undefined) {
        if (busy !== 400 && busy !== 409 && busy !== 429) throw new Error(`--busy-status: expected 400, 409 or 429, got ${busy}`);
        opts.busyStatus = busy;
    }
    if (values["case-insensitive-logins"]) opts.caseInsensitiveLogins = true;
    if (values["base-path"] !== undefined) opts.basePath = normalizeBasePath(values["base-path"]);
    const maxBody = num("max-body-bytes", values["max-body-bytes"]);
    if (maxBody !== undefined) {
        if (!Number.isSafeInteger(maxBody) || maxBody < 1)
            throw new Error(`--max-body-bytes: expected a positive whole number, got "${values["max-body-bytes"]}"`);
        opts.maxBodyBytes = maxBody;
    }
    if (values.admin?.length) opts.admins = values.admin.map((a) => adminFromFlag(a, env));
    const style = values["location-style"];
    if (style !== undefined) {
        if (style !== "absolute" && style !== "relative")
            throw new Error(`--location-style: expected absolute or relative, got "${style}"`);
        opts.locationStyle = style;
    }
    return opts;
}

/** One `--admin NAME:ENVVAR`: the account NAME with the password held in ENVVAR. */
function adminFromFlag(flag: string, env: NodeJS.ProcessEnv): { username: string; password: string } {
    const m = /^([^:]+):([A-Za-z_][A-Za-z0-9_]*)$/.exec(flag);
    if (!m) throw new Error(`--admin: expected NAME:ENVVAR (the variable holding NAME's password), got "${flag}"`);
    const password = env[m[2]];
    if (!password) throw new Error(`--admin ${flag}: the environment variable ${m[2]} is empty or not set`);
    return { username: m[1], password };
}

async function main(): Promise<void> {
    let parsed: SimulatorOptions | "help";
    try {
        parsed = optionsFromArgs(process.argv.slice(2));
    } catch (e) {
        console.error(`primavera-simulator: ${(e as Error).message}\n${USAGE}`);
        process.exit(2);
    }
    if (parsed === "help") {
        console.log(USAGE);
        return;
    }
    const opts = parsed;
    const sim = await startSimulator(opts);
    console.log(`listening on ${sim.url}`);
    if (sim.baseUrl !== sim.url) console.log(`tenant base URL ${sim.baseUrl} (API under ${sim.baseUrl}/cloudapi/restapi)`);
    const shutdown = (signal: string) => {
        console.error(`${signal}: stopping`);
        sim.stop().then(() => process.exit(0));
    };
    process.once("SIGINT", () => shutdown("SIGINT"));
    process.once("SIGTERM", () => shutdown("SIGTERM"));
}

if (require.main === module)
    main().catch((e) => {
        console.error(`primavera-simulator: ${(e as Error).message}`);
        process.exit(1);
    });
