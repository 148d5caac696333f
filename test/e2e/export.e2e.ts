// Onboarding: `pulumi-primavera-admin export` from a simulator holding seeded and created users,
// then the exported program through the real engine: the up adopts every user without creating
// one or changing any record, and the preview that follows shows no changes. The CSV export is
// read by the bulk example's reader.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { getRoles, readOracleUserCsv, readUsersCsv as readCsvText } from "pulumi-primavera-admin";
import { User } from "pulumi-primavera-admin";
import { engineStack, exportStackEncrypted, REPO_ROOT, tempHome } from "../../scripts/engine";
import { ADMIN, Sim, withSimulator } from "../support/sim";

const run = promisify(execFile);
const CLI = path.join(REPO_ROOT, "dist", "provider", "cli", "index.js");

/** Bookkeeping the simulator updates on every job, whatever it changes. */
const JOB_BOOKKEEPING = ["updatedDate", "lastAction"];
/** A record without the job bookkeeping; roles are a set (the tenant keeps them in the order last sent). */
const comparable = (u: any) => ({
    ...Object.fromEntries(Object.entries(u).filter(([k]) => !JOB_BOOKKEEPING.includes(k))),
    roles: [...(u.roles ?? [])].sort((a: any, b: any) => a.name.localeCompare(b.name)),
});

describe("export: an existing tenant under code", function () {
    let sim: Sim;
    // Inside the repo, so the generated program resolves pulumi-primavera-admin from its node_modules.
    const outDir = fs.mkdtempSync(
        path.join(fs.mkdirSync(path.join(REPO_ROOT, ".tmp"), { recursive: true }) ?? path.join(REPO_ROOT, ".tmp"), "export-"),
    );
    const env = { ...process.env, PRIMAVERA_BASE_URL: "", PRIMAVERA_USERNAME: "", PRIMAVERA_PASSWORD: "", EXPORT_PW: ADMIN.password };

    before(async () => {
        sim = await withSimulator({ jobMs: 30, jobMsPerUser: 0 });
        // Users made in the vendor's UI before Pulumi: every managed field set somewhere.
        await sim.drift("MGARCIA", {
            firstName: "Maria",
            middleName: "Luz",
            lastName: "Garcia",
            emailAddress: "maria.garcia@example.com",
            organization: "sfo",
            userType: "EMP",
            roles: ["PrimaveraCloudAdmin", "BIProductionAuthors"],
            employeeNumber: "E-7",
            manager: "COADMIN",
            startDate: "2026-01-05T00:00:00",
            endDate: "2026-12-31T00:00:00",
        });
        await sim.drift("KCHEN", {
            firstName: "Kai",
            lastName: "Chen",
            emailAddress: "kai.chen@example.com",
            organization: "lon",
            roles: [],
        });
        await sim.drift("X.Y-Z@CORP", {
            firstName: "Xy",
            lastName: "Zed",
            emailAddress: "xyz@example.com",
            organization: "blr",
            roles: ["PrimaveraP6Test"],
            disabled: true,
        });
        // Cells a spreadsheet would run as formulas (CSV injection).
        await sim.drift("FORMULA1", {
            firstName: "Eve",
            lastName: "@Home",
            emailAddress: "eve@example.com",
            organization: "sfo",
            manager: '=HYPERLINK("http://evil.example","x")',
            employeeNumber: "+123",
        });
        for (let i = 0; i < 40; i++) {
            await sim.drift(`MANY${i}`, {
                firstName: `F${i}`,
                lastName: `L${i}`,
                emailAddress: `many${i}@example.com`,
                organization: i % 2 ? "nyc" : "sfo",
                roles: i % 3 ? ["PrimaveraP6Production"] : ["PrimaveraUnifierTest", "PrimaveraP6Test"],
            });
        }
    });
    after(async () => {
        await sim?.stop();
        fs.rmSync(outDir, { recursive: true, force: true });
    });

    it("refuses a password flag and says how to give the password", async () => {
        await assert.rejects(
            run(process.execPath, [CLI, "export", "--base-url", sim.url, "--username", "admin", "--password", "admin"], { env }),
            (e: any) => {
                assert.equal(e.code, 2);
                assert.match(e.stderr, /--password is not accepted[\s\S]*PRIMAVERA_PASSWORD/);
                return true;
            },
        );
    });

    it("with no settings, names its own flags and variables (it never reads stack config)", async () => {
        await assert.rejects(run(process.execPath, [CLI, "export"], { env }), (e: any) => {
            assert.notEqual(e.code, 0);
            assert.match(e.stderr, /--base-url/);
            assert.match(e.stderr, /PRIMAVERA_BASE_URL/);
            assert.match(e.stderr, /--password-env/);
            assert.doesNotMatch(e.stderr, /pulumi config set/);
            return true;
        });
    });

    it("exports CSV in the bulk example's columns", async () => {
        const file = path.join(outDir, "users.csv");
        const { stderr } = await run(
            process.execPath,
            [CLI, "export", "--format", "csv", "--out", file, "--base-url", sim.url, "--username", "admin", "--password-env", "EXPORT_PW"],
            { env },
        );
        const total = (await sim.users()).length;
        assert.match(stderr, new RegExp(`exported ${total} user\\(s\\)`));
        assert.ok(!stderr.includes(ADMIN.password + "\n") && !stderr.includes(`:${ADMIN.password}`), "the password is never printed");
        const header = fs.readFileSync(file, "utf8").split("\n")[0];
        assert.equal(header, fs.readFileSync(path.join(REPO_ROOT, "examples", "bulk", "users.csv"), "utf8").split("\n")[0]);
        const rows = readCsvText(fs.readFileSync(file, "utf8"));
        assert.equal(rows.length, total);
        const m = rows.find((r) => r.loginId === "MGARCIA")!;
        assert.deepEqual(m.roles, ["BIProductionAuthors", "PrimaveraCloudAdmin"]);
        assert.equal(m.middleName, "Luz");
        assert.equal(m.endDate, "2026-12-31T00:00:00");
        assert.equal(rows.find((r) => r.loginId === "X.Y-Z@CORP")!.disabled, true);
        // No cell starts with a formula character; the bulk reader gets the values back exactly.
        const cells = fs
            .readFileSync(file, "utf8")
            .split("\n")
            .flatMap((line) => line.split(","))
            .map((c) => c.replace(/^"/, ""));
        assert.deepEqual(
            cells.filter((c) => /^[=+\-@]/.test(c)),
            [],
            "cells starting with = + - @ are disarmed",
        );
        const f = rows.find((r) => r.loginId === "FORMULA1")!;
        assert.equal(f.manager, '=HYPERLINK("http://evil.example","x")');
        assert.equal(f.employeeNumber, "+123");
        assert.equal(f.lastName, "@Home");
    });

    const exportArgs = () => ["--base-url", sim.url, "--username", "admin", "--password-env", "EXPORT_PW"];

    it("exports Oracle's user import template, which readOracleUserCsv reads back with the tenant's role catalog", async () => {
        const file = path.join(outDir, "oracle.csv");
        await run(process.execPath, [CLI, "export", "--format", "oracle-csv", "--out", file, ...exportArgs()], { env });
        const text = fs.readFileSync(file, "utf8");
        assert.match(text.split("\n")[0], /^Last Name,First Name,Email,Username,Company,User Type,#R#/);
        assert.match(text.split("\n")[0], /#R#Primavera Cloud Administrator/, "application columns by display name");
        const roles = await getRoles({ baseUrl: sim.url, ...ADMIN });
        const members = readOracleUserCsv(text, { roles });
        const m = members.find((u) => u.loginId === "MGARCIA")!;
        assert.deepEqual([...(m.roles as string[])].sort(), ["BIProductionAuthors", "PrimaveraCloudAdmin"]);
        assert.equal(m.firstName, "Maria");
        assert.deepEqual(m.organization, { name: "sfo" });
        assert.deepEqual(members.find((u) => u.loginId === "KCHEN")!.roles, [], "no Y: no roles");
    });

    it("a sign-in the tenant refuses names the flags to check, not stack config", async () => {
        await assert.rejects(
            run(
                process.execPath,
                [CLI, "export", "--format", "list", "--base-url", sim.url, "--username", "admin", "--password-env", "WRONG_PW"],
                {
                    env: { ...env, WRONG_PW: "Not-The-Pw-1" },
                },
            ),
            (e: any) => {
                assert.match(e.stderr, /refused the credentials of account 'admin'.*--username.*WRONG_PW/s);
                assert.doesNotMatch(e.stderr, /primavera:password/);
                assert.doesNotMatch(e.stderr, /Not-The-Pw-1/);
                return true;
            },
        );
    });

    it("--unmanaged lists only the users no given stack manages (a User's login, a UserSet's members)", async () => {
        const { stack } = await engineStack({
            home: tempHome("primavera-export-unmanaged"),
            stackName: "managed",
            projectName: "primavera-managed",
            program: async () => {
                new User(
                    "kchen",
                    {
                        loginId: "KCHEN",
                        firstName: "Kai",
                        lastName: "Chen",
                        emailAddress: "kai.chen@example.com",
                        organization: { name: "lon" },
                        adopt: true,
                    },
                    { protect: true },
                );
            },
            config: {
                "primavera:baseUrl": { value: sim.url },
                "primavera:username": { value: ADMIN.username },
                "primavera:password": { value: ADMIN.password, secret: true },
            },
        });
        await stack.up();
        const state = path.join(outDir, "managed.json");
        fs.writeFileSync(state, JSON.stringify(await exportStackEncrypted(stack)));
        const { stdout, stderr } = await run(
            process.execPath,
            [CLI, "export", "--format", "list", "--unmanaged", "--state", state, ...exportArgs()],
            { env },
        );
        const listed = stdout.trim().split("\n");
        const all = (await sim.users()).map((u) => u.loginId);
        assert.ok(!listed.includes("KCHEN"), "the managed user is not listed");
        assert.deepEqual([...listed].sort(), all.filter((l) => l !== "KCHEN").sort());
        assert.match(stderr, /that no given stack manages \(1 managed\)/);
        await assert.rejects(run(process.execPath, [CLI, "export", "--unmanaged", ...exportArgs()], { env }), /--unmanaged needs --state/);
    });

    it("exports a TS program that re-applies with no changes", async () => {
        const file = path.join(outDir, "users.ts");
        const { stderr } = await run(process.execPath, [CLI, "export", "--format", "ts", "--out", file], {
            env: { ...env, PRIMAVERA_BASE_URL: sim.url, PRIMAVERA_USERNAME: "admin", PRIMAVERA_PASSWORD: ADMIN.password },
        });
        const before = await sim.users();
        assert.match(stderr, new RegExp(`exported ${before.length} user\\(s\\)`));
        assert.match(stderr, /writing program: .*\(100%\)/, "progress lines when stderr is not a terminal");
        const text = fs.readFileSync(file, "utf8");
        assert.equal((text.match(/new primavera\.User\(/g) ?? []).length, before.length);
        assert.equal((text.match(/^ +adopt: true,$/gm) ?? []).length, before.length);
        assert.equal((text.match(/^ +\{ protect: true \},$/gm) ?? []).length, before.length, "every adopted user is protected");
        assert.match(text, /new primavera\.User\(\n +"x.y-z-corp",\n +\{/);

        const { program } = require(file);
        const { stack } = await engineStack({
            home: tempHome("primavera-export"),
            stackName: "exported",
            projectName: "primavera-exported",
            program: async () => program(),
            config: {
                "primavera:baseUrl": { value: sim.url },
                "primavera:username": { value: ADMIN.username },
                "primavera:password": { value: ADMIN.password, secret: true },
            },
        });
        const up = await stack.up();
        assert.equal(up.summary.result, "succeeded");
        const after = await sim.users();
        assert.deepEqual(after.map((u) => u.loginId).sort(), before.map((u) => u.loginId).sort(), "no user created or removed");
        const byLogin = new Map(after.map((u) => [u.loginId, u]));
        for (const b of before)
            assert.deepEqual(comparable(byLogin.get(b.loginId)), comparable(b), `${b.loginId} unchanged by the adoption`);
        const ids = up.outputs.userIds.value as Record<string, string>;
        for (const b of before) assert.equal(ids[b.loginId], b.id);

        const preview = await stack.preview();
        assert.deepEqual(
            Object.keys(preview.changeSummary).filter((k) => k !== "same"),
            [],
            JSON.stringify(preview.changeSummary),
        );

        // Onboarding cannot wipe the tenant: destroy refuses the protected users, and deletes none.
        await assert.rejects(stack.destroy(), /protected/);
        assert.equal((await sim.users()).length, before.length, "pulumi destroy deleted no onboarded user");
    });
});
