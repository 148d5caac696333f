// Tenant profiles: their settings from primavera:tenants or PRIMAVERA_TENANT_<NAME>_*, under the same rules (no sockets).
import assert from "node:assert/strict";
import { envProfiles, profileEnv, resolveProfile, signInAccounts } from "pulumi-primavera-admin/provider/config/tenants";
import { CONFIG_KEYS } from "pulumi-primavera-admin/provider/config/settings";

const stackOf = (tenants: unknown) => (key: string) => (key === "primavera:tenants" ? JSON.stringify(tenants) : undefined);

describe("config/tenants", () => {
    it("a profile's settings come from primavera:tenants.<name>, else its environment variables; the rest are defaults", () => {
        const c = resolveProfile("test", stackOf({ test: { baseUrl: "https://t.example/x", username: "u" } }), {
            PRIMAVERA_TENANT_TEST_PASSWORD: "Pw-from-env-1",
            PRIMAVERA_PASSWORD: "not-this-one",
            PRIMAVERA_TENANT_TEST_MAX_USERS_PER_JOB: "50",
        });
        assert.equal(c.baseUrl, "https://t.example/x");
        assert.equal(c.username, "u");
        assert.equal(c.password, "Pw-from-env-1");
        assert.equal(c.maxUsersPerJob, 50);
        assert.equal(c.timeoutSeconds, 600, "a default, not the provider's own setting");
        assert.equal(
            profileEnv(
                "prod-eu",
                CONFIG_KEYS.find((k) => k.key === "baseUrl")!,
            ),
            "PRIMAVERA_TENANT_PROD_EU_BASE_URL",
        );
    });

    it("the profiles given only by environment variables are those with a base URL set, named as their variables spell them", () => {
        const found = envProfiles({
            PRIMAVERA_TENANT_OPS_A_BASE_URL: "https://a.example",
            PRIMAVERA_TENANT_OPS_A_USERNAME: "ops",
            PRIMAVERA_TENANT_EMPTY_BASE_URL: "",
            PRIMAVERA_TENANT_NOURL_USERNAME: "x",
            PRIMAVERA_BASE_URL: "https://own.example",
        });
        assert.deepEqual(found, ["OPS_A"]);
        const c = resolveProfile(found[0], () => undefined, {
            PRIMAVERA_TENANT_OPS_A_BASE_URL: "https://a.example",
            PRIMAVERA_TENANT_OPS_A_USERNAME: "ops",
            PRIMAVERA_TENANT_OPS_A_PASSWORD: "Pw-from-env-2",
        });
        assert.equal(c.username, "ops");
    });

    it("the accounts signed in with are read from base URL and username alone, whatever else is wrong", () => {
        const stack = (tenants: string) => (key: string) =>
            ({ "primavera:baseUrl": "https://own.example", "primavera:username": "me", "primavera:tenants": tenants })[key];
        const env = { PRIMAVERA_TENANT_OPS_A_BASE_URL: "https://a.example/t/", PRIMAVERA_TENANT_OPS_A_USERNAME: "ops" };
        const profiles = JSON.stringify({
            slow: { baseUrl: "https://s.example", username: "slow", password: "Pw-9", timeoutSeconds: "10m" },
            nouser: { baseUrl: "https://n.example" },
            constructor: { baseUrl: "https://c.example", username: "ctor" },
        });
        const accounts = (tenants: string) => signInAccounts({}, stack(tenants), env).map((a) => `${a.username}@${a.baseUrl}`);
        // No password anywhere, a bad timeout, no username: only the last one has no account to protect.
        assert.deepEqual(accounts(profiles).sort(), [
            "ctor@https://c.example",
            "me@https://own.example",
            "ops@https://a.example/t",
            "slow@https://s.example",
        ]);
        // A malformed primavera:tenants hides no profile given by variables.
        assert.deepEqual(accounts("{not json").sort(), ["me@https://own.example", "ops@https://a.example/t"]);
    });

    it("problems name the profile's keys and variables, never a secret; a stray key or a bad name is refused", () => {
        assert.throws(
            () => resolveProfile("prod", stackOf({ prod: { baseUrl: "ftp://x", password: "Secret-Pw-99" } }), {}),
            (e: Error) => {
                assert.match(e.message, /primavera:tenants\.prod\.baseUrl \(PRIMAVERA_TENANT_PROD_BASE_URL\)/);
                assert.match(e.message, /primavera:tenants\.prod\.username .*pulumi config set --path 'primavera:tenants\.prod\.username'/);
                assert.doesNotMatch(e.message, /Secret-Pw-99/);
                return true;
            },
        );
        assert.throws(() => resolveProfile("prod", stackOf({ prod: { baseURL: "x" } }), {}), /holds baseURL, which is no setting/);
        assert.throws(() => resolveProfile("../x", stackOf({}), {}), /is not a profile name/);
        assert.throws(() => resolveProfile("p", () => "[1]", {}), /must be an object whose every value is a profile object/);
    });
});
