// Enabling and disabling without waiting for a job (PUT /user/change-status), against the simulator:
// a user disabled while the tenant's one job slot is held is disabled at once; a change that also
// touches other fields disables first; a tenant without the call gets a job instead.
import assert from "node:assert/strict";
import { resetTenants } from "pulumi-primavera-admin/provider/testing";
import { UserProvider, UserSetProvider } from "../support/untyped";
import { declaredUser } from "../support/fixtures";
import { ADMIN, eventually, useSimulator } from "../support/sim";
import { keyByLogin } from "pulumi-primavera-admin/provider/resource/userSet";

const PROVIDER_TEXT = "exports.handler = () => ({})";
const base = (loginId: string, extra: Record<string, unknown> = {}) =>
    declaredUser(loginId, { firstName: "Off", lastName: "Board", ...extra });

describe("offboarding without waiting for a job", function () {
    const sim = useSimulator({ jobMs: 50 });

    async function user(loginId: string, extra: Record<string, unknown> = {}) {
        resetTenants();
        const p = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 30 });
        const c = await p.check({}, base(loginId, { disabled: false, ...extra }));
        const made = await p.create({ ...c.inputs, __provider: PROVIDER_TEXT });
        resetTenants();
        return {
            p,
            ...made,
            update: async (decl: Record<string, unknown>) =>
                p.update(made.id, made.outs, { ...(await p.check({}, decl)).inputs, __provider: PROVIDER_TEXT }),
        };
    }

    it("a user disabled while another job holds the tenant is disabled at once, without a job of its own", async () => {
        const u = await user("OFFB1");
        await sim.faults({ foreignJobMs: 4_000 });
        const jobsBefore = (await sim.stats()).jobsSubmitted;
        const t0 = Date.now();
        const { outs } = await u.update(base("OFFB1", { disabled: true }));
        assert.ok(Date.now() - t0 < 1_500, `took ${Date.now() - t0} ms while a 4 s job held the tenant`);
        assert.equal((await sim.user("OFFB1")).disabled, true);
        assert.equal(outs!.disabled, true, "recorded");
        assert.equal((await sim.stats()).jobsSubmitted, jobsBefore, "no job was needed");
    });

    it("a change of other fields too: the disable goes first, the rest waits for the job slot", async () => {
        const u = await user("OFFB2");
        await sim.faults({ foreignJobMs: 2_000 });
        const pending = u.update(base("OFFB2", { disabled: true, lastName: "Gone" }));
        await eventually(async () => (await sim.user("OFFB2")).disabled === true, "the disable, while the job still waits", 1_500);
        assert.equal((await sim.user("OFFB2")).lastName, "Board", "the job has not run yet");
        await pending;
        const live = await sim.user("OFFB2");
        assert.equal(live.lastName, "Gone");
        assert.equal(live.disabled, true);
    });

    it("a tenant without change-status: the status goes in the job, and the run says so", async () => {
        const u = await user("OFFB3");
        await sim.faults({ changeStatus: "missing" });
        const jobsBefore = (await sim.stats()).jobsSubmitted;
        await u.update(base("OFFB3", { disabled: true }));
        assert.equal((await sim.user("OFFB3")).disabled, true);
        assert.equal((await sim.stats()).jobsSubmitted, jobsBefore + 1, "one job carried it");
    });

    it("re-enabling goes the same way; the sign-in account is never disabled", async () => {
        const u = await user("OFFB4", { disabled: true });
        await u.update(base("OFFB4", { disabled: false }));
        assert.equal((await sim.user("OFFB4")).disabled, false);
        await sim.drift("admin", { firstName: "Ad", lastName: "Min", emailAddress: "admin@example.com", organization: "sfo" });
        const own = await user("admin", { adopt: true });
        await assert.rejects(own.update(base("admin", { adopt: true, disabled: true })), /refusing to disable user 'admin'/);
        assert.equal((await sim.user("admin")).disabled, false);
    });

    it("a UserSet's members disabled by an update are disabled at once; deprovision disables at once too", async () => {
        resetTenants();
        const s = new UserSetProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 30 });
        const list = (disabled: boolean) => ({ users: keyByLogin([base("OFFS1", { disabled }), base("OFFS2", { disabled })]) });
        const made = await s.create((await s.check({}, list(false))).inputs);
        resetTenants();
        await sim.faults({ foreignJobMs: 4_000 });
        const t0 = Date.now();
        await s.update(made.id, made.outs, (await s.check({}, list(true))).inputs);
        assert.ok(Date.now() - t0 < 1_500, `took ${Date.now() - t0} ms`);
        assert.equal((await sim.user("OFFS1")).disabled, true);
        assert.equal((await sim.user("OFFS2")).disabled, true);
    });
});
