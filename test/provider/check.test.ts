// check() rejects bad input at preview, naming the property and the reason; no network needed.
import assert from "node:assert/strict";
import { UserProvider } from "../support/untyped";

const valid = {
    loginId: "JSMITH",
    firstName: "Jim",
    lastName: "Smith",
    emailAddress: "jim.smith@example.com",
    organization: { name: "sfo", type: "Company" },
};

const without = (key: string) => {
    const v: Record<string, unknown> = { ...valid };
    delete v[key];
    return v;
};

// [what, inputs, property expected in the failures, words expected in its reason]
const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ["missing loginId", without("loginId"), "loginId", /required/],
    ["empty loginId", { ...valid, loginId: "" }, "loginId", /empty/],
    ["loginId with a space", { ...valid, loginId: "J SMITH" }, "loginId", /letters, digits/],
    ["loginId starting with a dot", { ...valid, loginId: ".jsmith" }, "loginId", /starting with/],
    ["loginId too long", { ...valid, loginId: "A".repeat(256) }, "loginId", /255/],
    ["loginId not a string", { ...valid, loginId: 42 }, "loginId", /string|login/],
    ["missing firstName", without("firstName"), "firstName", /required/],
    ["blank firstName", { ...valid, firstName: "   " }, "firstName", /empty/],
    ["missing lastName", without("lastName"), "lastName", /required/],
    ["missing emailAddress", without("emailAddress"), "emailAddress", /required/],
    ["bad email", { ...valid, emailAddress: "jim.smith" }, "emailAddress", /not an email address/],
    ["email with a space", { ...valid, emailAddress: "jim smith@example.com" }, "emailAddress", /not an email address/],
    ["missing organization", without("organization"), "organization", /required/],
    ["organization as a string", { ...valid, organization: "sfo" }, "organization", /object/],
    ["organization without a name", { ...valid, organization: { type: "Company" } }, "organization.name", /required/],
    [
        "organization with an unknown key",
        { ...valid, organization: { name: "sfo", city: "SF" } },
        "organization.city",
        /organization\.city: not a property of organization/,
    ],
    ["roles not a list", { ...valid, roles: "PrimaveraCloudAdmin" }, "roles", /list of role names/],
    ["empty role name", { ...valid, roles: [""] }, "roles.0", /empty/],
    ["duplicate roles", { ...valid, roles: ["A", "A"] }, "roles", /twice/],
    ["disabled as a string", { ...valid, disabled: "yes" }, "disabled", /true or false/],
    ["bad startDate", { ...valid, startDate: "31/01/2026" }, "startDate", /2026-01-31/],
    ["impossible date", { ...valid, startDate: "2026-02-30" }, "startDate", /real calendar date/],
    ["end before start", { ...valid, startDate: "2026-06-01", endDate: "2026-05-01" }, "endDate", /before startDate/],
    ["unknown field", { ...valid, nickname: "jimmy" }, "nickname", /^nickname: not a property of a User; a User takes: loginId,/],
    ["misspelled field", { ...valid, email: "jim@example.com" }, "email", /not a property/],
    ["empty password", { ...valid, password: "" }, "password", /empty/],
    ["adopt as a string", { ...valid, adopt: "true" }, "adopt", /true or false/],
    ["userType empty", { ...valid, userType: "" }, "userType", /empty/],
    // Every string input has a length limit (provider/model/fields.ts), so one huge value cannot fail a whole batch at the tenant.
    ["a 65 MB middleName", { ...valid, middleName: "x".repeat(65 * 1024 * 1024) }, "middleName", /at most 100/],
    ["firstName too long", { ...valid, firstName: "F".repeat(101) }, "firstName", /at most 100/],
    ["lastName too long", { ...valid, lastName: "L".repeat(101) }, "lastName", /at most 100/],
    ["emailAddress too long", { ...valid, emailAddress: `${"e".repeat(250)}@example.com` }, "emailAddress", /at most 254/],
    ["userType too long", { ...valid, userType: "T".repeat(51) }, "userType", /at most 50/],
    ["employeeNumber too long", { ...valid, employeeNumber: "9".repeat(101) }, "employeeNumber", /at most 100/],
    ["manager too long", { ...valid, manager: "M".repeat(256) }, "manager", /at most 255/],
    ["organization.name too long", { ...valid, organization: { name: "o".repeat(101) } }, "organization.name", /at most 100/],
    ["organization.type too long", { ...valid, organization: { name: "sfo", type: "t".repeat(51) } }, "organization.type", /at most 50/],
    ["a role name too long", { ...valid, roles: ["R".repeat(256)] }, "roles.0", /at most 255/],
    ["too many roles", { ...valid, roles: Array.from({ length: 501 }, (_, i) => `R${i}`) }, "roles", /at most 500/],
    ["password too long", { ...valid, password: "p".repeat(256) }, "password", /at most 255/],
    ["hour 24", { ...valid, startDate: "2026-01-31T24:00:00" }, "startDate", /hours 00-23/],
    ["minute 60", { ...valid, startDate: "2026-01-31T10:60:00" }, "startDate", /2026-01-31/],
    // 09:00+02:00 is 07:00Z: before 08:00Z although the raw strings compare the other way.
    [
        "end before start across offsets",
        { ...valid, startDate: "2026-06-01T08:00:00Z", endDate: "2026-06-01T09:00:00+02:00" },
        "endDate",
        /before startDate/,
    ],
];

describe("check: invalid inputs are refused at preview", () => {
    // Settings that resolve (nothing listens on port 9: the role check warns and passes).
    const provider = new UserProvider({
        baseUrl: "http://127.0.0.1:9",
        username: "check-test",
        password: "check-Pw-2290",
        timeoutSeconds: 2,
    });

    it(`has at least 20 cases (${cases.length})`, () => assert.ok(cases.length >= 20));

    for (const [what, inputs, property, reason] of cases) {
        it(`refuses ${what}`, async () => {
            const { failures } = await provider.check({}, inputs);
            const f = (failures ?? []).find((x) => x.property === property);
            assert.ok(f, `expected a failure on '${property}', got ${JSON.stringify(failures)}`);
            assert.match(f.reason, reason);
            // The engine prints "property X value {...} has a problem: <reason>": the reason starts with the field.
            const field = property.replace(/\.\d+$/, "");
            assert.ok(f.reason.startsWith(`${field}: `), `the reason starts with '${field}: ': ${f.reason}`);
            if (inputs.password) assert.doesNotMatch(JSON.stringify(failures), new RegExp(String(inputs.password)));
        });
    }

    it("accepts valid inputs and returns them normalized, adding no defaults (undeclared means unmanaged)", async () => {
        const { inputs, failures } = await provider.check(
            {},
            { ...valid, roles: [" PrimaveraCloudAdmin "], startDate: "2026-01-01", endDate: "2026-12-31T10:00:00+02:00" },
        );
        assert.deepEqual(failures, []);
        assert.equal(inputs!.disabled, undefined, "disabled is not managed unless declared");
        assert.equal(inputs!.adopt, undefined);
        assert.deepEqual(inputs!.roles, ["PrimaveraCloudAdmin"], "trimmed as validated");
        assert.equal(inputs!.startDate, "2026-01-01T00:00:00", "dates in the tenant's form");
        assert.equal(inputs!.endDate, "2026-12-31T08:00:00", "an offset is converted to UTC");
    });

    it("compares dates as instants: an end after the start in another offset passes", async () => {
        // 10:00+02:00 is 08:00Z, after 07:30Z, although the raw strings compare the other way.
        const { failures } = await provider.check(
            {},
            { ...valid, startDate: "2026-06-01T10:00:00+02:00", endDate: "2026-06-01T07:30:00Z" },
        );
        assert.deepEqual(failures, [{ property: "endDate", reason: "endDate: before startDate (they are compared as instants)" }]);
        const ok = await provider.check({}, { ...valid, startDate: "2026-06-01T10:00:00+02:00", endDate: "2026-06-01T08:30:00Z" });
        assert.deepEqual(ok.failures, []);
    });

    it("returns what it validated: an organization ' sfo ' is sent as 'sfo'", async () => {
        const { inputs, failures } = await provider.check(
            {},
            { ...valid, firstName: " Jim ", organization: { name: " sfo ", type: " Company " } },
        );
        assert.deepEqual(failures, []);
        assert.deepEqual(inputs!.organization, { name: "sfo", type: "Company" });
        assert.equal(inputs!.firstName, "Jim");
    });

    it("lets values unknown during preview pass", async () => {
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const { failures } = await provider.check(
            {},
            { ...valid, emailAddress: unknown, organization: { name: unknown }, roles: [unknown] },
        );
        assert.deepEqual(failures, []);
    });

    it("relaxes only the inputs not known yet, whichever set of them came before", async () => {
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const reasons = async (inputs: Record<string, unknown>) =>
            ((await provider.check({}, inputs)).failures ?? []).map((f: { reason: string }) => f.reason);
        // Each set of unknown keys twice, and in between, so a schema kept for one set is reused.
        for (let round = 0; round < 2; round++) {
            assert.deepEqual(await reasons({ ...without("lastName"), emailAddress: unknown }), ["lastName: required"]);
            const badEmail = await reasons({ ...valid, emailAddress: "not-an-email", lastName: unknown });
            assert.equal(badEmail.length, 1);
            assert.match(badEmail[0], /^emailAddress: /);
            assert.match((await reasons({ ...valid, emailAddress: "not-an-email" }))[0], /^emailAddress: /);
            assert.deepEqual(await reasons({ ...without("firstName"), lastName: unknown, emailAddress: unknown }), ["firstName: required"]);
        }
    });

    it("a key that is no input is refused at preview even while its value is unknown", async () => {
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        for (const key of ["nickname", "constructor"]) {
            const { failures } = await provider.check({}, { ...valid, [key]: unknown, lastName: unknown });
            assert.deepEqual(
                failures!.map((f: { property: string }) => f.property),
                [key],
                JSON.stringify(failures),
            );
            assert.match(failures![0].reason, new RegExp(`^${key}: not a property of a User`));
        }
    });

    it("an own `__proto__` key is refused as a stray property, never read through as inherited fields", async () => {
        const news = JSON.parse(
            `{"loginId":"PROTO1","firstName":"a","lastName":"b","emailAddress":"a@b.co","organization":{"name":"sfo"},"__proto__":{"roles":["PrimaveraCloudAdmin"],"disabled":false}}`,
        );
        const { inputs, failures } = await provider.check({}, news);
        assert.ok(
            failures!.some((f: { property: string }) => f.property === "__proto__"),
            JSON.stringify(failures),
        );
        assert.equal(inputs?.roles, undefined);
    });

    it("does not echo a password in failures", async () => {
        const { failures } = await provider.check({}, { ...valid, password: 12345678 });
        assert.ok(failures!.length > 0);
        assert.doesNotMatch(JSON.stringify(failures), /12345678/);
    });

    it("refuses a `spec` input (the form of development builds) as a stray property, naming it", async () => {
        const { failures } = await provider.check({}, { loginId: "JSMITH", spec: JSON.stringify({ firstName: "Jim" }) });
        const f = failures!.find((x) => x.property === "spec");
        assert.ok(f, JSON.stringify(failures));
        assert.match(f.reason, /^spec: not a property of a User/);
    });
});

describe("check: bad settings are said once per run, as settings", () => {
    it("the first resource checked gets every settings problem, naming the key; later ones point back to it", async () => {
        const saved = { ...process.env };
        process.env.PRIMAVERA_BASE_URL = "";
        process.env.PRIMAVERA_USERNAME = "";
        process.env.PRIMAVERA_PASSWORD = "";
        try {
            const provider = new UserProvider({ baseUrl: "http://127.0.0.1:9", username: "u", authMode: "saml" } as never);
            const first = await provider.check({}, valid);
            assert.deepEqual(
                first.failures!.map((f) => f.property),
                ["primavera:password", "primavera:authMode"],
            );
            for (const f of first.failures!) assert.match(f.reason, /^provider settings: primavera:/);
            const second = await provider.check({}, { ...valid, loginId: "OTHER" });
            assert.deepEqual(second.failures, [{ property: "", reason: "provider settings: not usable; see the settings error above" }]);
            // A field problem of a later resource is still said, after the pointer.
            const third = await provider.check({}, { ...valid, emailAddress: "x" });
            assert.deepEqual(
                third.failures!.map((f) => f.property),
                ["", "emailAddress"],
            );
        } finally {
            process.env = saved;
        }
    });
});
