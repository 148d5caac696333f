// Backoff delays and Retry-After parsing: pure functions.
import assert from "node:assert/strict";
import { backoffDelay, parseRetryAfterMs } from "pulumi-primavera-admin/provider/api/backoff";

describe("backoff", () => {
    it("grows by the factor up to the cap, with equal jitter (never below half)", () => {
        const policy = { initialMs: 100, maxMs: 1000, factor: 2 };
        assert.equal(
            backoffDelay(0, policy, () => 0),
            50,
        );
        assert.equal(
            backoffDelay(0, policy, () => 1),
            100,
        );
        assert.equal(
            backoffDelay(3, policy, () => 1),
            800,
        );
        assert.equal(
            backoffDelay(10, policy, () => 1),
            1000,
            "capped",
        );
        assert.equal(
            backoffDelay(10, policy, () => 0),
            500,
        );
    });

    it("reads Retry-After as seconds or as an HTTP date", () => {
        assert.equal(parseRetryAfterMs("2"), 2000);
        assert.equal(parseRetryAfterMs(new Date(61_000).toUTCString(), 1_000), 60_000);
        assert.equal(parseRetryAfterMs("soon"), undefined);
        assert.equal(parseRetryAfterMs(undefined), undefined);
    });
});
