// The field table (provider/model/fields.ts) and what is derived from it, as pure functions: no network.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { USER_FIELDS } from "pulumi-primavera-admin/provider/testing";
import { changedFields, declaredOnto, managedView, recordFromLive } from "pulumi-primavera-admin/provider/model/fields";
import { normalizeDate } from "pulumi-primavera-admin/provider/model/dates";
import { outcomeFor } from "pulumi-primavera-admin/provider/tenant/jobs/outcome";
import { jobRequest, userRecord } from "pulumi-primavera-admin/provider/api/schemas";

const live = {
    id: "7",
    loginId: "JSMITH",
    firstName: "Jim",
    lastName: "Smith",
    emailAddress: "jim@example.com",
    userType: "EMP",
    organization: { name: "sfo", id: "1", displayName: "SFO" },
    roles: [{ name: "B" }, { name: "A" }],
    disabled: true,
    employeeNumber: "E-1",
    startDate: "2026-01-01T00:00:00",
};

describe("the field table", () => {
    it("the README's input table states every field's length limit", () => {
        const readme = fs.readFileSync(path.resolve(__dirname, "..", "..", "README.md"), "utf8");
        for (const f of USER_FIELDS) {
            const row = readme.split("\n").find((l) => l.startsWith("| ") && l.includes(`\`${f.key}\``) && l.split("|").length > 5);
            assert.ok(row, `README has a row for ${f.key}`);
            if ("max" in f && f.key !== "organization")
                assert.ok(row.includes(String(f.max)), `README states ${f.key}'s limit ${f.max}: ${row}`);
        }
    });

    it("an undeclared `disabled` is never sent: a create leaves it to the tenant, a modify keeps the live value", () => {
        const declared = {
            loginId: "JSMITH",
            firstName: "Jimmy",
            lastName: "Smith",
            emailAddress: "jim@example.com",
            organization: { name: "sfo" },
        };
        assert.equal(
            "disabled" in declaredOnto({ loginId: "JSMITH" }, declared),
            false,
            "a create leaves it out (the tenant creates enabled)",
        );
        const modify = declaredOnto(recordFromLive(live), declared);
        // Left out, the tenant keeps its value: an administrator who disables the user while our job
        // runs is not undone by a value read before the job.
        assert.equal("disabled" in modify, false, "a modify leaves it out too");
        assert.equal(declaredOnto(recordFromLive(live), { ...declared, disabled: false }).disabled, false, "declared: sent");
        assert.deepEqual(
            modify.roles?.map((r) => r.name),
            ["A", "B"],
            "unmanaged roles carried over",
        );
        assert.equal(modify.employeeNumber, "E-1", "unmanaged fields carried over");
        assert.equal(modify.firstName, "Jimmy");
    });

    it("what we send has the documented wire shape (userRecord, jobRequest)", () => {
        const declared = {
            loginId: "JSMITH",
            firstName: "Jim",
            lastName: "Smith",
            emailAddress: "jim@example.com",
            organization: { name: "sfo", type: "Company" },
            roles: ["A"],
            startDate: "2026-01-01",
        };
        const created = declaredOnto({ loginId: "JSMITH", id: "pulumi-1" }, declared);
        assert.deepEqual(userRecord.parse(created), created, "a create record");
        const modified = declaredOnto(recordFromLive(live), declared);
        assert.deepEqual(userRecord.parse(modified), modified, "a modify record");
        assert.ok(jobRequest.safeParse({ added: [created], modified: [modified], deleted: ["OLD"] }).success);
        assert.equal(created.startDate, "2026-01-01T00:00:00");
    });

    it("changedFields compares only declared fields; roles as a set; dates as instants", () => {
        const view = managedView(live);
        assert.deepEqual(changedFields(view, { loginId: "JSMITH", roles: ["A", "B"], startDate: "2026-01-01" }), []);
        assert.deepEqual(changedFields(view, { roles: ["A"], disabled: false, startDate: "2026-01-01T02:00:00+02:00" }), [
            "roles",
            "disabled",
        ]);
        assert.deepEqual(changedFields(view, { startDate: "2026-01-01T03:00:00+02:00" }), ["startDate"]);
    });

    it("organization.type: compared with the outputs' type; against a live record without a type it is not judged", () => {
        assert.deepEqual(
            changedFields({ organization: { name: "sfo", type: "Company" } }, { organization: { name: "sfo", type: "Partner" } }),
            ["organization"],
        );
        assert.deepEqual(changedFields({ organization: { name: "sfo" } }, { organization: { name: "sfo", type: "Partner" } }), [
            "organization",
        ]);
        assert.deepEqual(
            changedFields({ organization: { name: "sfo" } }, { organization: { name: "sfo", type: "Partner" } }, { live: true }),
            [],
        );
        assert.deepEqual(changedFields({ organization: { name: "sfo" } }, { organization: { name: "nyc" } }, { live: true }), [
            "organization",
        ]);
    });

    it("normalizeDate: date alone is midnight, offsets become UTC, local times kept", () => {
        assert.equal(normalizeDate("2026-01-31"), "2026-01-31T00:00:00");
        assert.equal(normalizeDate("2026-01-31T08:00"), "2026-01-31T08:00:00");
        assert.equal(normalizeDate("2026-01-31T08:00:00+0200"), "2026-01-31T06:00:00");
        assert.equal(normalizeDate("2026-01-01T01:00:00+02:00"), "2025-12-31T23:00:00");
        assert.equal(normalizeDate("2026-01-31T08:00:00.123Z"), "2026-01-31T08:00:00");
    });
});

describe("job outcomes match logins exactly", () => {
    const result = {
        added: [{ loginId: "jdoe", id: "9", statusInfoOK: true }],
        modified: [{ loginId: "JDOE2", id: "10", lastAction: "Updated" }],
        deleted: ["Gone"],
        deleteFailed: [],
        exception: "",
        updatedIdMap: {},
    };

    it("a case variant is reported apart, never taken for the user", () => {
        const o = outcomeFor("add", "JDOE", "1", result);
        assert.equal(o.entry, undefined);
        assert.equal(o.caseVariant, "jdoe");
        assert.equal(outcomeFor("add", "jdoe", "1", result).entry?.id, "9");
        const d = outcomeFor("delete", "GONE", "1", result);
        assert.equal(d.deleted, false);
        assert.equal(d.caseVariant, "Gone");
    });

    it("an added record reported in `modified` is found, and says where", () => {
        const o = outcomeFor("add", "JDOE2", "1", result);
        assert.equal(o.listedIn, "modified");
    });
});
