// Every example previews against the simulator through the real engine; bulk (500 users from
// users.csv in one UserSet) and adopt (seeded users taken over) are applied, then preview clean.
import "./support/examplesFromRoot";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { adoptProgram } from "../../examples/adopt/program";
import { basicProgram } from "../../examples/basic/program";
import { bulkProgram, bulkUsersProgram, oracleProgram } from "../../examples/bulk/program";
import { readUsersCsv as readCsvText } from "pulumi-primavera-admin";
import { engineStack, REPO_ROOT, tempHome } from "../../scripts/engine";
import { ADMIN, Sim, withSimulator } from "../support/sim";

const EXAMPLES: Record<string, () => Record<string, unknown> | Promise<Record<string, unknown>>> = {
    basic: basicProgram,
    bulk: () => bulkProgram(),
    "bulk-users": () => bulkUsersProgram(),
    "bulk-oracle": () => oracleProgram(),
    adopt: adoptProgram,
};

/** Resources each example's preview creates, the stack excluded. */
const EXPECTED: Record<string, number> = { basic: 4, bulk: 1, "bulk-users": 500, "bulk-oracle": 1, adopt: 3 };

describe("the examples under the real Pulumi engine", function () {
    let sim: Sim;
    const stacks: Record<string, Stack> = {};

    before(async () => {
        sim = await withSimulator({ jobMs: 50, jobMsPerUser: 0 });
        for (const [name, program] of Object.entries(EXAMPLES)) {
            // One home per example: a work dir holds one project.
            const { stack } = await engineStack({
                home: tempHome(`primavera-example-${name}`),
                stackName: name,
                projectName: `primavera-${name}`,
                program: async () => program(),
                config: {
                    "primavera:baseUrl": { value: sim.url },
                    "primavera:username": { value: ADMIN.username },
                    "primavera:password": { value: ADMIN.password, secret: true },
                },
            });
            stacks[name] = stack;
        }
    });
    after(async () => {
        await sim?.stop();
    });

    for (const name of Object.keys(EXAMPLES)) {
        it(`previews examples/${name}`, async () => {
            const preview = await stacks[name].preview();
            const expected = EXPECTED[name];
            assert.equal(preview.changeSummary.create, expected + 1, `${expected} resources and the stack`);
        });
    }

    it("the bulk CSV parses into 500 distinct users", () => {
        const users = readCsvText(fs.readFileSync(path.join(REPO_ROOT, "examples", "bulk", "users.csv"), "utf8"));
        assert.equal(users.length, 500);
        assert.equal(new Set(users.map((u) => u.loginId)).size, 500);
        assert.ok(
            users.some((u) => Array.isArray(u.roles) && u.roles.length === 0),
            "some rows hold no roles",
        );
        assert.ok(
            users.some((u) => u.endDate),
            "some rows carry dates",
        );
    });

    it("ups examples/bulk: one UserSet, one job, the simulator holds all 500 users, and a second preview is clean", async () => {
        const jobsBefore = (await sim.stats()).jobsSubmitted;
        const up = await stacks.bulk.up();
        assert.equal((await sim.stats()).jobsSubmitted - jobsBefore, 1, "500 users in one job");
        assert.equal(up.summary.result, "succeeded");
        assert.equal(up.outputs.userCount.value, 500);
        const csv = readCsvText(fs.readFileSync(path.join(REPO_ROOT, "examples", "bulk", "users.csv"), "utf8"));
        const live = new Map((await sim.users()).map((u) => [u.loginId, u]));
        for (const row of csv) {
            const u = live.get(row.loginId as string);
            assert.ok(u, `${row.loginId} is in the simulator`);
            assert.equal(u.emailAddress, row.emailAddress);
            assert.equal(u.organization.name, (row.organization as { name: string }).name);
            assert.deepEqual((u.roles ?? []).map((r: any) => r.name).sort(), [...(row.roles as string[])].sort());
            assert.equal(u.disabled, row.disabled ?? false);
        }
        const stats = await sim.stats();
        assert.equal(stats.overlappingJobs, 0);
        assert.deepEqual(Object.keys(up.outputs), ["userCount"], "no output of 500 ids printed at every up");
        const preview = await stacks.bulk.preview();
        assert.deepEqual(
            Object.keys(preview.changeSummary).filter((k) => k !== "same"),
            [],
        );
    });

    it("ups examples/bulk from Oracle's import template: the application columns become the roles, by display name", async () => {
        const up = await stacks["bulk-oracle"].up();
        assert.equal(up.summary.result, "succeeded");
        assert.equal(up.outputs.userCount.value, 3);
        const roles = async (login: string) => ((await sim.user(login)).roles ?? []).map((r: any) => r.name).sort();
        assert.deepEqual(await roles("OKAFORC"), ["PrimaveraP6Production", "PrimaveraUnifierProduction"]);
        assert.deepEqual(await roles("HUGHESB"), ["PrimaveraP6Production"]);
        assert.deepEqual(await roles("TANAKAE"), ["PrimaveraCloudAdmin", "PrimaveraUnifierProduction"]);
        assert.equal((await sim.user("HUGHESB")).organization.name, "lon");
    });

    it("ups examples/adopt: the seeded users are taken over (same ids, undeclared roles kept), the new one created", async () => {
        const coadminBefore = await sim.user("COADMIN");
        const dpatelBefore = await sim.user("DPATEL");
        const up = await stacks.adopt.up();
        assert.equal(up.summary.result, "succeeded");
        const ids = up.outputs.userIds.value as Record<string, string>;
        assert.equal(ids.DPATEL, dpatelBefore.id);
        assert.equal(ids.COADMIN, coadminBefore.id);
        const rnovak = await sim.user("RNOVAK");
        assert.ok(rnovak);
        assert.equal(ids.RNOVAK, rnovak.id);
        assert.deepEqual(
            (await sim.user("COADMIN")).roles.map((r: any) => r.name),
            coadminBefore.roles.map((r: any) => r.name),
        );
        assert.deepEqual(up.outputs.coadminRoles.value, ["PrimaveraCloudAdmin"]);
        const resources = (await stacks.adopt.exportStack()).deployment.resources as { urn: string; protect?: boolean }[];
        const protectedUsers = resources.filter((r) => r.protect).map((r) => r.urn.split("::").pop());
        assert.deepEqual(protectedUsers.sort(), ["coadmin", "dpatel"], "the adopted users are protected, the new one is not");
        const preview = await stacks.adopt.preview();
        assert.deepEqual(
            Object.keys(preview.changeSummary).filter((k) => k !== "same"),
            [],
        );
    });
});
