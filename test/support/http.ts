/** Raw HTTP against the simulator's API, for the simulator's own tests: clients that never throw on a status, job submission and polling. */
import axios, { AxiosInstance, AxiosResponse } from "axios";
import * as http from "node:http";
import { RunningSimulator, SimulatorOptions, startSimulator } from "../../simulator";
import { ADMIN, eventually, VIEWER } from "./sim";
import { declaredUser } from "./fixtures";

export { ADMIN, VIEWER };

export const API = "/cloudapi/restapi";

const NO_KEEP_ALIVE = new http.Agent({ keepAlive: false });

/** Test defaults: quick jobs, port 0, quiet. */
export function start(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
    return startSimulator({ port: 0, jobMs: 20, jobMsPerUser: 0, ...opts });
}

/** An axios client that never throws on a status, so tests assert on statuses. */
export function client(
    sim: RunningSimulator,
    auth: { username: string; password: string } | { bearer: string } | null = ADMIN,
): AxiosInstance {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (auth && "bearer" in auth) headers.Authorization = `Bearer ${auth.bearer}`;
    return axios.create({
        baseURL: sim.url,
        headers,
        auth: auth && !("bearer" in auth) ? auth : undefined,
        validateStatus: () => true,
        // A connection per request: a kept-alive one the server closes while idle would fail the next request at random.
        httpAgent: NO_KEEP_ALIVE,
        // Keep bodies as text so tests see exactly what the server sent.
        transformResponse: [(d) => d],
    });
}

export function json<T = any>(r: AxiosResponse): T {
    return JSON.parse(r.data as string) as T;
}

/** Polls a job's Location until it stops answering 202; bounded by count and time. */
export async function pollJob(http: AxiosInstance, location: string, maxPolls = 400, maxMs = 10_000): Promise<AxiosResponse> {
    return eventually(
        async () => {
            const r = await http.get(location);
            return r.status !== 202 && r;
        },
        `job at ${location} to stop answering 202`,
        { timeoutMs: maxMs, maxPolls, everyMs: 5 },
    );
}

/** Submits a job, expects 202, polls it to 200 and returns the result body. */
export async function runJob(http: AxiosInstance, body: unknown, prefix = ""): Promise<any> {
    const r = await http.post(`${API}${prefix}/user`, body, { headers: { "Content-Type": "application/json" } });
    if (r.status !== 202) throw new Error(`POST /user answered ${r.status}: ${r.data}`);
    const done = await pollJob(http, r.headers.location as string);
    if (done.status !== 200) throw new Error(`job status answered ${done.status}: ${done.data}`);
    return json(done);
}

/** Waits until `check` is true, polling; bounded. */
export async function until(check: () => Promise<boolean>, what: string, maxPolls = 200, maxMs = 5000): Promise<void> {
    await eventually(check, what, { timeoutMs: maxMs, maxPolls, everyMs: 25 });
}

/** A user record as the simulator's job API takes it. */
export const user = declaredUser;

export function roles(...names: string[]): { name: string }[] {
    return names.map((name) => ({ name }));
}
