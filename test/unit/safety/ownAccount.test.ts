// The account the provider signs in with keeps signing in (no network).
import assert from "node:assert/strict";
import { guardOwnAccount } from "pulumi-primavera-admin/provider/safety/ownAccount";

/** The accounts the provider signs in with, lower case. */
const ADMINS: ReadonlySet<string> = new Set(["admin"]);

const live = { id: "1", loginId: "Admin", roles: [{ name: "PrimaveraCloudAdmin" }], endDate: "2030-01-01T00:00:00" };
const record = (extra: Record<string, unknown>) => ({ loginId: "Admin", roles: [{ name: "PrimaveraCloudAdmin" }], ...extra });

describe("safety/ownAccount", () => {
    it("refuses every change that stops the sign-in account (compared ignoring case)", () => {
        const refused: [unknown, RegExp][] = [
            ["delete", /refusing to delete user 'Admin'/],
            ["deprovision", /refusing to deprovision/],
            [record({ disabled: true }), /refusing to disable/],
            [record({ roles: [] }), /refusing to remove roles \[PrimaveraCloudAdmin\]/],
            [record({ endDate: "2026-12-01T00:00:00" }), /refusing to set an end date \(2026-12-01T00:00:00\)/],
            [record({ endDate: "2027-01-01T00:00:00" }), /refusing to set an end date/],
            [record({ startDate: "2027-01-01T00:00:00" }), /refusing to set a start date/],
            [record({ startDate: "2026-01-01T00:00:00" }), /refusing to set a start date/],
            [record({ password: "New-Pw-1234" }), /refusing to set a password on/],
        ];
        for (const [change, message] of refused)
            assert.throws(() => guardOwnAccount(ADMINS, live, change as never), message, JSON.stringify(change));
    });

    it("lets through what keeps it signing in, and every change to other users", () => {
        guardOwnAccount(ADMINS, live, record({ endDate: "2030-01-01T00:00:00", firstName: "New" }));
        guardOwnAccount(ADMINS, { ...live, startDate: "2026-01-01T00:00:00" }, record({ startDate: "2026-01-01" }));
        guardOwnAccount(ADMINS, live, record({ roles: [{ name: "PrimaveraCloudAdmin" }, { name: "B" }] }));
        guardOwnAccount(ADMINS, { ...live, loginId: "OTHER" }, "delete");
    });
});
