// The program `export --format ts` writes: every user adopted and protected, and advice for a value
// the check refuses that a person can follow (a login cannot be fixed from a program).
import assert from "node:assert/strict";
import type { UserInfo } from "pulumi-primavera-admin";
import { renderProgram } from "pulumi-primavera-admin/provider/cli/program";

const user = (loginId: string, emailAddress: string) =>
    ({
        loginId,
        firstName: "Jim",
        lastName: "Smith",
        emailAddress,
        organization: { name: "sfo" },
        roles: ["PrimaveraP6Production"],
        disabled: false,
    }) as unknown as UserInfo;

describe("the exported program", () => {
    const text = renderProgram([user("JSMITH", "jim@example.com"), user("BAD LOGIN", "bad@example.com"), user("AB", "not-an-email")], {
        source: "https://tenant.example",
        at: "2026-12-02T00:00:00Z",
    });

    it("adopts and protects every user", () => {
        assert.equal((text.match(/^ {12}adopt: true,$/gm) ?? []).length, 3);
        assert.equal((text.match(/^ {8}\{ protect: true \},$/gm) ?? []).length, 3);
    });

    it("says to leave out a user whose login the check refuses: a new login is a new user", () => {
        const advice = text.split("\n").find((l) => l.includes("// check: loginId"));
        assert.ok(advice, text);
        assert.match(advice, /a new login would be a new user: leave this user out of the program/);
        assert.doesNotMatch(advice, /vendor UI|fix it here/);
    });

    it("says to fix any other refused value in the tenant", () => {
        const advice = text.split("\n").find((l) => l.includes("// check: emailAddress"));
        assert.ok(advice, text);
        assert.match(advice, /fix it in the vendor UI and export again/);
    });
});
