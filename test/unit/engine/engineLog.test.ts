// Messages to the engine: the URNs they go to, redaction, and the stderr line when there is no
// engine or a send fails (a fake sink, no sockets).
import assert from "node:assert/strict";
import { EngineSink, engineAddress, fanout, MAX_FANOUT, setEngineSink, Severity } from "pulumi-primavera-admin/provider/engine/engineLog";
import { withUrns } from "pulumi-primavera-admin/provider/engine/requestUrn";
import { progress, warning } from "pulumi-primavera-admin/provider/api/progress";
import { rememberSecret } from "pulumi-primavera-admin/provider/safety/redaction";

const URN = "urn:pulumi:dev::proj::primavera:index:User::alice";

type Sent = { severity: Severity; message: string; urn: string; ephemeral: boolean };

function fakeSink(ok = true): EngineSink & { sent: Sent[] } {
    const sent: Sent[] = [];
    return {
        sent,
        log(severity, message, urn, ephemeral, done) {
            sent.push({ severity, message, urn, ephemeral });
            setImmediate(() => done(ok));
        },
    };
}

/** What `run` wrote to stderr. */
async function stderrOf(run: () => unknown): Promise<string[]> {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
        await run();
        await new Promise((r) => setImmediate(r));
        await new Promise((r) => setImmediate(r));
    } finally {
        process.stderr.write = write;
    }
    return lines;
}

describe("engine/engineLog", () => {
    let quiet: string | undefined;
    beforeEach(() => {
        quiet = process.env.PRIMAVERA_QUIET;
        delete process.env.PRIMAVERA_QUIET;
    });
    afterEach(() => {
        setEngineSink(undefined);
        if (quiet !== undefined) process.env.PRIMAVERA_QUIET = quiet;
    });

    it("progress goes to the request's resource as its status (info, ephemeral); a warning is a warning; nothing on stderr", async () => {
        const sink = fakeSink();
        setEngineSink(sink);
        const lines = await stderrOf(() =>
            withUrns([URN], () => {
                progress("job 7 (3 users) still running after 10.0s");
                warning("ALICE: emailAddress changed outside Pulumi by UIADMIN");
            }),
        );
        assert.deepEqual(sink.sent, [
            { severity: "info", message: "job 7 (3 users) still running after 10.0s", urn: URN, ephemeral: true },
            { severity: "warning", message: "ALICE: emailAddress changed outside Pulumi by UIADMIN", urn: URN, ephemeral: false },
        ]);
        assert.deepEqual(lines, []);
    });

    it("explicit URNs win; no URN known is the stack's (an empty URN)", async () => {
        const sink = fakeSink();
        setEngineSink(sink);
        withUrns([URN], () => progress("to another", ["urn:other"]));
        progress("nobody's");
        assert.deepEqual(
            sink.sent.map((s) => s.urn),
            ["urn:other", ""],
        );
    });

    it("a job's message goes to each distinct resource, or to the first alone (saying how many) past MAX_FANOUT", () => {
        assert.deepEqual(fanout(["a", "b", "a", ""]), ["a", "b"]);
        assert.deepEqual(fanout([]), [""]);
        const many = Array.from({ length: MAX_FANOUT + 1 }, (_, i) => `urn:${i}`);
        assert.deepEqual(fanout(many), ["urn:0"]);
        const sink = fakeSink();
        setEngineSink(sink);
        progress("tenant busy with another job", many);
        assert.deepEqual(sink.sent, [
            { severity: "info", message: `tenant busy with another job (for ${MAX_FANOUT + 1} resources)`, urn: "urn:0", ephemeral: true },
        ]);
    });

    it("every message is redacted before it is sent", () => {
        rememberSecret("sim-Pw-4827");
        const sink = fakeSink();
        setEngineSink(sink);
        warning("the tenant answered: bad password sim-Pw-4827", [URN]);
        assert.equal(sink.sent.length, 1);
        assert.ok(!sink.sent[0].message.includes("sim-Pw-4827"), sink.sent[0].message);
        assert.match(sink.sent[0].message, /\[secret\]/);
    });

    it("without an engine: today's stderr lines, redacted", async () => {
        setEngineSink(undefined);
        rememberSecret("sim-Pw-4827");
        const lines = await stderrOf(() =>
            withUrns([URN], () => {
                progress("still busy");
                warning("X: sim-Pw-4827");
            }),
        );
        assert.deepEqual(lines, ["primavera: still busy\n", "primavera: warning: X: [secret]\n"]);
    });

    it("a failed send falls back to stderr once per message, and later messages go to stderr directly", async () => {
        const sink = fakeSink(false);
        setEngineSink(sink);
        const lines = await stderrOf(() => warning("first", ["urn:1", "urn:2"]));
        assert.equal(sink.sent.length, 2);
        assert.deepEqual(lines, ["primavera: warning: first\n"]);
        const later = await stderrOf(() => progress("second", [URN]));
        assert.equal(sink.sent.length, 2, "no more sends after a failure");
        assert.deepEqual(later, ["primavera: second\n"]);
    });

    it("a sink that throws does not throw to the caller", async () => {
        setEngineSink({
            log() {
                throw new Error("boom");
            },
        });
        const lines = await stderrOf(() => warning("still said", [URN]));
        assert.deepEqual(lines, ["primavera: warning: still said\n"]);
    });

    it("PRIMAVERA_QUIET=1 silences progress, not warnings", async () => {
        const sink = fakeSink();
        setEngineSink(sink);
        process.env.PRIMAVERA_QUIET = "1";
        progress("quiet", [URN]);
        warning("loud", [URN]);
        assert.deepEqual(
            sink.sent.map((s) => s.message),
            ["loud"],
        );
    });

    it("the engine's address is the host's last argument", () => {
        assert.equal(engineAddress(["127.0.0.1:40123"]), "127.0.0.1:40123");
        assert.equal(engineAddress(["--logtostderr", "-v=9", "127.0.0.1:40123"]), "127.0.0.1:40123");
        assert.equal(engineAddress(["--tracing", "http://x:1/y", "localhost:5"]), "localhost:5");
        assert.equal(engineAddress(["[::1]:8080"]), "[::1]:8080");
        assert.equal(engineAddress([]), undefined);
        assert.equal(engineAddress(["--spec", "test/**/*.test.ts"]), undefined);
    });
});
