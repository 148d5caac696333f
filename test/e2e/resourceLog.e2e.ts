// Progress and warnings on the resource they concern, through the real Pulumi engine (Automation
// API, file backend, simulator on 127.0.0.1): the engine's diagnostic events carry the resource's
// URN, progress as its status line (ephemeral), a drift warning as a warning; no event holds the
// configured password.
import assert from "node:assert/strict";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { User, UserSet } from "pulumi-primavera-admin";
import { engineStack, tempHome } from "../../scripts/engine";
import { ADMIN, Sim, withSimulator } from "../support/sim";

type Diagnostic = NonNullable<EngineEvent["diagnosticEvent"]>;

const member = (loginId: string) => ({
    loginId,
    firstName: "Res",
    lastName: "Log",
    emailAddress: `${loginId.toLowerCase()}@example.com`,
    organization: { name: "sfo" },
});

describe("progress and warnings on their resource under the real Pulumi engine", function () {
    let sim: Sim;
    let stack: Stack;
    const events: EngineEvent[] = [];
    const onEvent = (e: EngineEvent) => events.push(e);
    const diagnostics = () => events.flatMap((e) => (e.diagnosticEvent ? [e.diagnosticEvent] : []));
    const urnOf = (type: string, name: string) => {
        const urn = events.find((e) => e.resourcePreEvent?.metadata.urn.endsWith(`:${type}::${name}`))?.resourcePreEvent?.metadata.urn;
        assert.ok(urn, `a step for ${type}::${name}`);
        return urn;
    };
    const show = (ds: Diagnostic[]) =>
        JSON.stringify(
            ds.filter((d) => (d.severity as string) !== "debug"),
            null,
            1,
        );

    before(async () => {
        sim = await withSimulator({ jobMs: 20, jobMsPerUser: 0 });
        ({ stack } = await engineStack({
            home: tempHome("primavera-resource-log"),
            stackName: "resourcelog",
            program: async () => {
                const staff = new UserSet("staff", { users: [member("RLOGS1"), member("RLOGS2")] });
                // After the set, so the state (and a refresh one read at a time) has the set first.
                new User("alice", member("RLOGA"), { dependsOn: [staff] });
            },
            config: {
                "primavera:baseUrl": { value: sim.url },
                "primavera:username": { value: ADMIN.username },
                "primavera:password": { value: ADMIN.password, secret: true },
                "primavera:timeoutSeconds": { value: "60" },
            },
            // Progress is what this suite looks at: CI quiets it everywhere else.
            env: { PRIMAVERA_QUIET: "" },
        }));
    });
    after(async () => {
        await sim?.stop();
    });
    afterEach(function () {
        if (this.currentTest?.state === "failed") console.log(show(diagnostics()));
    });

    it("up against a busy tenant: the UserSet's plan and its job's wait are diagnostic events on its URN, as its status line", async () => {
        await sim.faults({ foreignJobMs: 12_000 }); // still running when the engine gets to the creates
        await stack.up({ onEvent });
        const urn = urnOf("UserSet", "staff");
        const mine = diagnostics().filter((d) => d.urn === urn);
        assert.ok(
            mine.some((d) => /^UserSet: 2 to create, 0 to update, 0 to delete/.test(d.message)),
            show(diagnostics()),
        );
        assert.ok(
            mine.some((d) => /tenant busy with another job/.test(d.message)),
            show(diagnostics()),
        );
        assert.ok(
            mine.every((d) => d.ephemeral === true && d.severity === "info"),
            show(mine),
        );
        assert.ok(!diagnostics().some((d) => /^primavera: /m.test(d.message)), "no stderr line: " + show(diagnostics()));
    });

    it("refresh after a change in the UI: the User's drift warning carries the User's URN, severity warning", async () => {
        events.length = 0;
        await sim.drift("RLOGA", { lastName: "Changed" });
        // One read at a time, in state order (the set, then the User): the User is not the process's first request (which cannot
        // carry a URN: the host reads it before our code is loaded; see docs/progress.md).
        await stack.refresh({ onEvent, parallel: 1 });
        const urn = urnOf("User", "alice");
        const drift = diagnostics().filter((d) => /RLOGA: lastName changed outside Pulumi by UIADMIN at /.test(d.message));
        assert.equal(drift.length, 1, show(diagnostics()));
        assert.equal(drift[0].urn, urn, show(drift));
        assert.equal(drift[0].severity, "warning");
        assert.ok(!drift[0].ephemeral);
    });

    it("no event holds the configured password", async () => {
        events.length = 0;
        await stack.destroy({ onEvent });
        for (const e of events) assert.ok(!JSON.stringify(e).includes(ADMIN.password), JSON.stringify(e));
    });
});
