// A refresh that finds a managed user changed, removed or created again outside Pulumi says so,
// one warning per user, naming the administrator from the tenant's audit events.
import assert from "node:assert/strict";
import { resetTenants } from "pulumi-primavera-admin/provider/testing";
import { UserProvider, UserSetProvider } from "../support/untyped";
import { declaredUser } from "../support/fixtures";
import { ADMIN, useSimulator } from "../support/sim";
import { AuditLog } from "pulumi-primavera-admin/provider/tenant/audits";
import { keyByLogin } from "pulumi-primavera-admin/provider/resource/userSet";

const PROVIDER_TEXT = "exports.handler = () => ({})";

/** What `run` wrote to stderr, as lines. */
async function stderrOf(run: () => Promise<unknown>): Promise<string[]> {
    const write = process.stderr.write.bind(process.stderr);
    const lines: string[] = [];
    process.stderr.write = ((chunk: string | Uint8Array) => {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        return true;
    }) as typeof process.stderr.write;
    try {
        await run();
    } finally {
        process.stderr.write = write;
    }
    return lines;
}

describe("drift authors on refresh", function () {
    const sim = useSimulator({ jobMs: 20 });

    async function created(loginId: string) {
        resetTenants();
        const p = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 30 });
        const c = await p.check({}, declaredUser(loginId));
        const made = await p.create({ ...c.inputs, __provider: PROVIDER_TEXT });
        resetTenants();
        return { p, ...made };
    }

    it("a field changed by another administrator names the field and the administrator", async () => {
        const u = await created("DRIFTA1");
        await sim.drift("DRIFTA1", { emailAddress: "elsewhere@example.com" });
        const lines = await stderrOf(() => u.p.read(u.id, u.outs));
        const mine = lines.filter((l) => l.includes("DRIFTA1"));
        assert.equal(mine.length, 1, lines.join("\n"));
        assert.match(mine[0], /DRIFTA1: emailAddress changed outside Pulumi by UIADMIN at \d{4}-\d\d-\d\dT/);
    });

    it("a removed user and a user created again are said with their author; an unchanged user says nothing", async () => {
        const gone = await created("DRIFTA2");
        const again = await created("DRIFTA3");
        const same = await created("DRIFTA4");
        await sim.remove("DRIFTA2");
        await sim.remove("DRIFTA3");
        await sim.drift("DRIFTA3", declaredUser("DRIFTA3"));
        const lines = await stderrOf(async () => {
            assert.equal((await gone.p.read(gone.id, gone.outs)).id, "");
            assert.equal((await again.p.read(again.id, again.outs)).id, "");
            await same.p.read(same.id, same.outs);
        });
        assert.ok(
            lines.some((l) => /DRIFTA2: removed outside Pulumi by UIADMIN/.test(l)),
            lines.join("\n"),
        );
        assert.ok(
            lines.some((l) => /DRIFTA3: deleted and created again outside Pulumi \(now id \S+\) by UIADMIN/.test(l)),
            lines.join("\n"),
        );
        assert.ok(!lines.some((l) => l.includes("DRIFTA4")), lines.join("\n"));
    });

    it("a UserSet's refresh names each changed member once", async () => {
        resetTenants();
        const p = new UserSetProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 30 });
        const users = [declaredUser("DRIFTS1"), declaredUser("DRIFTS2")];
        const c = await p.check({}, { users: keyByLogin(users), __provider: PROVIDER_TEXT });
        const made = await p.create({ ...c.inputs, __provider: PROVIDER_TEXT });
        resetTenants();
        await sim.drift("DRIFTS2", { lastName: "Moved" });
        const lines = await stderrOf(() => p.read(made.id, made.outs));
        assert.deepEqual(
            lines.filter((l) => l.includes("DRIFTS")),
            lines.filter((l) => /DRIFTS2: lastName changed outside Pulumi by UIADMIN/.test(l)),
        );
        assert.equal(lines.filter((l) => l.includes("DRIFTS2")).length, 1);
    });

    it("a tenant that does not answer its audit events: the change is still said, without an author, and the gap once", async () => {
        const a = await created("DRIFTA5");
        const b = await created("DRIFTA6");
        await sim.faults({ audits: "missing" });
        await sim.drift("DRIFTA5", { firstName: "X" });
        await sim.drift("DRIFTA6", { firstName: "Y" });
        const lines = await stderrOf(async () => {
            await a.p.read(a.id, a.outs);
            await a.p.read(b.id, b.outs);
        });
        assert.ok(
            lines.some((l) => /DRIFTA5: firstName changed outside Pulumi$/.test(l)),
            lines.join("\n"),
        );
        assert.ok(
            lines.some((l) => /DRIFTA6: firstName changed outside Pulumi$/.test(l)),
            lines.join("\n"),
        );
        assert.equal(lines.filter((l) => l.includes("does not answer its audit events")).length, 1, lines.join("\n"));
    });

    it("a hostile account name from the audit events is quoted on one line, cut, never a second warning", async () => {
        const u = await created("DRIFTA7");
        const between = AuditLog.prototype.between;
        AuditLog.prototype.between = async () => ({
            events: [
                {
                    key: "x",
                    at: Date.now() - 1_000,
                    precisionMs: 1_000,
                    description: "",
                    loginId: "DRIFTA7",
                    grantor: "EVIL\nOTHER: removed outside Pulumi by ROOT\u001b[2J" + "A".repeat(10_000),
                },
            ],
        });
        try {
            await sim.drift("DRIFTA7", { lastName: "X" });
            const lines = await stderrOf(() => u.p.read(u.id, u.outs));
            assert.ok(!lines.some((l) => l.startsWith("OTHER") || l.includes("\u001b")), lines.join("\n"));
            const mine = lines.filter((l) => l.includes("DRIFTA7"));
            assert.equal(mine.length, 1);
            assert.ok(mine[0].length < 400, `${mine[0].length} characters`);
        } finally {
            AuditLog.prototype.between = between;
        }
    });
});
