// UserSet under the real Pulumi engine (Automation API, file backend, simulator on 127.0.0.1):
// create, a one-user change (marked by login in `preview --diff`), removal, drift and refresh,
// partial failure then the retry of only the failed members, destroy; in a set of 200, a one-member
// change and a refresh after drift that name only that member. Job counts come from the simulator.
import assert from "node:assert/strict";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { UserSet, UserSetMemberArgs } from "pulumi-primavera-admin";
import type { Stack } from "@pulumi/pulumi/automation";
import { engineStack, tempHome } from "../../scripts/engine";
import { ADMIN, Sim, withSimulator } from "../support/sim";

const member = (i: number, extra: Partial<UserSetMemberArgs> = {}): UserSetMemberArgs => ({
    loginId: `BULK${String(i).padStart(3, "0")}`,
    firstName: "Bulk",
    lastName: `Member${i}`,
    emailAddress: `bulk${i}@example.com`,
    organization: { name: i % 2 ? "sfo" : "nyc" },
    roles: i % 4 === 0 ? undefined : ["PrimaveraP6Test"],
    ...extra,
});

describe("UserSet under the real Pulumi engine", function () {
    let sim: Sim;
    let stack: Stack;
    let users: UserSetMemberArgs[] = Array.from({ length: 40 }, (_, i) => member(i));

    const jobs = async () => (await sim.stats()).jobsSubmitted as number;
    const ours = async () => (await sim.users()).filter((u) => u.loginId.startsWith("BULK"));

    before(async () => {
        sim = await withSimulator({ jobMs: 20, jobMsPerUser: 0 });
        ({ stack } = await engineStack({
            home: tempHome("primavera-userset"),
            stackName: "userset",
            program: async () => {
                const set = new UserSet("bulk", { users });
                return { userIds: set.userIds };
            },
            config: {
                "primavera:baseUrl": { value: sim.url },
                "primavera:username": { value: ADMIN.username },
                "primavera:password": { value: ADMIN.password, secret: true },
            },
        }));
    });
    after(async () => {
        await sim?.stop();
    });

    it("creates 40 users in one job; the outputs hold every server id by login", async () => {
        const up = await stack.up();
        assert.deepEqual(up.summary.resourceChanges, { create: 2 });
        assert.equal(await jobs(), 1);
        const live = await ours();
        assert.equal(live.length, 40);
        const ids = up.outputs.userIds.value as Record<string, string>;
        for (const u of live) assert.equal(ids[u.loginId], u.id);
        const state = await stack.exportStack();
        const set = (state.deployment.resources as any[]).find((r) => r.type.endsWith(":UserSet"));
        assert.ok(set.inputs.__provider.length <= 300, `__provider ${set.inputs.__provider.length} bytes`);
    });

    it("a one-user change: preview --diff marks the user by login; up sends one job with that user", async () => {
        users = users.map((u, i) => (i === 3 ? { ...u, lastName: "Changed" } : u));
        const out: string[] = [];
        const pv = await stack.preview({ diff: true, onOutput: (s) => out.push(s) });
        assert.equal(pv.changeSummary.update, 1);
        const text = out.join("");
        assert.match(text, /~ BULK003\s*: \{/, text);
        assert.match(text, /~ lastName\s*: "Member3" => "Changed"/);
        assert.doesNotMatch(text, /~ BULK004/, "unchanged members are not marked");
        const before = await jobs();
        await stack.up();
        assert.equal((await jobs()) - before, 1);
        assert.equal((await sim.user("BULK003")).lastName, "Changed");
        assert.equal((await stack.preview()).changeSummary.update ?? 0, 0);
    });

    it("removing 5 users deletes them in one job; the others are untouched", async () => {
        const before = await jobs();
        const untouched = await sim.user("BULK020");
        users = users.filter((_, i) => i < 35);
        await stack.up();
        assert.equal((await jobs()) - before, 1);
        assert.equal((await ours()).length, 35);
        assert.deepEqual(await sim.user("BULK020"), untouched);
    });

    it("drift: refresh shows it by login, up restores the managed fields and keeps unmanaged roles", async () => {
        await sim.drift("BULK005", { lastName: "Drifted" });
        await sim.drift("BULK008", { roles: ["PrimaveraCloudAdmin"] }); // roles unmanaged for BULK008 (8 % 4 === 0)
        await sim.remove("BULK010");
        const out: string[] = [];
        const refresh = await stack.refresh({ onOutput: (s) => out.push(s) });
        assert.equal(refresh.summary.resourceChanges?.update, 1);
        const pvOut: string[] = [];
        await stack.preview({ diff: true, onOutput: (s) => pvOut.push(s) });
        const text = pvOut.join("");
        assert.match(text, /~ BULK005\s*: \{/, text);
        assert.match(text, /\+ BULK010\s*: \{/, "the member deleted behind our back is added back");
        assert.doesNotMatch(text, /BULK008/, "an unmanaged role change is not a difference");
        await stack.up();
        assert.equal((await sim.user("BULK005")).lastName, "Member5");
        assert.ok(await sim.user("BULK010"), "re-added");
        assert.deepEqual(
            (await sim.user("BULK008")).roles.map((r: any) => r.name),
            ["PrimaveraCloudAdmin"],
        );
    });

    it("partial failure: the members that landed are recorded; the next up retries only the failed ones", async () => {
        users = [...users, member(100), member(101), member(102)];
        await sim.faults({ failUsers: ["BULK101"] });
        await assert.rejects(stack.up(), /1 of 3 member change\(s\) failed[\s\S]*BULK101/);
        await sim.clearFaults();
        const state = await stack.exportStack();
        const set = (state.deployment.resources as any[]).find((r) => r.type.endsWith(":UserSet"));
        assert.ok(set.outputs.userIds.BULK100 && set.outputs.userIds.BULK102, "the two that landed are in the state");
        assert.equal(set.outputs.userIds.BULK101, undefined);
        const out: string[] = [];
        await stack.preview({ diff: true, onOutput: (s) => out.push(s) });
        // The display compares the inputs of the last successful update (the engine keeps them after
        // a partial failure), so it lists all three; the provider's own plan retries only BULK101.
        assert.match(out.join(""), /\+ BULK101\s*: \{/);
        const landed = await sim.user("BULK100");
        const before = await jobs();
        await stack.up();
        assert.equal((await jobs()) - before, 1);
        assert.ok(await sim.user("BULK101"));
        assert.deepEqual(await sim.user("BULK100"), landed, "a member that had landed is not sent again");
    });

    it("destroy is refused over primavera:maxDeletions (nothing deleted); raised, it deletes every member in one job", async () => {
        const members = (await ours()).length;
        await assert.rejects(stack.destroy(), /refusing to delete the \d+ member\(s\) of this UserSet.*primavera:maxDeletions/s);
        assert.equal((await ours()).length, members, "nothing deleted");
        // A destroy runs with the configuration of the last deployment: the environment raises the limit for one run.
        (stack.workspace as LocalWorkspace).envVars.PRIMAVERA_MAX_DELETIONS = "1000";
        const before = await jobs();
        await stack.destroy();
        assert.equal((await jobs()) - before, 1);
        assert.deepEqual(await ours(), []);
        assert.equal((await sim.stats()).overlappingJobs, 0);
    });
});

describe("UserSet of 200 under the real Pulumi engine: the diff names only the members that change", function () {
    let sim: Sim;
    let stack: Stack;
    const SIZE = 200;
    const big = (i: number, extra: Partial<UserSetMemberArgs> = {}) => member(i, { loginId: `BIG${String(i).padStart(3, "0")}`, ...extra });
    let users: UserSetMemberArgs[] = Array.from({ length: SIZE }, (_, i) => big(i));
    const logins = () => users.map((u) => u.loginId as string);
    /** Logins of the set that `text` mentions. */
    const mentioned = (text: string) => logins().filter((l) => new RegExp(`\\b${l}\\b`).test(text));

    before(async () => {
        sim = await withSimulator({ jobMs: 20, jobMsPerUser: 0 });
        ({ stack } = await engineStack({
            home: tempHome("primavera-userset-big"),
            stackName: "usersetbig",
            program: async () => {
                const set = new UserSet("big", { users });
                return { count: set.userIds.apply((ids) => Object.keys(ids).length) };
            },
            config: {
                "primavera:baseUrl": { value: sim.url },
                "primavera:username": { value: ADMIN.username },
                "primavera:password": { value: ADMIN.password, secret: true },
            },
        }));
        await stack.up();
    });
    after(async () => {
        await sim?.stop();
    });

    it("a one-member change: preview --diff mentions that member's login and no other; up sends one job", async () => {
        users = users.map((u, i) => (i === 57 ? { ...u, lastName: "Changed" } : u));
        const out: string[] = [];
        const pv = await stack.preview({ diff: true, onOutput: (s) => out.push(s) });
        const text = out.join("");
        assert.equal(pv.changeSummary.update, 1, text);
        assert.deepEqual(mentioned(text), ["BIG057"], text);
        assert.match(text, /~ lastName\s*: "Member57" => "Changed"/, text);
        const before = (await sim.stats()).jobsSubmitted as number;
        await stack.up();
        assert.equal(((await sim.stats()).jobsSubmitted as number) - before, 1);
        assert.equal((await stack.preview()).changeSummary.update ?? 0, 0, "then nothing to change");
    });

    it("a role reorder in the program is no change", async () => {
        users = users.map((u, i) => (i === 5 ? { ...u, roles: ["PrimaveraCloudAdmin", "PrimaveraP6Test"] } : u));
        await stack.up();
        users = users.map((u, i) => (i === 5 ? { ...u, roles: ["PrimaveraP6Test", "PrimaveraCloudAdmin"] } : u));
        const pv = await stack.preview();
        assert.equal(pv.changeSummary.update ?? 0, 0);
    });

    it("refresh after drift records only the drifted member as changed; the next preview --diff names only it", async () => {
        await sim.drift("BIG100", { lastName: "Drifted" });
        const diffs: string[] = [];
        await stack.refresh({
            onEvent: (e) => {
                // The refresh's diff is known once its step has read the tenant: the outputs event carries it.
                const md = e.resOutputsEvent?.metadata;
                if (md?.type.endsWith(":UserSet")) diffs.push(...Object.keys(md.detailedDiff ?? {}), ...(md.diffs ?? []));
            },
        });
        assert.ok(diffs.length > 0, "the refresh reports a difference");
        assert.deepEqual(mentioned(diffs.join("\n")), ["BIG100"], diffs.join("\n"));
        const out: string[] = [];
        await stack.preview({ diff: true, onOutput: (s) => out.push(s) });
        const text = out.join("");
        assert.deepEqual(mentioned(text), ["BIG100"], text);
        assert.match(text, /~ lastName\s*: "Drifted" => "Member100"/, text);
        await stack.up();
        assert.equal((await sim.user("BIG100")).lastName, "Member100");
    });
});
