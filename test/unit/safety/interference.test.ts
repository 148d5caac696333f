// Another administrator's audit events during our job, and what they mean for our record (no network).
import assert from "node:assert/strict";
import { foreignEvents, interferenceOf } from "pulumi-primavera-admin/provider/safety/interference";

const ev = (description: string, grantor = "COADMIN", loginId?: string) => ({ at: 1, description, grantor, loginId });

describe("safety/interference", () => {
    it("foreignEvents: events on exactly this login, by another account (case ignored for accounts)", () => {
        const events = [
            ev("User JSMITH updated: roles"),
            ev("User JSMITH updated: roles", "admin"),
            ev("User JSMITH2 updated: roles"),
            ev("User jsmith disabled"),
            ev("anything", "COADMIN", "JSMITH"),
            ev("User JSMITH deleted", "ADMIN"),
        ];
        assert.deepEqual(
            foreignEvents(events, "JSMITH", "Admin").map((e) => e.description),
            ["User JSMITH updated: roles", "anything"],
        );
        assert.deepEqual(foreignEvents([ev("User A.B+C@x updated: roles")], "A.B+C@x", "admin").length, 1, "a login with regex characters");
    });

    it("interferenceOf: the fields named by an update, every carried field for a description that names none, a disable", () => {
        const carried = ["middleName", "roles", "manager"];
        assert.deepEqual(interferenceOf([ev("User X updated: roles, emailAddress")], carried)?.overwritten, ["roles"]);
        assert.equal(interferenceOf([ev("User X updated: emailAddress")], carried), undefined, "only a declared field: ours to set");
        assert.deepEqual(interferenceOf([ev("Something happened to X")], carried)?.overwritten, carried);
        assert.deepEqual(interferenceOf([ev("User X disabled")], carried), {
            events: [ev("User X disabled")],
            overwritten: [],
            disabled: true,
        });
        assert.equal(interferenceOf([ev("User X enabled"), ev("User X unlocked")], carried), undefined);
        assert.equal(interferenceOf([], carried), undefined);
    });
});
