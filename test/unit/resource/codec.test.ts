// The codec at a User's provider boundary: stored outputs of every form decode to the same typed
// outputs, which encode to the flat form; a property no form ever held is refused by name.
import assert from "node:assert/strict";
import { decodeInputs, decodeNews, decodeOutputs, encodeOutputs, UserOutputs } from "pulumi-primavera-admin/provider/resource/codec";

const typed: UserOutputs = {
    loginId: "JSMITH",
    firstName: "Jim",
    lastName: "Smith",
    emailAddress: "jim@example.com",
    organization: { name: "sfo", type: "Company" },
    roles: ["B-Role", "A-Role"],
    disabled: false,
    employeeNumber: "E-1",
    userId: "1001",
    status: "Active",
    locked: false,
    managedFields: ["loginId", "firstName", "lastName", "emailAddress", "organization", "roles", "organization.type"],
};
const inText = ["firstName", "lastName", "emailAddress", "organization", "roles"];
const outside = { loginId: "JSMITH", disabled: false, employeeNumber: "E-1", userId: "1001", status: "Active", locked: false };
const text = JSON.stringify({
    ...Object.fromEntries(inText.map((k) => [k, (typed as Record<string, unknown>)[k]])),
    "organization.type": true,
});

describe("codec: a User's stored outputs", () => {
    it("the flat form round-trips; adopt false and undefined values are left out", () => {
        const flat = encodeOutputs({ ...typed, adopt: false, middleName: undefined });
        assert.deepEqual(flat, typed);
        assert.deepEqual(decodeOutputs({ ...flat, __provider: "x" }), { outputs: typed, form: "flat" });
    });

    for (const [form, stored] of [
        [
            "0.1.0",
            {
                ...typed,
                managedFields: undefined,
                declared: typed.managedFields,
                adopt: false,
                roleDetails: [],
                createdDate: "x",
                lastJobId: "7",
            },
        ],
        ["spec", { ...outside, spec: text }],
        ["live", { ...outside, live: text }],
    ] as const) {
        it(`reads the ${form} form as the same outputs, which encode flat`, () => {
            const { outputs, form: found } = decodeOutputs(JSON.parse(JSON.stringify(stored)));
            assert.equal(found, form);
            const { adopt, ...rest } = outputs;
            assert.deepEqual(rest, typed);
            assert.ok(!adopt);
        });
    }

    it("refuses a stray property by name, also inside a `spec` text; a text that is not JSON holds nothing", () => {
        assert.throws(() => decodeOutputs({ ...typed, nickname: "x" }), /holds 'nickname', which a User's outputs do not take/);
        assert.throws(() => decodeOutputs({ ...outside, spec: JSON.stringify({ userId: "2" }) }), /`spec` text holds 'userId'/);
        assert.throws(() => decodeOutputs({ ...typed, roles: "A" }), /roles of the wrong shape/);
        const { outputs } = decodeOutputs({ ...outside, spec: "{not json" });
        assert.equal(outputs.firstName, undefined);
        assert.equal(outputs.managedFields, undefined);
    });
});

describe("codec: a User's inputs", () => {
    it("decodes checked inputs typed, refusing a stray one by name", () => {
        const inputs = decodeInputs({
            loginId: "J",
            firstName: "J",
            lastName: "S",
            emailAddress: "j@example.com",
            organization: { name: "sfo" },
            __provider: "x",
        });
        assert.equal(inputs.loginId, "J");
        assert.throws(() => decodeInputs({ ...inputs, spec: "{}" }), /holds 'spec', which a User's inputs do not take/);
    });

    it("tells the unknown inputs of a preview from the known ones", () => {
        const u = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const news = decodeNews({ loginId: "J", emailAddress: u, roles: ["A", u], __provider: "p" });
        assert.deepEqual(news, { known: { loginId: "J" }, unknown: ["emailAddress", "roles"], provider: "p" });
    });
});
