// Dates a program may write: validated means sendable (no network).
import assert from "node:assert/strict";
import { isRealDate, isSendableDate, normalizeDate } from "pulumi-primavera-admin/provider/model/dates";
import { userInputs } from "pulumi-primavera-admin/provider/model/fields";

describe("model/dates", () => {
    it("years 0001-0099 are real dates, sent with four digits", () => {
        assert.equal(isRealDate("0050-06-01"), true);
        assert.equal(normalizeDate("0050-06-01"), "0050-06-01T00:00:00");
        assert.equal(isSendableDate("0001-01-01T00:00:00Z"), true);
        assert.equal(isRealDate("0000-01-01"), false);
        assert.equal(isRealDate("2026-02-30"), false);
    });

    it("an offset that moves the instant out of 0001-9999 is refused: the tenant's form cannot hold it", () => {
        assert.equal(isSendableDate("9999-12-31T23:00:00-02:00"), false);
        assert.equal(isSendableDate("0001-01-01T00:30:00+01:00"), false);
        assert.equal(isSendableDate("9999-12-31T21:00:00-02:00"), true);
        const r = userInputs.safeParse({
            loginId: "A",
            firstName: "F",
            lastName: "L",
            emailAddress: "a@example.com",
            organization: { name: "sfo" },
            endDate: "9999-12-31T23:00:00-02:00",
        });
        assert.ok(!r.success);
        assert.match(r.error.issues[0].message, /endDate: falls outside the years 0001-9999 once converted to UTC/);
    });
});
