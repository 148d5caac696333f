// One owner per login in a run (no network).
import assert from "node:assert/strict";
import { claimKey, Ownership } from "pulumi-primavera-admin/provider/safety/ownership";

describe("safety/ownership", () => {
    it("a second declaration of a login by another claimant is refused naming both; the same claimant again is fine", () => {
        const o = new Ownership();
        const user = { key: "User", describe: "a User with loginId 'X'" };
        const set = { key: claimKey("UserSet", "new:X\nY"), describe: "a member of a UserSet" };
        assert.equal(o.declare("X", user), undefined);
        assert.equal(o.declare("X", user), undefined);
        assert.match(
            o.declare("X", set) ?? "",
            /'X' is declared by two resources of this program \(a User with loginId 'X' and a member of a UserSet\)/,
        );
        assert.equal(o.declare("x", set), undefined, "a case variant is another login");
        assert.equal(o.isDeclared("X"), true);
        assert.equal(o.isDeclared("Z"), false);
    });

    it("logins that are JavaScript object keys are logins like any other", () => {
        const o = new Ownership();
        for (const login of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
            assert.equal(o.isDeclared(login), false, login);
            assert.equal(o.declare(login, { key: "User", describe: login }), undefined);
            assert.equal(o.isDeclared(login), true);
        }
    });

    it("a login is created by one operation at a time; a create that made nothing frees it", () => {
        const o = new Ownership();
        o.startCreate("X", "op1");
        assert.throws(() => o.startCreate("X", "op2"), /'X' is declared by two resources/);
        o.endCreate("X");
        o.startCreate("X", "op2");
    });
});
