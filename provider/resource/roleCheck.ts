// The part of check() that asks the tenant: role names against the role catalog (GET /roles), so a
// misspelt role fails `pulumi preview` instead of half-creating a user at `up`. The catalog is
// fetched once per process and tenant (tenant/roles.ts). When the provider is not configured or the
// tenant cannot be reached, the check passes and says so once (a warning, never a failure):
// check must not need the network to succeed.
import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown } from "./check";
import { warning } from "../api/progress";
import { closeMatches, roleCatalog } from "../tenant/roles";
import { deadlineFrom, ProviderConfig } from "../config/settings";
import { processWide } from "../process/processWide";
import { Tenant } from "../tenant/registry";

/** Longest a preview waits for the catalog. */
const ROLE_CHECK_MAX_SECONDS = 20;

function warnOnce(key: string, message: string): void {
    const warned = processWide("roleCheckWarnings", () => new Set<string>());
    if (warned.has(key)) return;
    warned.add(key);
    warning(`${message}`);
}

/** Adds a failure for each role name that is not in the tenant's catalog. */
export async function checkRoleNames(
    result: pulumi.dynamic.CheckResult,
    settings: () => ProviderConfig,
    tenant: () => Tenant,
): Promise<pulumi.dynamic.CheckResult> {
    if (result.failures && result.failures.length > 0) return result; // fix the shape first
    const roles = (result.inputs as Record<string, unknown> | undefined)?.roles;
    if (!Array.isArray(roles)) return result;
    const names = roles.filter((r): r is string => typeof r === "string" && !containsUnknown(r));
    if (names.length === 0) return result;

    let config: ProviderConfig;
    try {
        config = settings();
    } catch (e) {
        warnOnce("not-configured", `role names were not checked against the tenant's catalog: ${(e as Error).message.split("\n")[0]}`);
        return result;
    }
    let catalog: string[];
    try {
        const deadline = deadlineFrom(config, ROLE_CHECK_MAX_SECONDS);
        catalog = (await roleCatalog(tenant(), deadline, 3)).map((r) => r.name);
    } catch (e) {
        warnOnce(
            `unreachable|${config.baseUrl}|${config.username}`,
            `role names were not checked: the role catalog of ${config.baseUrl} could not be read (${(e as Error).message}). ` +
                `Unknown roles will be reported by the tenant at \`pulumi up\`.`,
        );
        return result;
    }
    const known = new Set(catalog);
    const failures: pulumi.dynamic.CheckFailure[] = [];
    roles.forEach((r, i) => {
        if (typeof r !== "string" || containsUnknown(r) || known.has(r)) return;
        const close = closeMatches(r, catalog);
        failures.push({
            property: `roles[${i}]`,
            reason:
                // The name is not quoted (it may be a secret); a close catalog name is the tenant's, not the program's.
                `roles[${i}]: not in the role catalog of ${config.baseUrl} (GET /roles)` +
                (close.length
                    ? `; did you mean ${close.map((c) => `'${c}'`).join(" or ")}?`
                    : `; it has ${catalog.length} roles, e.g. ${catalog
                          .slice(0, 5)
                          .map((c) => `'${c}'`)
                          .join(", ")}`) +
                ` (role names are case-sensitive; \`getRoles()\` lists them)`,
        });
    });
    return failures.length ? { ...result, failures } : result;
}
