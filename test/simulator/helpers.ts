/** Shared helpers of the simulator tests: a started simulator, HTTP clients, bounded polling. */
import axios, { AxiosInstance, AxiosResponse } from "axios";
import { RunningSimulator, SimulatorOptions, startSimulator } from "../../simulator";

export const API = "/cloudapi/restapi";
export const ADMIN = { username: "admin", password: "admin" };
export const VIEWER = { username: "viewer", password: "viewer" };

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
        // Keep bodies as text so tests see exactly what the server sent.
        transformResponse: [(d) => d],
    });
}

export function json<T = any>(r: AxiosResponse): T {
    return JSON.parse(r.data as string) as T;
}

/** Polls a job's Location until it stops answering 202; bounded by count and time. */
export async function pollJob(http: AxiosInstance, location: string, maxPolls = 400, maxMs = 10_000): Promise<AxiosResponse> {
    const deadline = Date.now() + maxMs;
    for (let i = 0; i < maxPolls && Date.now() < deadline; i++) {
        const r = await http.get(location);
        if (r.status !== 202) return r;
        await new Promise((res) => setTimeout(res, 5));
    }
    throw new Error(`job at ${location} still running after ${maxPolls} polls / ${maxMs} ms`);
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
    const deadline = Date.now() + maxMs;
    for (let i = 0; i < maxPolls && Date.now() < deadline; i++) {
        if (await check()) return;
        await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
}

export function user(loginId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        loginId,
        firstName: "Test",
        lastName: loginId,
        emailAddress: `${loginId.toLowerCase()}@example.com`,
        userType: "EMP",
        organization: { name: "sfo", type: "Company" },
        ...extra,
    };
}

export function roles(...names: string[]): { name: string }[] {
    return names.map((name) => ({ name }));
}
