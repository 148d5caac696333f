// One client, job runner and reader per tenant: base URL, auth mode and account. Every resource of
// the process shares them, whatever its other settings (timeouts, batch sizes, a rotated
// password): two job runners on one tenant would break "one job at a time". The Pulumi plugin
// serves all dynamic resources of an operation from one process, and resources whose serialized
// provider differs get separate provider instances: keeping the registry on globalThis makes the
// rule hold across all of them.
import { PrimaveraClient } from "../api/client";
import { DeletionBudget } from "../safety/deletionBudget";
import { Ownership } from "../safety/ownership";
import { EnginePacedSchedule } from "./jobs/enginePacing";
import { JobRunner } from "./jobs/runner";
import { AuditLog } from "./audits";
import { UserReader } from "./reads";
import { ServerRole } from "../api/schemas";
import { ProviderConfig } from "../config/settings";
import { processWide } from "../process/processWide";

export interface Tenant {
    client: PrimaveraClient;
    runner: JobRunner;
    reader: UserReader;
    /** The role catalog, once fetched (tenant/roles.ts). */
    roles?: Promise<ServerRole[]>;
    /** The tenant's audit events (who changed which user, and when). */
    audits: AuditLog;
    /** One owner per login in this run. */
    ownership: Ownership;
    /** Every account (lower case) the provider signs in to this server with, on any profile. */
    signIns: Set<string>;
    /** primavera:maxDeletions, spent by this run's deletes. */
    deletions: DeletionBudget;
    /** Whether the tenant offers PUT /user/change-status (found out on first use). */
    changeStatus?: "unsupported";
}

function registry(): Map<string, Tenant> {
    return processWide("tenants", () => new Map<string, Tenant>());
}

/**
 * The server a base URL reaches, whoever signs in and however its host is spelled: one owner per
 * login holds there, so two profiles (or accounts) on one tenant cannot each think a login free.
 */
function serverKey(baseUrl: string): string {
    try {
        const url = new URL(baseUrl);
        const host = url.hostname.toLowerCase().replace(/\.$/, "");
        const loopback = /^(localhost|\[::1\]|\[::ffff:(127\.[\d.]+|7f[\da-f]{2}:[\da-f]{1,4})\]|0\.0\.0\.0|127\.[\d.]+)$/.test(host);
        return `${url.protocol}//${loopback ? "127.0.0.1" : host}:${url.port || (url.protocol === "https:" ? "443" : "80")}${url.pathname.replace(/\/+$/, "")}`;
    } catch {
        return baseUrl.replace(/\/+$/, "");
    }
}

/** The value kept per server under `name`, shared by every tenant entry that reaches it. */
function perServer<T>(name: string, baseUrl: string, make: () => T): T {
    const values = processWide(name, () => new Map<string, T>());
    const key = serverKey(baseUrl);
    let value = values.get(key);
    if (value === undefined) values.set(key, (value = make()));
    return value;
}

/**
 * Notes that `config.username` signs in to `config.baseUrl`: no resource of this process, on any
 * profile, may lock an account the provider signs in with out of that server (safety/ownAccount.ts).
 * Returns the server's accounts.
 */
export function noteSignIn(config: Pick<ProviderConfig, "baseUrl" | "username">): Set<string> {
    return perServer("signIns", config.baseUrl, () => new Set<string>()).add(config.username.toLowerCase());
}

/** The key of a tenant: where it is, and who signs in (accounts compared ignoring case). */
function tenantKey(config: Pick<ProviderConfig, "baseUrl" | "authMode" | "username">): string {
    return [config.baseUrl.replace(/\/+$/, ""), config.authMode, config.username.toLowerCase()].join("|");
}

export function tenantFor(config: ProviderConfig): Tenant {
    const tenants = registry();
    const key = tenantKey(config);
    let tenant = tenants.get(key);
    if (!tenant) {
        const client = new PrimaveraClient(config);
        const reader = new UserReader(client);
        const audits = new AuditLog(client);
        const runner = new JobRunner(
            client,
            reader,
            { maxUsersPerJob: config.maxUsersPerJob },
            { schedule: new EnginePacedSchedule(), audits },
        );
        tenant = {
            client,
            runner,
            reader,
            audits,
            ownership: perServer("owners", config.baseUrl, () => new Ownership()),
            // The account is part of the tenant's key: noting it once, with the tenant, is enough.
            signIns: noteSignIn(config),
            deletions: new DeletionBudget(config.maxDeletions),
        };
        tenants.set(key, tenant);
    } else {
        // The latest settings win for what is not the tenant's identity.
        tenant.client.reconfigure(config);
        tenant.runner.settings = { maxUsersPerJob: config.maxUsersPerJob };
        tenant.deletions.setLimit(config.maxDeletions);
    }
    return tenant;
}

/** Forgets every tenant (tests and benchmarks use it between runs). */
export function resetTenants(): void {
    registry().clear();
    processWide("owners", () => new Map<string, Ownership>()).clear();
    processWide("signIns", () => new Map<string, Set<string>>()).clear();
}
