// A User's diff: what changes, what replaces, compared field by field.
import assert from "node:assert/strict";
import { diffUser } from "pulumi-primavera-admin/provider/resource/diff";

describe("diff", () => {
    const olds = { loginId: "A", firstName: "F", lastName: "L", roles: ["R"], disabled: false };
    it("replaces on a loginId change (the new login created first, always), updates on a managed field, ignores undeclared ones", () => {
        assert.deepEqual(diffUser(olds, { loginId: "B", firstName: "F" }), {
            changes: true,
            replaces: ["loginId"],
            deleteBeforeReplace: false,
        });
        assert.equal(diffUser(olds, { loginId: "a", firstName: "F" }).deleteBeforeReplace, false, "a change of case too");
        assert.equal(diffUser(olds, { loginId: "A", firstName: "G" }).changes, true);
        assert.equal(diffUser(olds, { loginId: "A", firstName: "F" }).changes, false, "roles and disabled undeclared: not managed");
        assert.equal(
            diffUser(olds, { loginId: "A", roles: ["R"] }, { providerTexts: { old: "v1", new: "v2" } }).changes,
            true,
            "new provider text reaches the state",
        );
        assert.equal(diffUser(olds, { loginId: "A", roles: ["R"] }, { providerTexts: { old: "v1", new: "v1" } }).changes, false);
        assert.equal(diffUser(olds, { loginId: "A", roles: ["R"] }, { unknown: ["firstName"] }).changes, true, "unknown at preview");
    });
});
