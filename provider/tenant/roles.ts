// The tenant's role catalog (GET /roles): fetched once per process and tenant, shared by check()
// (which names unknown roles at preview) and the getRoles() lookup.
import { PrimaveraClient } from "../api/client";
import { ServerRole, serverRoleList } from "../api/schemas";
import { Tenant } from "./registry";

/** Every role of the tenant, one `GET /roles`, uncached. */
async function fetchRoles(client: PrimaveraClient, deadline: number, maxAttempts?: number): Promise<ServerRole[]> {
    return (await client.getJson(client.path("/roles"), serverRoleList, { deadline, purpose: "listing the role catalog", maxAttempts }))!;
}

/**
 * The catalog, fetched once per tenant (and account) in a process and kept on the shared Tenant:
 * the check of 2,000 users costs one request. A failure is cached too, so an unreachable tenant
 * is asked once, not once per resource.
 */
export function roleCatalog(tenant: Tenant, deadline: number, maxAttempts?: number): Promise<ServerRole[]> {
    if (!tenant.roles) {
        tenant.roles = fetchRoles(tenant.client, deadline, maxAttempts);
        tenant.roles.catch(() => undefined); // observed by every caller; never an unhandled rejection
    }
    return tenant.roles;
}

/** Forgets the cached catalog of this tenant (getRoles() with `fresh: true`). */
export function forgetRoleCatalog(tenant: Tenant): void {
    tenant.roles = undefined;
}

/** Up to `max` catalog names closest to `name`: same letters ignoring case, substrings, then edit distance. */
export function closeMatches(name: string, catalog: string[], max = 3): string[] {
    const n = name.toLowerCase();
    const scored = catalog.map((c) => {
        const l = c.toLowerCase();
        let score = editDistance(n, l);
        if (l === n) score = -2;
        else if (l.includes(n) || n.includes(l)) score = Math.min(score, -1);
        return { c, score };
    });
    const limit = Math.max(3, Math.floor(name.length / 3));
    return scored
        .filter((s) => s.score <= limit)
        .sort((a, b) => a.score - b.score || a.c.localeCompare(b.c))
        .slice(0, max)
        .map((s) => s.c);
}

function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) {
            cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = cur;
    }
    return prev[b.length];
}
