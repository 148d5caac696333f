// Settings resolution and its messages (provider/config.ts): unit tests, no network.
import assert from "node:assert/strict";
import { ConfigError, configFailures } from "pulumi-primavera-admin";
import { CONFIG_KEYS } from "pulumi-primavera-admin/provider/testing";
import { resolveConfig } from "pulumi-primavera-admin/provider/config/resolve";

const OK = { baseUrl: "https://eu.p6.oraclecloud.com/acme", username: "admin", password: "S3cret-Pw-x" };
const stackOf =
    (values: Record<string, string>) =>
    (key: string): string | undefined =>
        values[key];
const noStack = () => undefined;
const NO_ENV: NodeJS.ProcessEnv = {};

/** The failures of a stack config laid over a valid one. */
function stackFailures(values: Record<string, string>, env: NodeJS.ProcessEnv = NO_ENV) {
    return configFailures(
        {},
        stackOf({ "primavera:baseUrl": OK.baseUrl, "primavera:username": "admin", "primavera:password": OK.password, ...values }),
        env,
    );
}

function onlyReason(values: Record<string, string>): string {
    const failures = stackFailures(values);
    assert.equal(failures.length, 1, JSON.stringify(failures));
    return failures[0].reason;
}

describe("configuration: resolution and messages", () => {
    it("a complete configuration has no failures and resolves with the defaults", () => {
        assert.deepEqual(configFailures(OK, noStack, NO_ENV), []);
        const c = resolveConfig(OK, noStack, NO_ENV);
        assert.equal(c.authMode, "basic");
        assert.equal(c.deletionMode, "delete");
        assert.equal(c.timeoutSeconds, 600);
        assert.equal(c.maxUsersPerJob, 500);
        assert.equal(c.maxDeletions, 10);
        assert.equal(c.insecure, false);
        assert.equal(c.tokenExpirySeconds, 3600);
    });

    it("explicit settings, then stack config, then environment variables", () => {
        const env = {
            PRIMAVERA_BASE_URL: "https://env.example.com/t",
            PRIMAVERA_USERNAME: "envuser",
            PRIMAVERA_PASSWORD: "envpw",
            PRIMAVERA_AUTH_MODE: "oauth",
        };
        const fromEnv = resolveConfig({}, noStack, env);
        assert.equal(fromEnv.baseUrl, "https://env.example.com/t");
        assert.equal(fromEnv.authMode, "oauth");
        const fromStack = resolveConfig({}, stackOf({ "primavera:username": "stackuser", "primavera:authMode": "basic" }), env);
        assert.equal(fromStack.username, "stackuser");
        assert.equal(fromStack.authMode, "basic");
        assert.equal(resolveConfig({ username: "explicit" }, stackOf({ "primavera:username": "stackuser" }), env).username, "explicit");
        // An empty stack value does not hide the environment.
        assert.equal(resolveConfig({}, stackOf({ "primavera:username": "" }), env).username, "envuser");
    });

    it("every missing required setting is its own failure, saying how to set it", () => {
        const failures = configFailures({}, noStack, NO_ENV);
        assert.deepEqual(
            failures.map((f) => f.property),
            ["primavera:baseUrl", "primavera:username", "primavera:password"],
        );
        assert.match(
            failures[0].reason,
            /^primavera:baseUrl \(PRIMAVERA_BASE_URL\) is not set; set it with `pulumi config set primavera:baseUrl <value>` or the environment variable PRIMAVERA_BASE_URL$/,
        );
        assert.match(failures[2].reason, /`pulumi config set --secret primavera:password <value>`/);
        assert.match(failures[2].reason, /PRIMAVERA_PASSWORD/);
        // Only what is missing.
        assert.deepEqual(
            configFailures({ baseUrl: OK.baseUrl }, noStack, { PRIMAVERA_PASSWORD: "x" }).map((f) => f.property),
            ["primavera:username"],
        );
    });

    it("resolveConfig throws a ConfigError with the same failures, missing ones under 'not configured'", () => {
        assert.throws(
            () => resolveConfig({ authMode: "saml" as any }, noStack, NO_ENV),
            (e: unknown) => {
                assert.ok(e instanceof ConfigError);
                assert.match(e.message, /not configured; missing:\n {2}- primavera:baseUrl/);
                assert.match(
                    e.message,
                    /configuration is invalid:\n {2}- primavera:authMode \(PRIMAVERA_AUTH_MODE\) is "saml"; allowed: "basic" or "oauth"/,
                );
                assert.equal(e.failures.length, 4);
                assert.deepEqual(e.failures, configFailures({ authMode: "saml" as any }, noStack, NO_ENV));
                return true;
            },
        );
    });

    it("a bad value names the stack key and the environment variable, echoes the value and says what is allowed", () => {
        const cases: [Record<string, string>, string][] = [
            [{ "primavera:authMode": "saml" }, 'primavera:authMode (PRIMAVERA_AUTH_MODE) is "saml"; allowed: "basic" or "oauth"'],
            [{ "primavera:authMode": "OAuth" }, 'primavera:authMode (PRIMAVERA_AUTH_MODE) is "OAuth"; allowed: "basic" or "oauth"'],
            [
                { "primavera:deletionMode": "purge" },
                'primavera:deletionMode (PRIMAVERA_DELETION_MODE) is "purge"; allowed: "delete" or "deprovision"',
            ],
            [
                { "primavera:timeoutSeconds": "-5" },
                'primavera:timeoutSeconds (PRIMAVERA_TIMEOUT_SECONDS) is "-5"; must be a number of seconds, at least 1 and at most 86400 (a day); fractions are allowed',
            ],
            [
                { "primavera:maxUsersPerJob": "2.5" },
                'primavera:maxUsersPerJob (PRIMAVERA_MAX_USERS_PER_JOB) is "2.5"; must be a whole number from 1 to 10000',
            ],
            [
                { "primavera:maxDeletions": "-1" },
                'primavera:maxDeletions (PRIMAVERA_MAX_DELETIONS) is "-1"; must be a whole number from 0 to 1000000',
            ],
            [
                { "primavera:tokenExpirySeconds": "0" },
                'primavera:tokenExpirySeconds (PRIMAVERA_TOKEN_EXPIRY_SECONDS) is "0"; must be a whole number of seconds from 1 to 86400 (a day)',
            ],
            [
                { "primavera:insecure": "maybe" },
                'primavera:insecure (PRIMAVERA_INSECURE) is "maybe"; allowed: true or false (also 1/0, yes/no; any case)',
            ],
        ];
        for (const [values, reason] of cases) assert.equal(onlyReason(values), reason);
        assert.deepEqual(
            stackFailures({ "primavera:authMode": "saml" }).map((f) => f.property),
            ["primavera:authMode"],
        );
    });

    it("numbers: limits at both ends, fractions where allowed, nothing that only looks like a number", () => {
        const bad = (key: string, value: string) => stackFailures({ [`primavera:${key}`]: value }).length === 1;
        for (const v of ["0", "0.5", "-5", "86401", "5s", "abc", "0x10", "Infinity", "1e400", "NaN"])
            assert.ok(bad("timeoutSeconds", v), `timeoutSeconds ${v}`);
        for (const v of ["1", "3.5", "86400", " 20 ", "1e3"]) assert.ok(!bad("timeoutSeconds", v), `timeoutSeconds ${v} is fine`);
        for (const v of ["0", "10001", "1.5"]) assert.ok(bad("maxUsersPerJob", v), `maxUsersPerJob ${v}`);
        for (const v of ["1", "10000"]) assert.ok(!bad("maxUsersPerJob", v), `maxUsersPerJob ${v} is fine`);
        for (const v of ["-1", "2.5", "1000001"]) assert.ok(bad("maxDeletions", v), `maxDeletions ${v}`);
        for (const v of ["0", "10", "1000000"]) assert.ok(!bad("maxDeletions", v), `maxDeletions ${v} is fine`);
        for (const v of ["0", "1.5", "86401"]) assert.ok(bad("tokenExpirySeconds", v), `tokenExpirySeconds ${v}`);
        assert.equal(resolveConfig({}, stackOf({ ...flat(OK), "primavera:timeoutSeconds": " 3.5 " }), NO_ENV).timeoutSeconds, 3.5);
        // Explicit numbers (UserProvider's constructor) are held to the same limits.
        assert.deepEqual(configFailures({ ...OK, timeoutSeconds: 3.5, maxUsersPerJob: 1 }, noStack, NO_ENV), []);
        assert.equal(
            configFailures({ ...OK, timeoutSeconds: -5 }, noStack, NO_ENV)[0].reason.startsWith(
                "primavera:timeoutSeconds (PRIMAVERA_TIMEOUT_SECONDS) is -5;",
            ),
            true,
        );
    });

    it("insecure: true/false/1/0/yes/no in any case; anything else is an error, not silently false", () => {
        const insecure = (v: string) => resolveConfig({}, stackOf({ ...flat(OK), "primavera:insecure": v }), NO_ENV).insecure;
        for (const v of ["true", "TRUE", "1", "yes", "Yes"]) assert.equal(insecure(v), true, v);
        for (const v of ["false", "False", "0", "no", "NO"]) assert.equal(insecure(v), false, v);
        for (const v of ["maybe", "on", "off", "2", "y"]) {
            assert.throws(() => insecure(v), new RegExp(`primavera:insecure \\(PRIMAVERA_INSECURE\\) is "${v}"; allowed: true or false`));
        }
        assert.equal(configFailures({ ...OK, insecure: "maybe" as any }, noStack, NO_ENV)[0].property, "primavera:insecure");
        assert.equal(configFailures({}, noStack, { ...env(OK), PRIMAVERA_INSECURE: "maybe" })[0].property, "primavera:insecure");
    });

    it("a malformed URL names the key and the value; other schemes and plain http to a remote host are refused", () => {
        assert.equal(
            onlyReason({ "primavera:baseUrl": "not a url" }),
            'primavera:baseUrl (PRIMAVERA_BASE_URL) is "not a url"; must be an absolute URL such as https://<region>.p6.oraclecloud.com/<tenant>',
        );
        assert.equal(
            onlyReason({ "primavera:baseUrl": "eu.p6.oraclecloud.com/acme" }),
            'primavera:baseUrl (PRIMAVERA_BASE_URL) is "eu.p6.oraclecloud.com/acme"; must be an absolute URL such as https://<region>.p6.oraclecloud.com/<tenant>',
        );
        assert.match(
            onlyReason({ "primavera:baseUrl": "ftp://files.example.com" }),
            /^primavera:baseUrl \(PRIMAVERA_BASE_URL\) is "ftp:\/\/files.example.com"; must start with https:\/\//,
        );
        const http = onlyReason({ "primavera:baseUrl": "http://primavera.example.com/t" });
        assert.match(http, /^primavera:baseUrl \(PRIMAVERA_BASE_URL\) is "http:\/\/primavera.example.com\/t": plain http/);
        assert.match(http, /primavera:insecure=true/);
        // Loopback, or the explicit opt-in, may use http.
        for (const url of ["http://127.0.0.1:18080", "http://localhost:1", "http://[::1]:8080"]) {
            assert.deepEqual(stackFailures({ "primavera:baseUrl": url }), [], url);
        }
        assert.deepEqual(stackFailures({ "primavera:baseUrl": "http://primavera.example.com/t", "primavera:insecure": "yes" }), []);
        // A bad insecure is reported once, not also as a transport problem.
        assert.equal(stackFailures({ "primavera:baseUrl": "http://primavera.example.com/t", "primavera:insecure": "maybe" }).length, 1);
        // /cloudapi/restapi and trailing slashes are taken off.
        assert.equal(
            resolveConfig({ ...OK, baseUrl: "https://x.example.com/t/cloudapi/restapi/" }, noStack, NO_ENV).baseUrl,
            "https://x.example.com/t",
        );
    });

    it("never shows a secret: the password's value, or the password inside a URL", () => {
        const pw = "Zq9-very-secret";
        const failures = [
            ...configFailures({ ...OK, password: 12345 as any }, noStack, NO_ENV),
            ...configFailures({ ...OK, password: { value: pw } as any }, noStack, NO_ENV),
            ...configFailures({ ...OK, baseUrl: `ftp://admin:${pw}@files.example.com` }, noStack, NO_ENV),
            ...configFailures({ ...OK, baseUrl: `http://admin:${pw}@remote.example.com/t` }, noStack, NO_ENV),
        ];
        assert.equal(failures.length, 4, JSON.stringify(failures));
        assert.equal(failures[0].reason, "primavera:password (PRIMAVERA_PASSWORD) is (secret, not shown); must be a non-empty text");
        assert.match(failures[1].reason, /\(secret, not shown\)/);
        assert.match(failures[2].reason, /"ftp:\/\/\*\*\*@files.example.com\/"/);
        assert.match(failures[3].reason, /must not carry credentials \(user:password@\)/, "a base URL with credentials is refused");
        const text = JSON.stringify(failures);
        assert.ok(!text.includes(pw), text);
        assert.ok(!text.includes("12345"), text);
        for (const k of CONFIG_KEYS.filter((c) => c.secret)) assert.equal(k.key, "password");
    });

    it("messages are never raw zod text", () => {
        const everything = [
            ...configFailures(
                { ...OK, authMode: 3 as any, deletionMode: [] as any, timeoutSeconds: "x" as any, username: 7 as any },
                noStack,
                NO_ENV,
            ),
            ...stackFailures({ "primavera:maxUsersPerJob": "many", "primavera:maxDeletions": "-1", "primavera:tokenExpirySeconds": "1.5" }),
        ];
        assert.equal(everything.length, 7);
        for (const f of everything) {
            assert.match(f.property, /^primavera:[a-zA-Z]+$/);
            assert.match(f.reason, /^primavera:[a-zA-Z]+ \(PRIMAVERA_[A-Z_]+\) is .+; (allowed|must)/);
            assert.doesNotMatch(f.reason, /Invalid input|expected|received|Too (small|big)|"code"|\[\s*\{/);
        }
    });

    it("the wording can be changed for the export CLI (flags instead of stack config)", () => {
        const failures = configFailures({}, noStack, NO_ENV, {
            name: (k) => k.env,
            howToSet: (k) => `pass --${k.key} or set ${k.env}`,
        });
        assert.equal(failures[0].reason, "PRIMAVERA_BASE_URL is not set; pass --baseUrl or set PRIMAVERA_BASE_URL");
        assert.ok(!JSON.stringify(failures).includes("pulumi config set"));
    });

    it("every setting documents what it allows, and the README's table shows it", () => {
        const fs = require("node:fs") as typeof import("node:fs");
        const path = require("node:path") as typeof import("node:path");
        const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
        // What each row must say about the limits.
        const limits: Record<string, string[]> = {
            baseUrl: ["https://", "loopback", "primavera:insecure"],
            username: ["non-empty"],
            password: ["non-empty", "secret"],
            authMode: ["`basic` or `oauth`"],
            deletionMode: ["`delete` or `deprovision`"],
            timeoutSeconds: ["from 1 to 86400", "fractions"],
            maxUsersPerJob: ["whole number from 1 to 10000"],
            maxDeletions: ["whole number from 0 to 1000000", "wins over the stack config"],
            insecure: ["`1`/`0`", "`yes`/`no`", "error"],
            tokenExpirySeconds: ["whole number of seconds from 1 to 86400"],
        };
        assert.deepEqual(Object.keys(limits).sort(), CONFIG_KEYS.map((k) => k.key).sort());
        for (const k of CONFIG_KEYS) {
            assert.ok(k.allowedDoc.length > 0, k.key);
            const row = readme.split("\n").find((l) => l.startsWith(`| \`${k.stack}\``));
            assert.ok(row, `README has a row for ${k.stack}`);
            assert.ok(row.includes(`\`${k.env}\``), `${k.stack}: its environment variable`);
            if (k.default !== undefined) assert.ok(row.includes(`| \`${k.default}\` |`), `${k.stack}: its default`);
            for (const words of limits[k.key]) assert.ok(row.includes(words), `${k.stack}: the README says ${words}`);
        }
    });
});

function flat(c: typeof OK): Record<string, string> {
    return { "primavera:baseUrl": c.baseUrl, "primavera:username": c.username, "primavera:password": c.password };
}

function env(c: typeof OK): NodeJS.ProcessEnv {
    return { PRIMAVERA_BASE_URL: c.baseUrl, PRIMAVERA_USERNAME: c.username, PRIMAVERA_PASSWORD: c.password };
}
