/**
 * Programmatic API of the Primavera Administration simulator.
 *
 *     const sim = await startSimulator({ port: 0, jobMs: 20 });
 *     // ... talk HTTP to sim.url + "/cloudapi/restapi/user" ...
 *     await sim.stop();
 */
import { Auth } from "./auth";
import { loadSeed } from "./seedData";
import { SimulatorServer } from "./server";
import { Store } from "./store";

export interface SimulatorOptions {
    /** TCP port; 0 (the default) picks a free one. */
    port?: number;
    /** Interface to listen on; default 127.0.0.1. */
    host?: string;
    /** Fixed time of every job, ms (default 1000). */
    jobMs?: number;
    /** Extra time per user in a job, ms (default 2). */
    jobMsPerUser?: number;
    /** Administrator account (default admin / admin). */
    username?: string;
    password?: string;
    /** Read-only account (default viewer / viewer): may read, gets 403 on POST/PUT. */
    readOnlyUsername?: string;
    readOnlyPassword?: string;
    /** Status of a `POST /user` refused because a job is running (default 409). */
    busyStatus?: 400 | 409 | 429;
    /** Persist users and id counters here after every change; loaded at start when present. */
    dataFile?: string;
    /** JSON `{organizations?, roles?, users?}` laid over the built-in seed. */
    seedFile?: string;
    /** Default true. When false, one line per request (method, path, status, time) goes to stderr. */
    quiet?: boolean;
}

export interface RunningSimulator {
    /** `http://127.0.0.1:PORT`, no trailing slash. */
    url: string;
    port: number;
    stop(): Promise<void>;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
    const host = opts.host ?? "127.0.0.1";
    const busyStatus = opts.busyStatus ?? 409;
    if (![400, 409, 429].includes(busyStatus)) throw new Error(`busyStatus must be 400, 409 or 429, got ${busyStatus}`);
    const store = new Store(loadSeed(opts.seedFile), opts.dataFile);
    const auth = new Auth([
        { username: opts.username ?? "admin", password: opts.password ?? "admin", readOnly: false },
        { username: opts.readOnlyUsername ?? "viewer", password: opts.readOnlyPassword ?? "viewer", readOnly: true },
    ]);
    const server = new SimulatorServer({
        host,
        jobMs: opts.jobMs ?? 1000,
        jobMsPerUser: opts.jobMsPerUser ?? 2,
        busyStatus,
        auth,
        store,
        quiet: opts.quiet ?? true,
    });
    await new Promise<void>((resolve, reject) => {
        server.http.once("error", reject);
        server.http.listen(opts.port ?? 0, host, () => {
            server.http.off("error", reject);
            resolve();
        });
    });
    const address = server.http.address();
    const port = typeof address === "object" && address ? address.port : (opts.port ?? 0);
    const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
    let stopping: Promise<void> | undefined;
    return {
        url: `http://${urlHost}:${port}`,
        port,
        stop: () =>
            (stopping ??= new Promise<void>((resolve) => {
                server.stop();
                server.http.close(() => resolve());
                server.http.closeAllConnections();
            })),
    };
}
