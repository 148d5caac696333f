// Messages of the job runner go to the resources whose operations the job carries: two User
// resources queued from their own engine requests, one job, a tenant busy with someone else's job
// (a fake engine sink; the simulator on 127.0.0.1).
import assert from "node:assert/strict";
import { resetTenants } from "pulumi-primavera-admin/provider/testing";
import { EngineSink, setEngineSink } from "pulumi-primavera-admin/provider/engine/engineLog";
import { withUrns } from "pulumi-primavera-admin/provider/engine/requestUrn";
import { UserProvider } from "../support/untyped";
import { ADMIN, Sim, withSimulator } from "../support/sim";

const user = (loginId: string) => ({
    loginId,
    firstName: "Log",
    lastName: "Line",
    emailAddress: `${loginId.toLowerCase()}@example.com`,
    userType: "EMP",
    organization: { name: "sfo", type: "Company" },
    roles: ["PrimaveraCloudAdmin"],
});

describe("job messages on the resources of the job", () => {
    let sim: Sim;
    let quiet: string | undefined;
    before(async () => {
        sim = await withSimulator({ jobMs: 20, jobMsPerUser: 0 });
        quiet = process.env.PRIMAVERA_QUIET;
        delete process.env.PRIMAVERA_QUIET;
    });
    after(async () => {
        setEngineSink(undefined);
        if (quiet !== undefined) process.env.PRIMAVERA_QUIET = quiet;
        await sim.stop();
    });

    it("a busy tenant is said on each resource whose operation waits in the job, and on no other", async () => {
        resetTenants();
        const sent: { message: string; urn: string; ephemeral: boolean }[] = [];
        const sink: EngineSink = {
            log(_severity, message, urn, ephemeral, done) {
                sent.push({ message, urn, ephemeral });
                done(true);
            },
        };
        setEngineSink(sink);
        const p = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 30 });
        const inputs = await Promise.all(["LOGA", "LOGB"].map(async (l) => (await p.check({}, user(l))).inputs));
        await sim.faults({ foreignJobMs: 1500 });
        await Promise.all([
            withUrns(["urn:a"], () => p.create(inputs[0])),
            withUrns(["urn:b"], () => p.create(inputs[1])),
            withUrns(["urn:idle"], async () => undefined),
        ]);
        const busy = sent.filter((s) => /tenant busy with another job/.test(s.message));
        assert.ok(busy.length >= 2, JSON.stringify(sent));
        assert.deepEqual([...new Set(busy.map((s) => s.urn))].sort(), ["urn:a", "urn:b"]);
        assert.ok(busy.every((s) => s.ephemeral));
        assert.ok(!sent.some((s) => s.urn === "urn:idle" || s.urn === ""), JSON.stringify(sent));
    });
});
