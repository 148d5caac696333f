// check() rejects bad input at preview, naming the property and the reason; no network needed.
import assert from "node:assert/strict";
import { UserProvider } from "pulumi-primavera-admin";

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
    ["bad email", { ...valid, emailAddress: "jim.smith" }, "emailAddress", /not a valid email/],
    ["email with a space", { ...valid, emailAddress: "jim smith@example.com" }, "emailAddress", /not a valid email/],
    ["missing organization", without("organization"), "organization", /required/],
    ["organization as a string", { ...valid, organization: "sfo" }, "organization", /object/],
    ["organization without a name", { ...valid, organization: { type: "Company" } }, "organization.name", /required/],
    ["organization with an unknown key", { ...valid, organization: { name: "sfo", city: "SF" } }, "city", /unknown property/],
    ["roles not a list", { ...valid, roles: "PrimaveraCloudAdmin" }, "roles", /list of role names/],
    ["empty role name", { ...valid, roles: [""] }, "roles.0", /empty/],
    ["duplicate roles", { ...valid, roles: ["A", "A"] }, "roles", /twice/],
    ["disabled as a string", { ...valid, disabled: "yes" }, "disabled", /true or false/],
    ["bad startDate", { ...valid, startDate: "31/01/2026" }, "startDate", /2026-01-31/],
    ["impossible date", { ...valid, startDate: "2026-02-30" }, "startDate", /real calendar date/],
    ["end before start", { ...valid, startDate: "2026-06-01", endDate: "2026-05-01" }, "endDate", /before startDate/],
    ["unknown field", { ...valid, nickname: "jimmy" }, "nickname", /unknown property 'nickname'/],
    ["misspelled field", { ...valid, email: "jim@example.com" }, "email", /unknown property/],
    ["empty password", { ...valid, password: "" }, "password", /empty/],
    ["adopt as a string", { ...valid, adopt: "true" }, "adopt", /true or false/],
    ["userType empty", { ...valid, userType: "" }, "userType", /empty/],
];

describe("check: invalid inputs are refused at preview", () => {
    const provider = new UserProvider();

    it(`has at least 20 cases (${cases.length})`, () => assert.ok(cases.length >= 20));

    for (const [what, inputs, property, reason] of cases) {
        it(`refuses ${what}`, async () => {
            const { failures } = await provider.check({}, inputs);
            const f = (failures ?? []).find((x) => x.property === property);
            assert.ok(f, `expected a failure on '${property}', got ${JSON.stringify(failures)}`);
            assert.match(f.reason, reason);
            if (inputs.password) assert.doesNotMatch(JSON.stringify(failures), new RegExp(String(inputs.password)));
        });
    }

    it("accepts valid inputs and makes the defaults explicit", async () => {
        const { inputs, failures } = await provider.check(
            {},
            { ...valid, roles: ["PrimaveraCloudAdmin"], startDate: "2026-01-01", endDate: "2026-12-31" },
        );
        assert.deepEqual(failures, []);
        assert.equal(inputs!.disabled, false);
        assert.equal(inputs!.adopt, false);
    });

    it("lets values unknown during preview pass", async () => {
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const { failures } = await provider.check(
            {},
            { ...valid, emailAddress: unknown, organization: { name: unknown }, roles: [unknown] },
        );
        assert.deepEqual(failures, []);
    });

    it("does not echo a password in failures", async () => {
        const { failures } = await provider.check({}, { ...valid, password: 12345678 });
        assert.ok(failures!.length > 0);
        assert.doesNotMatch(JSON.stringify(failures), /12345678/);
    });
});
