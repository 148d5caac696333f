// The access guard's verdicts on a modify, from the user before the job and after it (no network).
import assert from "node:assert/strict";
import { judgeModify } from "pulumi-primavera-admin/provider/safety/accessGuard";

const before = {
    id: "10",
    loginId: "JSMITH",
    disabled: true,
    roles: [{ name: "A" }],
    createdDate: "2026-01-01T00:00:00",
    lastAction: "Updated",
};

describe("safety/accessGuard: judgeModify", () => {
    it("a modify that created the user (someone removed it while the job ran) is a re-creation", () => {
        const entry = { ...before, id: "11", lastAction: "Created" };
        assert.deepEqual(
            judgeModify(before, { ...before, id: "11" }, {}, { entry }),
            { kind: "recreated", id: "11" },
            "the job's entry says so",
        );
        assert.deepEqual(
            judgeModify(before, entry, {}),
            { kind: "recreated", id: "11" },
            "a read-back of a user last created, with a new id",
        );
        assert.deepEqual(judgeModify(before, { ...before, id: "11", lastAction: undefined, createdDate: "2026-12-01T10:00:00" }, {}), {
            kind: "recreated",
            id: "11",
        });
        const bare = { ...before, lastAction: undefined };
        assert.equal(judgeModify(before, bare, {}, { entry: bare, listedIn: "added" })?.kind, "recreated", "reported in `added`");
        // A read-back's lastAction speaks of whatever last changed the user (its creation, long ago).
        assert.equal(judgeModify(before, { ...before, lastAction: "Created" }, {}), undefined, "a read-back with the same id");
    });

    it("a new id with the same creation date is the same user, re-keyed; without dates or lastAction it cannot be told", () => {
        assert.deepEqual(judgeModify(before, { ...before, id: "12" }, {}), { kind: "rekeyed", id: "12" });
        const bare = { id: "10", loginId: "JSMITH" };
        assert.deepEqual(judgeModify(bare, { id: "12", loginId: "JSMITH" }, {}), { kind: "unexplained", id: "12" });
        assert.deepEqual(judgeModify(bare, { id: "12", loginId: "JSMITH", lastAction: "Updated" }, {}), { kind: "unexplained", id: "12" });
        assert.deepEqual(judgeModify(bare, { id: "12", loginId: "JSMITH", lastAction: "Updated" }, {}), { kind: "unexplained", id: "12" });
    });

    it("access the program does not declare must not widen: re-enabled, or roles neither declared nor held before", () => {
        assert.deepEqual(judgeModify(before, { ...before, disabled: false }, {}), { kind: "widened", enabled: true, roles: [] });
        assert.equal(judgeModify(before, { ...before, disabled: false }, { disabled: false }), undefined, "declared: not widening");
        assert.deepEqual(judgeModify(before, { ...before, roles: [{ name: "A" }, { name: "B" }] }, {}), {
            kind: "widened",
            enabled: false,
            roles: ["B"],
        });
        assert.equal(judgeModify(before, { ...before, roles: [{ name: "B" }] }, { roles: ["B"] }), undefined, "declared roles");
        assert.deepEqual(
            judgeModify(before, { ...before, roles: [{ name: "A" }, { name: "C" }] }, { roles: ["C"] }),
            { kind: "widened", enabled: false, roles: ["A"] },
            "with roles declared, a role kept from before is not declared either",
        );
        assert.equal(judgeModify(before, { ...before, roles: [] }, {}), undefined, "narrowing is not widening");
    });
});
