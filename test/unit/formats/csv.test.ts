// The CSV forms, both ways (no sockets).
import assert from "node:assert/strict";
import { csvText, parseCsv } from "pulumi-primavera-admin/provider/formats/csvText";
import { readOracleUserCsv, renderOracleCsv } from "pulumi-primavera-admin/provider/formats/oracleCsv";
import { managedLogins } from "pulumi-primavera-admin/provider/formats/stackState";
import { readUsersCsv, renderUsersCsv } from "pulumi-primavera-admin/provider/formats/usersCsv";
import type { UserInfo } from "pulumi-primavera-admin";

const info = (loginId: string, extra: Partial<UserInfo> = {}): UserInfo => ({
    loginId,
    firstName: "F",
    lastName: "L",
    emailAddress: `${loginId.toLowerCase()}@example.com`,
    organization: { name: "sfo" },
    userType: "EMP",
    roles: [],
    roleDetails: [],
    disabled: false,
    userId: "1",
    ...extra,
});

describe("formats/csvText", () => {
    it("round-trips quotes, commas, line breaks and formula cells; escapes control characters", () => {
        const rows = [
            ["a,b", 'say "hi"', "two\nlines"],
            ["=1+1", "+2", "x\u001by"],
        ];
        const text = csvText(rows);
        assert.ok(text.includes("'=1+1"), "a formula is disarmed");
        assert.deepEqual(parseCsv(text), [rows[0], ["=1+1", "+2", "x\\u001by"]]);
        assert.deepEqual(parseCsv('\uFEFFa,b\r\n\r\n"c",d\n'), [
            ["a", "b"],
            ["c", "d"],
        ]);
        assert.throws(() => parseCsv('"open'), /never closed/);
    });
});

describe("formats/usersCsv", () => {
    it("what the export writes, the reader reads back; empty cells are not managed, an empty roles cell is no roles", () => {
        const text = renderUsersCsv([info("A", { roles: ["R1", "R2"], middleName: "M" }), info("B")]);
        const [a, b] = readUsersCsv(text);
        assert.deepEqual(a.roles, ["R1", "R2"]);
        assert.equal(a.middleName, "M");
        assert.deepEqual(b.roles, []);
        assert.equal("middleName" in b, false);
        assert.equal(b.disabled, false);
    });

    it("names the line and column of a problem", () => {
        assert.throws(
            () => readUsersCsv("loginId,firstName,lastName,emailAddress,organization\nA,,L,a@x.com,sfo\n", "f.csv"),
            /f.csv line 2: firstName is empty/,
        );
        assert.throws(() => readUsersCsv("loginId,bogus\n"), /unknown column\(s\) bogus/);
        assert.throws(
            () => readUsersCsv("loginId,firstName,lastName,emailAddress,organization,disabled\nA,F,L,a@x.com,sfo,maybe\n"),
            /disabled must be true or false/,
        );
    });
});

describe("formats/oracleCsv", () => {
    const catalog = [
        { name: "PrimaveraP6Production", displayName: "Primavera P6 Production" },
        { name: "BIProductionAuthors", displayName: "BI Authors" },
    ];

    it("writes Oracle's columns and one #R# column per role held (by display name); reads them back through the catalog", () => {
        const text = renderOracleCsv([
            info("A", { roles: ["BIProductionAuthors"], roleDetails: [{ name: "BIProductionAuthors", displayName: "BI Authors" }] }),
            info("B"),
        ]);
        assert.equal(text.split("\n")[0], "Last Name,First Name,Email,Username,Company,User Type,#R#BI Authors");
        const [a, b] = readOracleUserCsv(text, { roles: catalog });
        assert.deepEqual(a.roles, ["BIProductionAuthors"]);
        assert.deepEqual(b.roles, [], "without a Y, no roles: the template's columns are the whole access");
        assert.equal(a.loginId, "A");
        assert.deepEqual(a.organization, { name: "sfo" });
    });

    it("Y or Yes in any case; a column the catalog does not know, or another value, is an error naming it", () => {
        const head = "Last Name,First Name,Email,Username,Company,User Type,#R#Primavera P6 Production\n";
        assert.deepEqual(readOracleUserCsv(`${head}L,F,f@x.com,U,sfo,,yes\n`, { roles: catalog })[0].roles, ["PrimaveraP6Production"]);
        assert.throws(
            () => readOracleUserCsv(`${head}L,F,f@x.com,U,sfo,,maybe\n`, { roles: catalog }),
            /column #R#Primavera P6 Production: must be Y, Yes or empty/,
        );
        assert.throws(
            () => readOracleUserCsv(head.replace("Primavera P6 Production", "Nope") + "L,F,f@x.com,U,sfo,,Y\n", { roles: catalog }),
            /#R#Nope names no role of the tenant's catalog/,
        );
        assert.throws(() => readOracleUserCsv("Username,Email\n"), /missing column\(s\) Last Name, First Name, Company, User Type/);
        assert.deepEqual(
            readOracleUserCsv(`${head}L,F,f@x.com,U,sfo,,Y\n`)[0].roles,
            ["Primavera P6 Production"],
            "no catalog: the column's text",
        );
    });
});

describe("formats/stackState", () => {
    const file = (resources: unknown[]) => ({ name: "s.json", text: JSON.stringify({ deployment: { resources } }) });
    it("collects a User's login and a UserSet's members; a login kept as an encrypted secret is counted apart", () => {
        const m = managedLogins([
            file([
                { urn: "u1", type: "pulumi-nodejs:dynamic/primavera-admin:User", outputs: { loginId: "A" } },
                { urn: "s1", type: "pulumi-nodejs:dynamic/primavera-admin:UserSet", outputs: { users: { B: {}, constructor: {} } } },
                {
                    urn: "u2",
                    type: "pulumi-nodejs:dynamic/primavera-admin:User",
                    outputs: { loginId: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "x" } },
                },
                {
                    urn: "u3",
                    type: "pulumi-nodejs:dynamic/primavera-admin:User",
                    outputs: { loginId: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: '"C"' } },
                },
                { urn: "o", type: "aws:s3/bucket:Bucket", outputs: { loginId: "NOT" } },
            ]),
        ]);
        assert.deepEqual([...m.logins].sort(), ["A", "B", "C", "constructor"]);
        assert.deepEqual(m.unreadable, ["u2"]);
        assert.throws(() => managedLogins([{ name: "x.json", text: "{" }]), /x.json: not JSON/);
    });
});
