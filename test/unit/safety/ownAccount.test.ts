// The account the provider signs in with keeps signing in (no network).
import assert from "node:assert/strict";
import { guardOwnAccount } from "pulumi-primavera-admin/provider/safety/ownAccount";

const live = { id: "1", loginId: "Admin", roles: [{ name: "PrimaveraCloudAdmin" }], endDate: "2030-01-01T00:00:00" };
const now = new Date("2026-12-02T12:00:00Z");
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
            [record({ startDate: "2027-01-01T00:00:00" }), /refusing to set a start date in the future/],
        ];
        for (const [change, message] of refused)
            assert.throws(() => guardOwnAccount("admin", live, change as never, now), message, JSON.stringify(change));
    });

    it("lets through what keeps it signing in, and every change to other users", () => {
        guardOwnAccount("admin", live, record({ endDate: "2030-01-01T00:00:00", firstName: "New" }), now);
        guardOwnAccount("admin", live, record({ startDate: "2026-01-01T00:00:00" }), now);
        guardOwnAccount("admin", live, record({ roles: [{ name: "PrimaveraCloudAdmin" }, { name: "B" }] }), now);
        guardOwnAccount("admin", { ...live, loginId: "OTHER" }, "delete", now);
    });
});
