// One client, job runner and reader per tenant and account, shared by every resource in the
// process. The Pulumi plugin serves all dynamic resources of an operation from one process, and
// resources whose serialized provider differs get separate provider instances: keeping the
// registry on globalThis makes "one job at a time" hold across all of them.
import { createHash } from "node:crypto";
import { PrimaveraClient } from "./client";
import { JobRunner } from "./jobs/runner";
import { UserReader } from "./reads";
import { ProviderConfig, ServerRole } from "./schemas";

export interface Tenant {
    client: PrimaveraClient;
    runner: JobRunner;
    reader: UserReader;
    /** The role catalog, once fetched (roles.ts). */
    roles?: Promise<ServerRole[]>;
}

const REGISTRY = Symbol.for("pulumi-primavera-admin.tenants");
type Registry = Map<string, Tenant>;

function registry(): Registry {
    const g = globalThis as unknown as Record<symbol, Registry | undefined>;
    return (g[REGISTRY] ??= new Map());
}

export function tenantFor(config: ProviderConfig): Tenant {
    // The password is part of the key (hashed, in memory only) so rotated credentials get a new client.
    const key = [
        config.baseUrl,
        config.authMode,
        config.username,
        createHash("sha256").update(config.password).digest("hex").slice(0, 16),
        config.maxUsersPerJob,
        config.lingerMs,
        config.timeoutSeconds,
    ].join("|");
    const tenants = registry();
    let tenant = tenants.get(key);
    if (!tenant) {
        const client = new PrimaveraClient(config);
        const reader = new UserReader(client);
        const runner = new JobRunner(client, { maxUsersPerJob: config.maxUsersPerJob, lingerMs: config.lingerMs }, () =>
            reader.invalidate(),
        );
        tenant = { client, runner, reader };
        tenants.set(key, tenant);
    }
    return tenant;
}

/** Forgets every tenant (tests and benchmarks use it between runs). */
export function resetTenants(): void {
    registry().clear();
}
