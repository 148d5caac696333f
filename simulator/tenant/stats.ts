/**
 * Request counters for `GET /__sim/stats`: per route template and status, and the shape of
 * that answer. The job counters live in OneJobAtATime (jobs.ts) and the fault counters in
 * Faults (faults.ts); the stats route (http/simRoutes.ts) assembles the three into one answer.
 */
import { FaultCounters } from "./faults";

export interface StatsSnapshot {
    requests: Record<string, Record<string, number>>;
    requestsTotal: number;
    jobsRun: number;
    jobsSubmitted: number;
    largestJob: number;
    overlappingJobs: number;
    /** Time the last finished job spent applying its request, beyond its configured latency. */
    lastJobWorkMs: number;
    busyRefusals: number;
    faultsInjected: FaultCounters;
    users: number;
}

export class RequestStats {
    private requests = new Map<string, Map<string, number>>();
    total = 0;

    /** Counts one answered request to `routeKey`, or one "dropped" (by the fault) or "aborted" (the client went away first). */
    record(routeKey: string, status: number | "dropped" | "aborted"): void {
        this.total++;
        let byStatus = this.requests.get(routeKey);
        if (!byStatus) this.requests.set(routeKey, (byStatus = new Map()));
        const k = String(status);
        byStatus.set(k, (byStatus.get(k) ?? 0) + 1);
    }

    toJSON(): Record<string, Record<string, number>> {
        const out: Record<string, Record<string, number>> = {};
        for (const [route, byStatus] of this.requests) out[route] = Object.fromEntries(byStatus);
        return out;
    }

    reset(): void {
        this.requests.clear();
        this.total = 0;
    }
}
