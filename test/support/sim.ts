// Test helpers: a real simulator on 127.0.0.1 and a small HTTP client for its observation routes.
import axios from "axios";
import { resetTenants } from "../../provider/testing";
import { startSimulator, RunningSimulator, SimulatorOptions } from "../../simulator";

export const ADMIN = { username: "admin", password: "sim-Pw-4827" };
export const VIEWER = { username: "viewer", password: "viewer-Pw-3961" };

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

/**
 * The tests' one poller: calls `probe` until it returns a truthy value, bounded in attempts and
 * time. Waits grow from 10 ms to 200 ms unless `everyMs` fixes them.
 */
export async function eventually<T>(
    probe: () => Promise<T | undefined | false>,
    what: string,
    opts: number | { timeoutMs?: number; maxPolls?: number; everyMs?: number } = {},
): Promise<T> {
    const { timeoutMs = 10_000, maxPolls = 1000, everyMs } = typeof opts === "number" ? { timeoutMs: opts } : opts;
    const end = Date.now() + timeoutMs;
    for (let i = 0; i < maxPolls && Date.now() < end; i++) {
        const v = await probe();
        if (v) return v;
        await new Promise((r) => setTimeout(r, everyMs ?? Math.min(200, 10 * 2 ** i)));
    }
    throw new Error(`timed out waiting for ${what} (${maxPolls} polls / ${timeoutMs} ms)`);
}

/**
 * The usual hooks of a suite against one simulator: started before, stopped after, and before each
 * test its users back to the seed, its faults cleared and the provider's tenants forgotten.
 */
export function useSimulator(opts: SimulatorOptions = {}): Sim {
    let current: Sim | undefined;
    before(async () => {
        current = await withSimulator(opts);
    });
    after(async () => {
        await current?.stop();
    });
    beforeEach(async () => {
        resetTenants();
        await current!.clearFaults();
        await current!.reset();
    });
    // The suite's simulator, started by the hook above (tests use it only once it runs).
    return new Proxy({} as Sim, {
        get(_, key) {
            if (!current) throw new Error("useSimulator: the simulator is used before its before() hook ran");
            const value = (current as unknown as Record<PropertyKey, unknown>)[key];
            return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(current) : value;
        },
    });
}
