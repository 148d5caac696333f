// The fault suite through the real Pulumi engine (Automation API, file backend), simulator on
// 127.0.0.1 with seeded faults: a 100-user up under 15% failing requests, a tenant held by a
// foreign job, a stuck job then a second up, an up killed mid-job then recovered, bad input at
// preview and at apply, and no credential, token or password in state, output or errors.
// Each test prints one "measured:" line; docs/reliability.md reports them.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import axios from "axios";
import type { Stack } from "@pulumi/pulumi/automation";
import { User } from "pulumi-primavera-admin";
import {
    engineStack,
    exportStackEncrypted,
    leftoverProcesses,
    processesUsing,
    REPO_ROOT,
    stopProcessesUsing,
    tempHome,
} from "../../scripts/engine";
import { Sim, withSimulator } from "../support/sim";
import { FaultUser, USER_PASSWORD, faultProgram, faultUsers } from "./support/faultProgram";

const ADMIN_PASSWORD = "Fault-Admin-pw-7Zq"; // the simulator's admin password in this suite
const RANDOM_FAULTS = { error5xxRate: 0.05, rate429: 0.05, dropRate: 0.05 };

describe("fault suite: the provider under the real Pulumi engine", function () {
    let sim: Sim;
    /** Everything the engine printed and every error message: scanned for secrets at the end. */
    const seen: string[] = [];
    const measured: string[] = [];
    const onOutput = (s: string) => seen.push(s);
    /** Every engine home of this suite: each process a test starts runs with its home in the environment. */
    const homes: string[] = [];
    const suiteHome = (prefix: string) => {
        const home = tempHome(prefix);
        homes.push(home);
        return home;
    };

    before(async () => {
        sim = await withSimulator({ password: ADMIN_PASSWORD, jobMs: 50, jobMsPerUser: 1 });
    });
    after(async () => {
        await sim?.stop();
        if (measured.length) console.log(measured.map((m) => `    measured: ${m}`).join("\n"));
        // No process started by this suite (CLI, plugin, the killed child) outlives it. The CLI
        // stops its plugins when it exits; give them a moment, then stop and report what is left.
        const left = await leftoverProcesses(homes);
        assert.deepEqual(
            left.map((p) => p.command),
            [],
            "processes started by this suite were still running at its end",
        );
    });

    function config(extra: Record<string, string> = {}) {
        const c: Record<string, { value: string; secret?: boolean }> = {
            "primavera:baseUrl": { value: sim.url },
            "primavera:username": { value: "admin" },
            "primavera:password": { value: ADMIN_PASSWORD, secret: true },
            "primavera:timeoutSeconds": { value: "90" },
        };
        for (const [k, v] of Object.entries(extra)) c[`primavera:${k}`] = { value: v };
        return c;
    }

    /** Every declared user is on the simulator exactly once, with the declared fields. */
    async function assertConverged(users: FaultUser[], ids?: Record<string, string>) {
        const live = await sim.users();
        for (const u of users) {
            const found = live.filter((l) => l.loginId === u.loginId);
            assert.equal(found.length, 1, `${u.loginId} exactly once`);
            const l = found[0];
            assert.equal(l.firstName, u.firstName, `${u.loginId} firstName`);
            assert.equal(l.lastName, u.lastName, `${u.loginId} lastName`);
            assert.equal(l.emailAddress, u.emailAddress, `${u.loginId} emailAddress`);
            assert.equal(l.organization.name, u.org, `${u.loginId} organization`);
            assert.deepEqual(l.roles.map((r: any) => r.name).sort(), [...u.roles].sort(), `${u.loginId} roles`);
            if (ids) assert.equal(ids[u.loginId], l.id, `${u.loginId}: the stack output is the server's id`);
        }
    }

    async function failure(p: Promise<unknown>): Promise<string> {
        try {
            await p;
        } catch (e) {
            const text = String((e as Error).message ?? e);
            seen.push(text);
            return text;
        }
        assert.fail("the operation was expected to fail");
    }

    const changes = (summary: Record<string, number> | undefined) =>
        Object.fromEntries(Object.entries(summary ?? {}).filter(([op]) => op !== "same"));

    describe("one stack through random faults, a foreign job and a stuck job", function () {
        let stack: Stack;
        let users = faultUsers("FLT", 100);

        before(async () => {
            await sim.reset();
            ({ stack } = await engineStack({
                home: suiteHome("primavera-faults"),
                stackName: "faults",
                program: faultProgram(() => users),
                config: config({ authMode: "oauth" }),
            }));
        });

        it("baseline: a 100-user up with no fault (another stack, same simulator)", async () => {
            const base = faultUsers("BAS", 100);
            const { stack: baseline } = await engineStack({
                home: suiteHome("primavera-faults-base"),
                stackName: "baseline",
                program: faultProgram(() => base),
                config: config({ authMode: "oauth" }),
            });
            const t0 = Date.now();
            const up = await baseline.up({ onOutput });
            const ms = Date.now() - t0;
            const s = await sim.stats();
            assert.deepEqual(changes(up.summary.resourceChanges), { create: 101 });
            await assertConverged(base, up.outputs.ids.value as Record<string, string>);
            measured.push(
                `baseline: up ${(ms / 1000).toFixed(1)}s, ${s.requestsTotal} requests, ${s.jobsSubmitted} jobs (largest ${s.largestJob}), overlappingJobs ${s.overlappingJobs}`,
            );
            await sim.reset();
        });

        it("a 100-user up with 15% of requests failing (5xx, 429, dropped; seed 42) converges", async () => {
            await sim.faults({ seed: 42, ...RANDOM_FAULTS });
            const t0 = Date.now();
            const up = await stack.up({ onOutput });
            const ms = Date.now() - t0;
            assert.deepEqual(changes(up.summary.resourceChanges), { create: 101 });
            const s = await sim.stats();
            await sim.clearFaults();
            await assertConverged(users, up.outputs.ids.value as Record<string, string>);
            assert.equal(s.overlappingJobs, 0);
            const f = s.faultsInjected;
            assert.ok(f.error5xx + f.rate429 + f.dropped > 0, "faults were injected");
            measured.push(
                `random 15%: up ${(ms / 1000).toFixed(1)}s, ${s.requestsTotal} requests, ${f.error5xx} 5xx + ${f.rate429} 429 + ${f.dropped} dropped, ` +
                    `${s.jobsSubmitted} jobs (largest ${s.largestJob}), overlappingJobs ${s.overlappingJobs}`,
            );
            // Nothing left to do: a preview right after shows no change.
            const pv = await stack.preview({ onOutput });
            assert.deepEqual(changes(pv.changeSummary), {});
        });

        it("a foreign job holding the tenant for 10 s (plus the random faults): the update of 100 users waits and converges", async () => {
            users = faultUsers("FLT", 100, 2);
            const r = await axios.post(`${sim.url}/__sim/faults`, { seed: 43, ...RANDOM_FAULTS, foreignJobMs: 10_000 });
            assert.ok(r.data.foreignJobId, "the foreign job started");
            const before = await sim.stats();
            const t0 = Date.now();
            const up = await stack.up({ onOutput });
            const ms = Date.now() - t0;
            const s = await sim.stats();
            await sim.clearFaults();
            assert.deepEqual(changes(up.summary.resourceChanges), { update: 100 });
            assert.ok(ms >= 9_000, `the up waited for the foreign job (${ms} ms)`);
            assert.ok(s.busyRefusals > before.busyRefusals, "our job was refused while the foreign job ran");
            assert.equal(s.overlappingJobs, 0);
            await assertConverged(users);
            measured.push(
                `foreign job 10s: up ${(ms / 1000).toFixed(1)}s, ${s.busyRefusals - before.busyRefusals} busy refusals, ` +
                    `${s.jobsSubmitted - before.jobsSubmitted} jobs, overlappingJobs ${s.overlappingJobs}`,
            );
        });

        it("a stuck job: the up fails at the deadline naming the job; the next up converges with no duplicate", async () => {
            users = [...faultUsers("FLT", 100, 2), ...faultUsers("STK", 20)];
            await stack.setConfig("primavera:timeoutSeconds", { value: "4" });
            await sim.faults({ stuckJobs: 1 });
            const t0 = Date.now();
            let text: string;
            try {
                text = await failure(stack.up({ onOutput }));
            } catch (e) {
                await sim.clearFaults();
                throw e;
            }
            const ms = Date.now() - t0;
            const stuck = /job (\d+) \((\d+) users\) did not finish: waited (\d+\.\d)s/.exec(text);
            if (!stuck) await sim.clearFaults();
            assert.ok(stuck, `the error names the job and the wait: ${text.slice(0, 2000)}`);
            assert.match(text, /last answer: HTTP 202 \(still running\)/);
            // Every create of that up that failed names why: the stuck job it was in, or the tenant
            // that job held while it waited for its own (the runner gathers the engine's creates into
            // one job, so often all of them are in the stuck one).
            const why = /did not finish: waited|tenant stayed busy with another job for \d+\.\ds.*Job \d+ is in progress/;
            const failedLines = text.split("\n").filter((l) => l.includes("**creating failed**"));
            if (failedLines.length === 0 || failedLines.some((l) => !why.test(l))) await sim.clearFaults();
            assert.ok(failedLines.length > 0, `failed creates are listed: ${text.slice(0, 2000)}`);
            for (const l of failedLines) assert.match(l, why);
            const before = await sim.stats();

            // The stuck job still holds the tenant when the next up starts; it finishes once that up
            // has been refused (busy) at least once.
            await stack.setConfig("primavera:timeoutSeconds", { value: "90" });
            let upDone = false;
            const release = (async () => {
                const end = Date.now() + 60_000;
                while (!upDone && Date.now() < end && (await sim.stats()).busyRefusals === before.busyRefusals) {
                    await new Promise((r) => setTimeout(r, 100));
                }
                await sim.clearFaults();
            })();
            // The stuck job's users appear on the tenant while this up runs; another process cannot
            // tell them from another stack's, so the recovery adopts them (as the error advises).
            users = users.map((u) => (u.loginId.startsWith("STK") ? { ...u, adopt: true } : u));
            const t1 = Date.now();
            const up = await stack.up({ onOutput }).finally(() => (upDone = true));
            await release;
            const ms2 = Date.now() - t1;
            assert.deepEqual(changes(up.summary.resourceChanges), { create: 20 });
            await assertConverged(users, up.outputs.ids.value as Record<string, string>);
            const s = await sim.stats();
            assert.equal(s.overlappingJobs, 0);
            measured.push(
                `stuck job ${stuck[1]} (${stuck[2]} user(s)): first up failed after ${(ms / 1000).toFixed(1)}s (waited ${stuck[3]}s on the job); ` +
                    `second up ${(ms2 / 1000).toFixed(1)}s, ${s.busyRefusals - before.busyRefusals} busy refusals, ` +
                    `${s.jobsSubmitted - before.jobsSubmitted} job(s), 120 users each once, overlappingJobs ${s.overlappingJobs}`,
            );
        });

        it("no admin password, user password or OAuth token in the state, the engine output or the errors", async () => {
            const exported = JSON.stringify(await exportStackEncrypted(stack));
            const tokens = (await axios.get(`${sim.url}/__sim/tokens`)).data.tokens as string[];
            assert.ok(tokens.length >= 1, "the oauth runs fetched tokens");
            const everything = [exported, ...seen].join("\n");
            assert.ok(everything.length > 10_000, "output was captured");
            for (const [what, secret] of [
                ["the admin password", ADMIN_PASSWORD],
                ["a user's password", USER_PASSWORD],
            ] as const) {
                assert.ok(!everything.includes(secret), `${what} appears in state or output`);
            }
            for (const t of tokens) assert.ok(!everything.includes(t), "an OAuth token issued by the simulator appears in state or output");
            assert.ok(!everything.includes(Buffer.from(`admin:${ADMIN_PASSWORD}`).toString("base64")), "a Basic header appears");
            measured.push(
                `secrets: ${tokens.length} issued token(s), admin and user passwords: none found in ${(everything.length / 1024).toFixed(0)} KB of state and output`,
            );
        });
    });

    describe("bad input", function () {
        it("a preview with bad input fails naming the property", async () => {
            const { stack } = await engineStack({
                home: suiteHome("primavera-faults-bad"),
                stackName: "bad",
                program: async () => {
                    new User("bad", {
                        loginId: "BAD1",
                        firstName: "Bad",
                        lastName: "Input",
                        emailAddress: "not-an-email",
                        organization: { name: "sfo" },
                    });
                },
                config: config(),
            });
            const text = await failure(stack.preview({ onOutput }));
            assert.match(text, /emailAddress/);
            assert.match(text, /emailAddress: not an email address/);
            assert.equal(await sim.user("BAD1"), undefined);
        });

        it("an unknown role fails at preview naming the property (the tenant's role catalog is read at check)", async () => {
            const { stack } = await engineStack({
                home: suiteHome("primavera-faults-role"),
                stackName: "role",
                program: async () => {
                    new User("role", {
                        loginId: "SRVROLE",
                        firstName: "Srv",
                        lastName: "Judged",
                        emailAddress: "srvrole@example.com",
                        organization: { name: "sfo" },
                        roles: ["NoSuchRole"],
                    });
                },
                config: config(),
            });
            const text = await failure(stack.preview({ onOutput }));
            assert.match(text, /roles\[0\]/);
            assert.match(text, /roles\[0\]: not in the role catalog/);
            assert.equal(await sim.user("SRVROLE"), undefined);
        });

        it("what only the job can judge (an unknown organization) fails at apply quoting the server; the valid user lands", async () => {
            const { stack } = await engineStack({
                home: suiteHome("primavera-faults-server"),
                stackName: "server",
                program: async () => {
                    const base = { firstName: "Srv", lastName: "Judged", userType: "EMP" };
                    new User("ok", { ...base, loginId: "SRVOK", emailAddress: "srvok@example.com", organization: { name: "sfo" } });
                    new User("org", { ...base, loginId: "SRVORG", emailAddress: "srvorg@example.com", organization: { name: "nowhere" } });
                },
                config: config(),
            });
            const text = await failure(stack.up({ onOutput }));
            assert.match(text, /SRVORG/);
            assert.match(text, /Organization "nowhere" does not exist/);
            assert.equal(await sim.user("SRVORG"), undefined);
            assert.ok(await sim.user("SRVOK"), "one bad user does not fail the others");
            const state = JSON.stringify(await exportStackEncrypted(stack));
            assert.match(state, /SRVOK/);
        });
    });

    describe("an up killed in the middle of a job", function () {
        let slow: Sim;
        before(async () => {
            slow = await withSimulator({ password: ADMIN_PASSWORD, jobMs: 1_500, jobMsPerUser: 0 });
        });
        after(async () => {
            await slow?.stop();
        });

        it("SIGKILL of the engine mid-job, then `pulumi cancel`, `pulumi refresh --clear-pending-creates` and `pulumi up`: every user once, no overlap", async () => {
            let users = faultUsers("KIL", 30);
            const home = suiteHome("primavera-faults-kill");
            const child = spawn(
                process.execPath,
                ["-r", "ts-node/register/transpile-only", path.join(__dirname, "support", "upChild.ts")],
                {
                    cwd: REPO_ROOT,
                    detached: true, // its own process group: the CLI and the plugin die with it
                    stdio: ["ignore", "pipe", "pipe"],
                    env: {
                        ...process.env,
                        FAULT_HOME: home,
                        FAULT_STACK: "killed",
                        FAULT_PREFIX: "KIL",
                        FAULT_COUNT: String(users.length),
                        FAULT_SIM_URL: slow.url,
                        FAULT_ADMIN_PASSWORD: ADMIN_PASSWORD,
                    },
                },
            );
            child.stdout!.on("data", (d) => seen.push(String(d)));
            child.stderr!.on("data", (d) => seen.push(String(d)));
            const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
            try {
                // Kill while the first job runs on the tenant.
                const end = Date.now() + 120_000;
                while ((await slow.stats()).jobsSubmitted === 0) {
                    assert.ok(Date.now() < end, "the child submitted a job within 2 minutes");
                    await new Promise((r) => setTimeout(r, 100));
                }
                await new Promise((r) => setTimeout(r, 300));
                process.kill(-child.pid!, "SIGKILL");
            } finally {
                try {
                    process.kill(-child.pid!, "SIGKILL");
                } catch {
                    /* already gone */
                }
            }
            await exited;
            // The CLI starts each plugin in a process group of its own, so the group kill above
            // leaves the dynamic-provider plugin running, orphaned. Stop it as a killed machine
            // would, and wait until it is gone.
            const orphans = await stopProcessesUsing(home);
            assert.deepEqual(processesUsing(home), [], "nothing of the killed run is left");
            const atKill = await slow.stats();
            assert.equal((await slow.users()).filter((u) => u.loginId.startsWith("KIL")).length, 0, "killed before the job applied");

            const { stack } = await engineStack({
                home,
                stackName: "killed",
                program: faultProgram(() => users),
                config: { ...config(), "primavera:baseUrl": { value: slow.url } },
            });
            const state = await exportStackEncrypted(stack);
            const pending = (state.deployment.pending_operations ?? []).length;
            assert.ok(pending > 0, "the interrupted up left pending operations in the state");

            // The killed process left the file backend's lock behind: every command refuses the stack.
            const locked = await failure(stack.refresh({ clearPendingCreates: true, onOutput }));
            assert.match(locked, /locked/i);

            // The user's recovery: `pulumi cancel` (drops the lock), `pulumi refresh --clear-pending-creates`, `pulumi up`.
            const t0 = Date.now();
            await stack.cancel();
            await stack.refresh({ clearPendingCreates: true, onOutput });
            const cleared = await exportStackEncrypted(stack);
            assert.equal((cleared.deployment.pending_operations ?? []).length, 0);
            // The users the killed job created are on the tenant, unknown to the state: an up takes
            // them over only with adopt: true, and its error says so.
            const refused = await failure(stack.up({ onOutput }));
            assert.match(refused, /if an interrupted `pulumi up` of this stack created it/);
            const recorded = ((await exportStackEncrypted(stack)).deployment.resources ?? []).filter((r: any) => r.outputs?.loginId).length;
            assert.ok(recorded < users.length, "the users of the killed job were not taken over");
            users = users.map((u) => ({ ...u, adopt: true }));
            const up = await stack.up({ onOutput });
            const ms = Date.now() - t0;
            assert.deepEqual(changes(up.summary.resourceChanges), { create: users.length - recorded }, "the rest, adopted");
            const live = await slow.users();
            for (const u of users) assert.equal(live.filter((l) => l.loginId === u.loginId).length, 1, `${u.loginId} exactly once`);
            const ids = up.outputs.ids.value as Record<string, string>;
            for (const u of users) assert.equal(ids[u.loginId], live.find((l) => l.loginId === u.loginId).id);
            const s = await slow.stats();
            assert.equal(s.overlappingJobs, 0);
            measured.push(
                `killed up: ${orphans.length} orphaned plugin process(es) stopped after the kill; ` +
                    `${pending} pending operation(s) left, ${atKill.jobsSubmitted} job running at the kill; ` +
                    `cancel + refresh --clear-pending-creates + up (refused for ${users.length - recorded} leftover(s)) + up with adopt ${(ms / 1000).toFixed(1)}s, ${s.jobsSubmitted - atKill.jobsSubmitted} more job(s), ` +
                    `${s.busyRefusals} busy refusals, ${users.length} users each once, overlappingJobs ${s.overlappingJobs}`,
            );
        });
    });
});
