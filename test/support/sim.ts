// Test helpers: a real simulator on 127.0.0.1 and a small HTTP client for its observation routes.
import axios from "axios";
import { startSimulator, RunningSimulator, SimulatorOptions } from "../../simulator";

export const ADMIN = { username: "admin", password: "admin" };

export async function withSimulator(opts: SimulatorOptions = {}): Promise<Sim> {
    const running = await startSimulator({ port: 0, jobMs: 20, jobMsPerUser: 0, quiet: true, ...opts });
    return new Sim(running, { username: opts.username ?? ADMIN.username, password: opts.password ?? ADMIN.password });
}

export class Sim {
    constructor(
        readonly running: RunningSimulator,
        private readonly auth = ADMIN,
    ) {}
    get url(): string {
        return this.running.url;
    }
    stop(): Promise<void> {
        return this.running.stop();
    }
    private async call<T>(method: string, path: string, data?: unknown): Promise<{ status: number; data: T }> {
        const res = await axios.request({
            method,
            url: `${this.url}${path}`,
            data,
            auth: this.auth,
            validateStatus: () => true,
        });
        return { status: res.status, data: res.data as T };
    }
    /** The user as the simulator holds it, or undefined. */
    async user(loginId: string, basePath = ""): Promise<any | undefined> {
        const r = await this.call<any>("GET", `${basePath}/cloudapi/restapi/user/${encodeURIComponent(loginId)}`);
        return r.status === 200 ? r.data : undefined;
    }
    async users(): Promise<any[]> {
        return (await this.call<any[]>("GET", `/cloudapi/restapi/user`)).data;
    }
    async drift(loginId: string, patch: Record<string, unknown>): Promise<void> {
        const r = await this.call("PUT", `/__sim/users/${encodeURIComponent(loginId)}`, patch);
        if (r.status >= 300) throw new Error(`drift failed: ${r.status} ${JSON.stringify(r.data)}`);
    }
    async remove(loginId: string): Promise<void> {
        await this.call("DELETE", `/__sim/users/${encodeURIComponent(loginId)}`);
    }
    async faults(f: Record<string, unknown>): Promise<void> {
        const r = await this.call("POST", `/__sim/faults`, f);
        if (r.status >= 300) throw new Error(`faults failed: ${r.status} ${JSON.stringify(r.data)}`);
    }
    async clearFaults(): Promise<void> {
        await this.call("DELETE", `/__sim/faults`);
    }
    async stats(): Promise<any> {
        return (await this.call<any>("GET", `/__sim/stats`)).data;
    }
    async reset(): Promise<void> {
        await this.call("POST", `/__sim/reset`);
    }
}

/** Polls `probe` until it returns a truthy value; bounded in attempts and time. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (let i = 0; i < 1000 && Date.now() < end; i++) {
        const v = await probe();
        if (v) return v;
        await new Promise((r) => setTimeout(r, Math.min(200, 10 * 2 ** i)));
    }
    throw new Error(`timed out waiting for ${what}`);
}
