// The access guard's verdicts on a modify, from the user before the job and after it (no network).
import assert from "node:assert/strict";
import { judgeModify } from "pulumi-primavera-admin/provider/safety/accessGuard";

const ACCOUNT = "admin";
const before = {
    id: "10",
    loginId: "JSMITH",
    disabled: true,
    roles: [{ name: "A" }],
    createdBy: "ADMIN",
    createdDate: "2026-01-01T00:00:00",
    lastAction: "Updated",
};
const judge = (after: object, declared: object = {}, report?: object) =>
    judgeModify(ACCOUNT, before, { ...before, ...after }, declared, report as never);

describe("safety/accessGuard: judgeModify", () => {
    it("a new user under the login, created by our account, is our modify's re-creation (someone removed ours meanwhile)", () => {
        const entry = { ...before, id: "11", lastAction: "Created" };
        assert.deepEqual(judge({ id: "11" }, {}, { entry, idMap: {} }), { kind: "recreated", id: "11" }, "the job's entry says so");
        assert.deepEqual(judge({ id: "11", lastAction: "Created" }), { kind: "recreated", id: "11" }, "a read-back of a user last created");
        assert.deepEqual(judge({ id: "11", createdDate: "2026-12-01T10:00:00" }), { kind: "recreated", id: "11" }, "a new creation date");
    });

    it("a new user under the login created by someone else is theirs: never recorded, never deleted by us", () => {
        assert.deepEqual(judge({ id: "11", createdBy: "COADMIN", lastAction: "Updated" }), {
            kind: "foreign",
            id: "11",
            creator: "COADMIN",
        });
        assert.deepEqual(
            judge({ id: "11", createdBy: "COADMIN", createdDate: before.createdDate }, {}, { idMap: { "10": "11" } }),
            { kind: "foreign", id: "11", creator: "COADMIN" },
            "even created the same second, and with updatedIdMap pointing at it",
        );
    });

    it("a new id is followed only when updatedIdMap says so and creator and creation date are unchanged; else it cannot be told", () => {
        assert.deepEqual(judge({ id: "12" }, {}, { idMap: { "10": "12" } }), { kind: "rekeyed", id: "12" });
        assert.deepEqual(judge({ id: "12" }), { kind: "unexplained", id: "12" }, "no updatedIdMap");
        const bare = { id: "10", loginId: "JSMITH" };
        assert.deepEqual(
            judgeModify(ACCOUNT, bare, { id: "12", loginId: "JSMITH", lastAction: "Updated" }, {}, { idMap: { "10": "12" } }),
            {
                kind: "unexplained",
                id: "12",
            },
        );
    });

    it("a creation reported for a user that kept its id contradicts itself; a read-back's lastAction alone says nothing", () => {
        assert.deepEqual(judge({}, {}, { entry: { ...before, lastAction: "Created" }, idMap: {} }), { kind: "contradictory" });
        assert.equal(judge({ lastAction: "Created" }), undefined, "a read-back with the same id (its creation, long ago)");
    });

    it("access the program does not declare must not widen: re-enabled, or roles neither declared nor held before", () => {
        assert.deepEqual(judge({ disabled: false }), { kind: "widened", enabled: true, roles: [] });
        assert.equal(judge({ disabled: false }, { disabled: false }), undefined, "declared: not widening");
        assert.deepEqual(judge({ roles: [{ name: "A" }, { name: "B" }] }), { kind: "widened", enabled: false, roles: ["B"] });
        assert.equal(judge({ roles: [{ name: "B" }] }, { roles: ["B"] }), undefined, "declared roles");
        assert.deepEqual(
            judge({ roles: [{ name: "A" }, { name: "C" }] }, { roles: ["C"] }),
            { kind: "widened", enabled: false, roles: ["A"] },
            "with roles declared, a role kept from before is not declared either",
        );
        assert.equal(judge({ roles: [] }), undefined, "narrowing is not widening");
    });
});
