// Another administrator's audit events during our job, and what they mean for our record (no network).
import assert from "node:assert/strict";
import { interferenceOf, mentions } from "pulumi-primavera-admin/provider/safety/interference";

const ev = (description: string, grantor = "COADMIN", loginId?: string) => ({
    key: description,
    at: 1,
    precisionMs: 1,
    description,
    grantor,
    loginId,
});

describe("safety/interference", () => {
    it("mentions: a login named as a word, exactly (a longer login or a case variant is another)", () => {
        assert.equal(mentions("User JSMITH updated: roles", "JSMITH"), true);
        assert.equal(mentions("User JSMITH2 updated: roles", "JSMITH"), false);
        assert.equal(mentions("User jsmith disabled", "JSMITH"), false);
        assert.equal(mentions("User A.B+C@x updated: roles", "A.B+C@x"), true, "a login with regex characters");
    });

    it("the fields an update names (ignoring case), every carried field for a description or a name it cannot place, a disable", () => {
        const carried = ["middleName", "roles", "manager"];
        assert.deepEqual(interferenceOf([ev("User X updated: roles, emailAddress")], carried)?.overwritten, ["roles"]);
        assert.deepEqual(interferenceOf([ev("User X updated: Roles")], carried)?.overwritten, ["roles"], "another edition's spelling");
        assert.equal(interferenceOf([ev("User X updated: emailAddress")], carried), undefined, "only a declared field: ours to set");
        assert.equal(interferenceOf([ev("User X updated: locked, loginAttemptsCtr")], carried), undefined, "nothing a record carries");
        assert.deepEqual(
            interferenceOf([ev("User X updated: Application Access")], carried)?.overwritten,
            carried,
            "a name that is no field",
        );
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
