// The redaction boundary (no network).
import assert from "node:assert/strict";
import { redact, redactError, rememberSecret } from "pulumi-primavera-admin/provider/safety/redaction";

describe("safety/redaction", () => {
    it("masks every secret in play, in every form a server might echo it", () => {
        const pw = "Tr0ub4dor&3-unit";
        rememberSecret(pw);
        rememberSecret(`svc:${pw}`);
        const forms = [
            pw,
            Buffer.from(pw).toString("base64"),
            Buffer.from(`svc:${pw}`).toString("base64"),
            encodeURIComponent(pw),
            JSON.stringify(`a"${pw}`).slice(1, -1),
        ];
        for (const f of forms) assert.doesNotMatch(redact(`the tenant said: ${f}.`), new RegExp(pw.slice(0, 6)), f);
        assert.equal(redact(`Authorization: Basic ${Buffer.from(`svc:${pw}`).toString("base64")}`), "Authorization: Basic [secret]");
    });

    it("escapes control characters (a tenant's text must not drive a terminal), keeping newlines and tabs", () => {
        assert.equal(redact("a\u001b[2Jb\rc\u0007d\u009be\nf\tg"), "a\\u001b[2Jb\\u000dc\\u0007d\\u009be\nf\tg");
    });

    it("redacts an error's message, stack and init-error reasons, keeping its type", () => {
        rememberSecret("another-secret-9");
        const e = Object.assign(new TypeError("got another-secret-9"), { reasons: ["another-secret-9 again"] });
        const out = redactError(e);
        assert.equal(out, e);
        assert.ok(out instanceof TypeError);
        assert.equal(out.message, "got [secret]");
        assert.doesNotMatch(out.stack ?? "", /another-secret-9/);
        assert.deepEqual((out as unknown as { reasons: string[] }).reasons, ["[secret] again"]);
    });

    it("ignores values too short to mask safely", () => {
        rememberSecret("abc");
        assert.equal(redact("abcdef"), "abcdef");
    });
});
