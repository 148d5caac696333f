// What an answer may cost (no network).
import assert from "node:assert/strict";
import { z } from "zod";
import { issuesText, MAX_JSON_NODES, parseBoundedJson, validateEach } from "pulumi-primavera-admin/provider/api/bounds";

describe("api/bounds", () => {
    it("refuses to parse an answer with more JSON objects and arrays than the bound, before parsing it", () => {
        const huge = `[${"{},".repeat(MAX_JSON_NODES)}{}]`;
        const t0 = Date.now();
        const r = parseBoundedJson(huge);
        assert.ok("tooManyNodes" in r);
        assert.ok(Date.now() - t0 < 2_000, `took ${Date.now() - t0} ms`);
        assert.deepEqual(parseBoundedJson('{"a":[1,2]}'), { json: { a: [1, 2] } });
        assert.deepEqual(parseBoundedJson("not json"), { json: undefined });
    });

    it("validates a list entry by entry and stops at the first bad one; an error quotes three issues", () => {
        const schema = z.object({ loginId: z.string() });
        assert.deepEqual(validateEach(schema, [{ loginId: "A" }, { loginId: "B" }]), { ok: [{ loginId: "A" }, { loginId: "B" }] });
        const bad = validateEach(schema, [{ loginId: "A" }, {}, ...Array.from({ length: 100_000 }, () => ({}))]);
        assert.ok("bad" in bad && bad.bad === 1);
        const many = z.array(schema).safeParse(Array.from({ length: 10 }, () => ({})));
        assert.ok(!many.success);
        assert.match(issuesText(many.error), /; and 7 more$/);
    });
});
