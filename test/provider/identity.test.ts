// Identity safety (docs/identity-safety.md): each invariant tried the way another administrator of the
// same tenant, a broken server answer or a careless input would break it. Against the real
// simulator on 127.0.0.1; every wait is bounded.
import assert from "node:assert/strict";
import http from "node:http";
import { AddressInfo } from "node:net";
import { resetTenants, tenantFor } from "pulumi-primavera-admin/provider/testing";
import { UserProvider, UserSetProvider } from "../support/untyped";
import { declaredUser } from "../support/fixtures";
import { ADMIN, eventually, Sim, useSimulator, VIEWER, withSimulator } from "../support/sim";

const base = (loginId: string, extra: Record<string, unknown> = {}) =>
    declaredUser(loginId, { firstName: "Ida", lastName: "Entity", ...extra });

const PROVIDER_TEXT = "exports.handler = () => ({})"; // what the host would pass as __provider

async function checked(p: UserProvider, inputs: Record<string, unknown>) {
    const c = await p.check({}, inputs);
    assert.deepEqual(c.failures, []);
    return { ...(c.inputs as Record<string, unknown>), __provider: PROVIDER_TEXT };
}

async function create(p: UserProvider, inputs: Record<string, unknown>) {
    return p.create(await checked(p, inputs));
}

/** A foreign user, created behind our back (createdBy SIMULATOR). */
async function foreign(sim: Sim, loginId: string, extra: Record<string, unknown> = {}) {
    await sim.drift(loginId, {
        firstName: "Someone",
        lastName: "Else",
        emailAddress: `${loginId}@elsewhere.example.com`,
        organization: "nyc",
        roles: ["PrimaveraP6Test"],
        ...extra,
    });
    return sim.user(loginId);
}

describe("identity safety: touch only what you own, keep what you do not manage, report only what you confirmed", function () {
    const sim = useSimulator({ jobMs: 40 });
    let provider: UserProvider;

    beforeEach(() => {
        provider = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 20 });
    });

    describe("one rule for login identity", () => {
        it("a case variant is another user: coalesced reads, refresh, update and delete of JDOE never touch jdoe", async () => {
            const { id, outs } = await create(provider, base("JDOE"));
            const theirs = await foreign(sim, "jdoe");
            // Four reads at once are coalesced into one GET /user; the list holds JDOE and jdoe.
            const { reader } = tenantFor(provider.settings());
            const reads = await Promise.all(["JDOE", "COADMIN", "DPATEL", "NOBODY"].map((l) => reader.read(l, Date.now() + 10_000)));
            assert.equal(reads[0]?.loginId, "JDOE");
            assert.equal(reads[0]?.id, id);
            const refreshed = await provider.read(id, outs);
            assert.equal(refreshed.id, id);
            assert.equal(refreshed.props!.loginId, "JDOE");
            await provider.update(id, refreshed.props!, await checked(provider, base("JDOE", { lastName: "Changed" })));
            assert.equal((await sim.user("JDOE")).lastName, "Changed");
            resetTenants(); // a later run (pulumi destroy): a new provider process
            await provider.delete(id, refreshed.props!);
            assert.equal(await sim.user("JDOE"), undefined);
            assert.deepEqual(await sim.user("jdoe"), theirs, "jdoe is exactly as its owner left it");
        });

        it("a tenant that merges logins is surfaced, not merged: reads and creates fail naming both, the other user untouched", async () => {
            const ci = await withSimulator({ jobMs: 20, caseInsensitiveLogins: true } as never);
            try {
                const p = new UserProvider({ baseUrl: ci.url, ...ADMIN, timeoutSeconds: 10 });
                const theirs = await foreign(ci, "jdoe");
                await assert.rejects(p.read("x", { loginId: "JDOE" }), /answered login 'JDOE' with the user 'jdoe'/);
                await assert.rejects(create(p, base("JDOE")), (e: Error) => {
                    assert.match(e.message, /'JDOE'/);
                    assert.match(e.message, /'jdoe'/);
                    return true;
                });
                // A coalesced read (4 at once) of the same: the list holds only 'jdoe'; the single read settles it.
                const { reader } = tenantFor(p.settings());
                const reads = await Promise.allSettled(
                    ["JDOE", "COADMIN", "DPATEL", "NOBODY"].map((l) => reader.read(l, Date.now() + 10_000)),
                );
                assert.equal(reads[0].status, "rejected");
                assert.deepEqual(await ci.user("jdoe"), theirs, "jdoe untouched");
                assert.equal((await ci.stats()).jobsSubmitted, 0, "no job was sent for JDOE");
            } finally {
                await ci.stop();
            }
        });
    });

    describe("one owner per login", () => {
        /**
         * A proxy in front of the simulator that lets another administrator create `login` after
         * our read and just before our POST reaches the tenant: the window no read can close.
         */
        async function lastMomentCreator(login: string) {
            const target = new URL(sim.url);
            let created = false;
            const server = http.createServer((req, res) => {
                const chunks: Buffer[] = [];
                req.on("data", (c) => chunks.push(c));
                req.on("end", async () => {
                    if (req.method === "POST" && req.url?.endsWith("/user") && !created) {
                        created = true;
                        await foreign(sim, login);
                    }
                    const up = http.request(
                        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
                        (r) => {
                            const headers = { ...r.headers };
                            if (typeof headers.location === "string")
                                headers.location = headers.location.replace(target.host, `127.0.0.1:${port}`);
                            res.writeHead(r.statusCode ?? 502, headers);
                            r.pipe(res);
                        },
                    );
                    up.end(Buffer.concat(chunks));
                });
            });
            await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
            const port = (server.address() as AddressInfo).port;
            return {
                url: `http://127.0.0.1:${port}`,
                stop: () =>
                    new Promise<void>((r) => {
                        server.closeAllConnections();
                        server.close(() => r());
                    }),
            };
        }

        it("a login created by someone else between our read and our job: the upsert is reported, not recorded as ours (User and a UserSet's re-add)", async () => {
            const proxy = await lastMomentCreator("LAST1");
            try {
                const p = new UserProvider({ baseUrl: proxy.url, ...ADMIN, timeoutSeconds: 20 });
                await assert.rejects(create(p, base("LAST1")), /'LAST1' \(id \d+\) already existed when job \d+ ran/);
            } finally {
                await proxy.stop();
            }
            // A UserSet member deleted behind our back: refresh drops it, and the next up adds it again
            // through the same create; a login someone else creates at that moment is not the set's.
            const set = new UserSetProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 20 });
            const members = { users: { LAST2: base("LAST2") } };
            const c = await set.check({}, members);
            const made = await set.create(c.inputs);
            await sim.remove("LAST2");
            resetTenants(); // a later run: pulumi refresh, then pulumi up
            const refreshed = await set.read(made.id, made.outs);
            assert.equal((refreshed.props as any).users.LAST2, undefined, "refresh drops the member that is gone");
            const proxy2 = await lastMomentCreator("LAST2");
            try {
                const later = new UserSetProvider({ baseUrl: proxy2.url, ...ADMIN, timeoutSeconds: 20 });
                const changed = await later.check({}, { users: { LAST2: base("LAST2", { lastName: "Changed" }) } });
                const theirs = later.update(made.id, refreshed.props, changed.inputs);
                await assert.rejects(theirs, /LAST2.*already existed when job \d+ ran/s);
                const e = await theirs.catch((x: any) => x);
                assert.equal(e.properties.userIds.LAST2, undefined, "the other user's id is not recorded as the set's");
            } finally {
                await proxy2.stop();
            }
        });

        it("two resources declaring one login in a program: the second fails naming the login; one user, one owner", async () => {
            const [a, b] = await Promise.allSettled([
                create(provider, base("TWICE1")),
                create(provider, base("TWICE1", { lastName: "Other" })),
            ]);
            const ok = [a, b].filter((r) => r.status === "fulfilled");
            const failed = [a, b].filter((r): r is PromiseRejectedResult => r.status === "rejected");
            assert.equal(ok.length, 1, "exactly one resource owns TWICE1");
            assert.equal(failed.length, 1);
            assert.match(failed[0].reason.message, /'TWICE1' is declared by two resources/);
        });

        it("two spellings of one server racing to create one login: one wins, the other is refused naming the login; the winner is untouched", async () => {
            // Another base URL spelling of the same server: a separate runner, but the same owners (another process's
            // create of the login is refused at submission: the randomized test's foreign creates cover that).
            const other = new UserProvider({ baseUrl: sim.url.replace("127.0.0.1", "localhost"), ...ADMIN, timeoutSeconds: 20 });
            const [a, b] = await Promise.allSettled([
                create(provider, base("RACE1", { lastName: "First" })),
                create(other, base("RACE1", { lastName: "Second" })),
            ]);
            const winners = [a, b].filter((r) => r.status === "fulfilled");
            assert.equal(winners.length, 1, `one create wins: ${[a, b].map((r) => r.status).join(", ")}`);
            const loser = [a, b].find((r): r is PromiseRejectedResult => r.status === "rejected")!;
            assert.match(loser.reason.message, /RACE1/);
            assert.match(loser.reason.message, /already exist|declared by two resources/);
            assert.match(loser.reason.message, /adopt: true/);
            const live = await sim.user("RACE1");
            const winner = (winners[0] as PromiseFulfilledResult<{ id: string; outs: any }>).value;
            assert.equal(live.id, winner.id);
            assert.equal(live.lastName, winner.outs.lastName, "the winner's fields, not overwritten by the loser");
        });

        it("a login created by someone else while our create waits for a busy tenant is not taken over", async () => {
            await sim.faults({ foreignJobMs: 1500 });
            const pending = create(provider, base("LATE1", { lastName: "Ours" }));
            // While the foreign job holds the tenant (and our job waits), another admin creates LATE1.
            await eventually(async () => ((await sim.stats()).busyRefusals ?? 0) > 0, "our submission to be refused as busy");
            const theirs = await foreign(sim, "LATE1");
            await assert.rejects(pending, (e: Error) => {
                assert.match(e.message, /'LATE1' already exists/);
                assert.match(e.message, /adopt: true/);
                return true;
            });
            assert.deepEqual(await sim.user("LATE1"), theirs, "their user is exactly as they made it");
        });
    });

    describe("fresh read-modify-write", () => {
        it("roles granted by someone else while our update waits for a busy tenant are kept (roles unmanaged)", async () => {
            const { id, outs } = await create(provider, base("WAIT1", { roles: undefined }));
            await sim.faults({ foreignJobMs: 1500 });
            const pending = provider.update(id, outs, await checked(provider, base("WAIT1", { lastName: "Updated" })));
            await eventually(async () => ((await sim.stats()).busyRefusals ?? 0) > 0, "our submission to be refused as busy");
            await sim.drift("WAIT1", { roles: ["PrimaveraCloudAdmin", "PrimaveraP6Test"], employeeNumber: "E-77" });
            await pending;
            const live = await sim.user("WAIT1");
            assert.equal(live.lastName, "Updated");
            assert.deepEqual(live.roles.map((r: any) => r.name).sort(), ["PrimaveraCloudAdmin", "PrimaveraP6Test"], "the grant survived");
            assert.equal(live.employeeNumber, "E-77", "an unmanaged field set meanwhile survived");
        });

        it("an update with nothing to change sends no job", async () => {
            const { id, outs } = await create(provider, base("NOOP1"));
            const before = (await sim.stats()).jobsSubmitted;
            await provider.update(id, outs, await checked(provider, base("NOOP1")));
            assert.equal((await sim.stats()).jobsSubmitted, before);
        });
    });

    describe("report only what was confirmed", () => {
        it("deprovision: a job result that does not mention the user, or only a job-level exception, is not success", async () => {
            const p = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 20, deletionMode: "deprovision" });
            const { id, outs } = await create(p, base("DEPRO1", { roles: ["PrimaveraCloudAdmin"] }));
            resetTenants(); // a later run (pulumi destroy): a new provider process
            await sim.faults({ skipUsers: ["DEPRO1"] });
            await assert.rejects(p.delete(id, outs), (e: Error) => {
                assert.match(e.message, /deprovisioning user 'DEPRO1' is not confirmed/);
                // The disable went at once (change-status, no job); the roles' removal is the job's, not confirmed.
                assert.match(e.message, /disabled with roles \[PrimaveraCloudAdmin\]/);
                assert.match(e.message, /job \d+/);
                return true;
            });
            await sim.faults({ jobException: "IDM_UNAVAILABLE" });
            await assert.rejects(p.delete(id, outs), /IDM_UNAVAILABLE/);
            const live = await sim.user("DEPRO1");
            assert.deepEqual(
                live.roles.map((r: any) => r.name),
                ["PrimaveraCloudAdmin"],
                "no role removed by a job that saved nothing",
            );
            await sim.clearFaults();
            await p.delete(id, outs);
            const done = await sim.user("DEPRO1");
            assert.equal(done.disabled, true);
            assert.deepEqual(done.roles, []);
        });

        it("an update whose job answers without the user's entry: confirmed by a read-back when applied, an error when not", async () => {
            const { id, outs } = await create(provider, base("CONF1"));
            await sim.faults({ dropFromResult: ["CONF1"] });
            const res = await provider.update(id, outs, await checked(provider, base("CONF1", { lastName: "Applied" })));
            assert.equal(res.outs!.lastName, "Applied");
            await sim.faults({ skipUsers: ["CONF1"] });
            await assert.rejects(
                provider.update(id, res.outs!, await checked(provider, base("CONF1", { lastName: "Lost" }))),
                (e: Error) => {
                    assert.match(e.message, /updating user 'CONF1' .* is not confirmed: job \d+ finished without an entry/);
                    assert.match(e.message, /lastName not as declared/);
                    return true;
                },
            );
            await sim.faults({ jobException: "IDM_UNAVAILABLE" });
            await assert.rejects(
                provider.update(id, res.outs!, await checked(provider, base("CONF1", { lastName: "Lost" }))),
                /IDM_UNAVAILABLE/,
            );
            assert.equal((await sim.user("CONF1")).lastName, "Applied");
        });

        it("a create whose job answers with only an exception creates nothing and says so", async () => {
            await sim.faults({ jobException: "IDM_UNAVAILABLE" });
            await assert.rejects(create(provider, base("EXC1")), (e: Error) => {
                assert.match(e.message, /creating user 'EXC1' failed: job \d+ finished without an entry/);
                assert.match(e.message, /IDM_UNAVAILABLE/);
                return true;
            });
            assert.equal(await sim.user("EXC1"), undefined);
        });
    });

    describe("undeclared means unmanaged", () => {
        it("adopting a disabled user without declaring `disabled` keeps it disabled (and its roles)", async () => {
            await foreign(sim, "CLOSED1", { disabled: true, organization: "sfo" });
            const { outs } = await create(provider, base("CLOSED1", { adopt: true }));
            const live = await sim.user("CLOSED1");
            assert.equal(live.disabled, true, "not reopened");
            assert.equal(outs.disabled, true);
            assert.deepEqual(
                live.roles.map((r: any) => r.name),
                ["PrimaveraP6Test"],
            );
            assert.equal(live.firstName, "Ida", "declared fields applied");
        });
    });

    describe("init errors carry complete outputs", () => {
        it("a create that fails after the user exists reports its id with outputs that include __provider", async () => {
            await sim.faults({ failRoles: ["PrimaveraP6Test"] });
            await assert.rejects(create(provider, base("HALF1", { roles: ["PrimaveraP6Test", "PrimaveraCloudAdmin"] })), (e: any) => {
                assert.equal(e.name, "ResourceInitError");
                assert.ok(e.id);
                assert.equal(e.properties.__provider, PROVIDER_TEXT);
                assert.equal(e.properties.loginId, "HALF1");
                assert.equal(e.properties.userId, e.id);
                return true;
            });
        });
    });

    describe("nothing can wipe a tenant by accident", () => {
        it("refuses to delete, deprovision, disable or strip roles from the account it signs in with", async () => {
            await foreign(sim, "admin", { organization: "sfo", roles: ["PrimaveraCloudAdmin"] });
            const { id, outs } = await create(provider, base("admin", { adopt: true }));
            resetTenants(); // a later run (pulumi destroy): a new provider process
            await assert.rejects(
                provider.delete(id, outs),
                /refusing to delete user 'admin': it is the account this provider signs in with/,
            );
            const dep = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 20, deletionMode: "deprovision" });
            await assert.rejects(dep.delete(id, outs), /refusing to deprovision/);
            await assert.rejects(
                provider.update(id, outs, await checked(provider, base("admin", { disabled: true }))),
                /refusing to disable/,
            );
            await assert.rejects(
                provider.update(id, outs, await checked(provider, base("admin", { roles: [] }))),
                /refusing to remove roles \[PrimaveraCloudAdmin\]/,
            );
            const live = await sim.user("admin");
            assert.equal(live.disabled, false);
            assert.deepEqual(
                live.roles.map((r: any) => r.name),
                ["PrimaveraCloudAdmin"],
            );
        });
    });

    describe("validated = sent", () => {
        it("a 413 splits a batch like a 400: the valid users land, the oversized one fails alone", async () => {
            const small = await withSimulator({ jobMs: 20, maxBodyBytes: 64 * 1024 });
            try {
                const { runner } = tenantFor(new UserProvider({ baseUrl: small.url, ...ADMIN, timeoutSeconds: 20 }).settings());
                const deadline = Date.now() + 60_000;
                const record = (i: number) => ({
                    loginId: `BIG${i}`,
                    firstName: "Big",
                    lastName: `User${i}`,
                    emailAddress: `big${i}@example.com`,
                    organization: { name: "sfo" },
                    ...(i === 2 ? { manager: "m".repeat(65 * 1024) } : {}),
                });
                const settled = await Promise.allSettled(
                    [0, 1, 2, 3].map((i) =>
                        runner.run({ loginId: `BIG${i}`, deadline, prepare: () => ({ send: "add", record: record(i) }) }),
                    ),
                );
                assert.deepEqual(
                    settled.map((s) => s.status),
                    ["fulfilled", "fulfilled", "rejected", "fulfilled"],
                );
                assert.match((settled[2] as PromiseRejectedResult).reason.message, /BIG2.*HTTP 413.*too large/);
                const users = (await small.users()).map((u) => u.loginId);
                assert.deepEqual(
                    ["BIG0", "BIG1", "BIG2", "BIG3"].filter((l) => users.includes(l)),
                    ["BIG0", "BIG1", "BIG3"],
                );
            } finally {
                await small.stop();
            }
        });

        it("an answer larger than 64 MiB fails with a clear error instead of being held in memory", async () => {
            const huge = http.createServer((req, res) => {
                res.writeHead(200, { "Content-Type": "application/json" });
                const chunk = Buffer.alloc(1024 * 1024, 0x20);
                let sent = 0;
                const pump = () => {
                    while (sent < 70) {
                        sent++;
                        if (!res.write(chunk)) return void res.once("drain", pump);
                    }
                    res.end("{}");
                };
                res.on("error", () => undefined);
                pump();
            });
            await new Promise<void>((r) => huge.listen(0, "127.0.0.1", () => r()));
            try {
                const p = new UserProvider({
                    baseUrl: `http://127.0.0.1:${(huge.address() as AddressInfo).port}`,
                    ...ADMIN,
                    timeoutSeconds: 20,
                });
                await assert.rejects(p.read("x", { loginId: "ANY" }), /larger than 64 MiB/);
            } finally {
                huge.closeAllConnections();
                await new Promise((r) => huge.close(r));
            }
        });
    });

    describe("one job runner per tenant", () => {
        it("two configurations of one tenant and account share one runner, reader and client", () => {
            const a = new UserProvider({ baseUrl: sim.url, ...ADMIN, timeoutSeconds: 20, maxUsersPerJob: 10 });
            const b = new UserProvider({ baseUrl: `${sim.url}/`, ...ADMIN, timeoutSeconds: 99, maxUsersPerJob: 500, maxDeletions: 3 });
            const ta = tenantFor(a.settings());
            const tb = tenantFor(b.settings());
            assert.equal(ta.runner, tb.runner);
            assert.equal(ta.reader, tb.reader);
            assert.equal(ta.client, tb.client);
            const c = new UserProvider({ baseUrl: sim.url, ...VIEWER });
            assert.notEqual(tenantFor(c.settings()).runner, ta.runner, "another account is another tenant key");
        });
    });

    describe("a base URL with a path", () => {
        for (const locationStyle of ["absolute", "relative"] as const) {
            it(`works with ${locationStyle} Location headers that include the path`, async () => {
                const t = await withSimulator({ jobMs: 20, basePath: "/tenant1", locationStyle } as never);
                try {
                    const baseUrl = (t.running as unknown as { baseUrl: string }).baseUrl;
                    assert.match(baseUrl, /\/tenant1$/);
                    const p = new UserProvider({ baseUrl, ...ADMIN, timeoutSeconds: 10 });
                    const { id } = await create(p, base("PATH1"));
                    assert.equal((await t.user("PATH1", "/tenant1")).id, id);
                    const stats = await t.stats();
                    assert.ok(
                        !JSON.stringify(stats.requests).includes("(unmatched)"),
                        `every request found its route: ${JSON.stringify(stats.requests)}`,
                    );
                } finally {
                    await t.stop();
                }
            });
        }
    });
});
