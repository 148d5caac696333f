#!/usr/bin/env node
/**
 * primavera-simulator: runs the simulator until SIGINT/SIGTERM.
 *
 *   primavera-simulator --port 18080 [--host 127.0.0.1] [--job-ms 1000] [--job-ms-per-user 2]
 *     [--user admin --password admin] [--readonly-user viewer --readonly-password viewer]
 *     [--data FILE] [--seed FILE] [--busy-status 409|400|429] [--verbose]
 *     [--case-insensitive-logins] [--base-path /tenant1] [--location-style absolute|relative]
 *
 * Passwords may also come from PRIMAVERA_SIM_PASSWORD / PRIMAVERA_SIM_READONLY_PASSWORD so
 * they do not show in the process list.
 */
import { normalizeBasePath, SimulatorOptions, startSimulator } from "./index";

const USAGE = `usage: primavera-simulator [--port N] [--host H] [--job-ms MS] [--job-ms-per-user MS]
  [--user U] [--password P] [--readonly-user U] [--readonly-password P]
  [--data FILE] [--seed FILE] [--busy-status 400|409|429] [--verbose]
  [--case-insensitive-logins] [--base-path /TENANT] [--location-style absolute|relative]`;

function parseArgs(argv: string[]): SimulatorOptions {
    const opts: SimulatorOptions = { port: 18080, quiet: true };
    const env = process.env;
    if (env.PRIMAVERA_SIM_PASSWORD) opts.password = env.PRIMAVERA_SIM_PASSWORD;
    if (env.PRIMAVERA_SIM_READONLY_PASSWORD) opts.readOnlyPassword = env.PRIMAVERA_SIM_READONLY_PASSWORD;
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = (): string => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${flag} needs a value`);
            return v;
        };
        const num = (): number => {
            const v = value();
            const n = Number(v);
            if (!Number.isFinite(n) || n < 0) throw new Error(`${flag}: expected a non-negative number, got "${v}"`);
            return n;
        };
        switch (flag) {
            case "--port":
                opts.port = num();
                break;
            case "--host":
                opts.host = value();
                break;
            case "--job-ms":
                opts.jobMs = num();
                break;
            case "--job-ms-per-user":
                opts.jobMsPerUser = num();
                break;
            case "--user":
                opts.username = value();
                break;
            case "--password":
                opts.password = value();
                break;
            case "--readonly-user":
                opts.readOnlyUsername = value();
                break;
            case "--readonly-password":
                opts.readOnlyPassword = value();
                break;
            case "--data":
                opts.dataFile = value();
                break;
            case "--seed":
                opts.seedFile = value();
                break;
            case "--busy-status": {
                const s = num();
                if (s !== 400 && s !== 409 && s !== 429) throw new Error(`--busy-status: expected 400, 409 or 429, got ${s}`);
                opts.busyStatus = s;
                break;
            }
            case "--verbose":
                opts.quiet = false;
                break;
            case "--case-insensitive-logins":
                opts.caseInsensitiveLogins = true;
                break;
            case "--base-path":
                opts.basePath = normalizeBasePath(value());
                break;
            case "--location-style": {
                const s = value();
                if (s !== "absolute" && s !== "relative") throw new Error(`--location-style: expected absolute or relative, got "${s}"`);
                opts.locationStyle = s;
                break;
            }
            case "--help":
            case "-h":
                console.log(USAGE);
                return process.exit(0);
            default:
                throw new Error(`unknown argument "${flag}"`);
        }
    }
    return opts;
}

async function main(): Promise<void> {
    let opts: SimulatorOptions;
    try {
        opts = parseArgs(process.argv.slice(2));
    } catch (e) {
        console.error(`primavera-simulator: ${(e as Error).message}\n${USAGE}`);
        process.exit(2);
    }
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

main().catch((e) => {
    console.error(`primavera-simulator: ${(e as Error).message}`);
    process.exit(1);
});
