// The run's deletion budget (primavera:maxDeletions) (no network).
import assert from "node:assert/strict";
import { DeletionBudget } from "pulumi-primavera-admin/provider/safety/deletionBudget";

describe("safety/deletionBudget", () => {
    it("takes units up to the limit; beyond it refuses (taking nothing), naming the setting and how to raise it for one run", () => {
        const budget = new DeletionBudget(3);
        budget.take(2, "delete two");
        assert.throws(
            () => budget.take(2, "delete user 'X' and one more"),
            (e: Error) => {
                assert.match(e.message, /refusing to delete user 'X' and one more: that is 2 user deletion\(s\) on top of 2 already/);
                assert.match(e.message, /limit of 3 set by primavera:maxDeletions/);
                assert.match(e.message, /PRIMAVERA_MAX_DELETIONS=4 pulumi up/);
                return true;
            },
        );
        budget.take(1, "delete one");
        budget.giveBack(1);
        budget.check(1, "a last one");
        assert.throws(() => new DeletionBudget(0).check(1, "any"), /limit of 0/);
    });
});
