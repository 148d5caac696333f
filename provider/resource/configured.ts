// What both providers (User, UserSet) share: the settings in force (explicit ones, then the stack
// config passed to configure(), then the environment), the tenant they reach, and the context one
// operation needs (tenant, account, deadline).
import type * as pulumi from "@pulumi/pulumi";
import { ConfigError, configFailures, ConfigLookup, resolveConfig } from "../config/resolve";
import { resolveProfile, signInAccounts } from "../config/tenants";
import { deadlineFrom, ProviderConfig, ProviderConfigInput } from "../config/settings";
import { noteSignIn, Tenant, tenantFor } from "../tenant/registry";
import { OpContext } from "../operations/context";
import { redact, redacting } from "../safety/redaction";

/** The methods the dynamic-provider host calls. */
const PROVIDER_METHODS = ["configure", "check", "diff", "create", "read", "update", "delete"] as const;

export abstract class ConfiguredProvider {
    private stackConfig: ConfigLookup = () => undefined;
    private resolved: ProviderConfig | undefined;
    /** The settings of each profile a resource's `tenant` input names, once resolved. */
    private profiles = new Map<string, ProviderConfig>();
    /** The settings' problems were reported by a check of this provider. */
    private settingsSaid = false;
    /** The sign-in accounts of every profile were noted (noteSignIns). */
    private signInsNoted = false;

    /** `explicit` overrides stack config and environment variables, key by key. */
    constructor(protected readonly explicit: Partial<ProviderConfigInput> = {}) {
        // The redaction boundary: whatever a method throws (the host prints it, and stores an
        // init error's reasons in the state) leaves without a secret in it.
        for (const name of PROVIDER_METHODS) {
            const method: unknown = Reflect.get(this, name);
            if (typeof method !== "function") continue;
            const guarded = (...args: unknown[]) => redacting(() => method.apply(this, args));
            // Check failures leave as answers, not errors: their reasons pass the boundary too.
            Reflect.set(this, name, name === "check" ? async (...args: unknown[]) => redactFailures(await guarded(...args)) : guarded);
        }
    }

    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        this.stackConfig = (key) => req.config.get(key);
        this.resolved = undefined;
        this.profiles.clear();
        this.settingsSaid = false;
        this.signInsNoted = false;
    }

    /**
     * The settings in force: the provider's own, or those of the profile a resource's `tenant`
     * names (`primavera:tenants`); throws a ConfigError that names what is missing and how to set it.
     */
    settings(profile?: string): ProviderConfig {
        if (profile === undefined) return (this.resolved ??= resolveConfig(this.explicit, this.stackConfig));
        let config = this.profiles.get(profile);
        if (!config) this.profiles.set(profile, (config = resolveProfile(profile, this.stackConfig, process.env)));
        return config;
    }

    tenant(profile?: string): Tenant {
        return tenantFor(this.settings(profile));
    }

    /**
     * The problems with the settings (of `profile`, when given), for check() (no throw, no network):
     * every one, said as a settings problem, on the first resource checked; later resources get one
     * line pointing back to it, so a run with bad settings says them once, not once per resource.
     */
    protected settingsFailures(profile?: string): pulumi.dynamic.CheckFailure[] {
        if (profile !== undefined) {
            try {
                this.settings(profile);
                return [];
            } catch (e) {
                if (e instanceof ConfigError) return [{ property: "tenant", reason: `tenant '${profile}': ${e.message}` }];
                throw e;
            }
        }
        // Settings that resolved stay resolved until the next configure() (settings() keeps them): no problems to find.
        if (this.resolved) return [];
        const failures = configFailures(this.explicit, this.stackConfig);
        if (failures.length === 0) return [];
        if (this.settingsSaid) return [{ property: "", reason: "provider settings: not usable; see the settings error above" }];
        this.settingsSaid = true;
        return failures.map((f) => ({ property: f.property, reason: `provider settings: ${f.reason}` }));
    }

    /**
     * Whether each operation of this provider is one step of the engine (a User: the engine hands
     * the next one over when its result comes back), which the job runner paces (pacing.ts).
     */
    protected readonly engineSteps: boolean = false;

    /** What one operation needs: the tenant, the account and its deadline. */
    protected context(profile?: string): OpContext {
        this.noteSignIns();
        const settings = this.settings(profile);
        return {
            tenant: this.tenant(profile),
            account: settings.username,
            deadline: this.deadline(profile),
            engineStep: this.engineSteps,
            deprovision: settings.deletionMode === "deprovision",
        };
    }

    /**
     * Every account this provider may sign in with (its own, each profile's, also one given only by
     * environment variables: a destroy never checks, so no resource may have named it yet) is noted
     * for its server, so no resource on another profile can lock one out.
     */
    private noteSignIns(): void {
        if (this.signInsNoted) return;
        this.signInsNoted = true;
        for (const account of signInAccounts(this.explicit, this.stackConfig, process.env)) noteSignIn(account);
    }

    protected deadline(profile?: string): number {
        return deadlineFrom(this.settings(profile));
    }
}

/** A check result whose failure reasons passed the redaction boundary. */
function redactFailures(result: unknown): unknown {
    const failures = (result as { failures?: unknown } | undefined)?.failures;
    if (!Array.isArray(failures)) return result;
    return {
        ...(result as object),
        failures: failures.map((f: { property: string; reason: string }) => ({ ...f, reason: redact(f.reason) })),
    };
}
