// The main job: start the simulator (state kept in .demo/), `pulumi up` the repository's own
// Pulumi project (Pulumi.yaml at the root, whose program is examples/basic) against it through the
// real engine, and show the users it holds and the stack outputs. Run it twice: the second run
// reports no changes.
//
// The engine runs in the repository root as the project's directory (LocalWorkspace, workDir =
// the root, the project name from Pulumi.yaml). The program runs inline (the Automation API)
// because the Node language host is not needed that way; it is the same program as
// examples/basic/index.ts, which a `pulumi up` with a full Pulumi CLI runs.
import path from "node:path";
import axios from "axios";
import { startSimulator } from "../simulator";
import { basicProgram } from "../examples/basic/program";
import { engineStack, REPO_ROOT } from "./engine";

/** The name in the root Pulumi.yaml. */
const PROJECT = "primavera-demo";

async function main(): Promise<void> {
    // PRIMAVERA_DEMO_DIR: where the simulator's and the engine's state go (default .demo/; tests use a temporary one).
    const demoDir = process.env.PRIMAVERA_DEMO_DIR || path.join(REPO_ROOT, ".demo");
    const sim = await startSimulator({
        port: 0,
        jobMs: 300,
        jobMsPerUser: 2,
        dataFile: path.join(demoDir, "simulator-data.json"),
        quiet: true,
    });
    console.log(`simulator: listening on ${sim.url} (state in .demo/simulator-data.json)`);
    try {
        const { stack } = await engineStack({
            home: path.join(demoDir, "engine"),
            workDir: REPO_ROOT,
            stackName: "demo",
            projectName: PROJECT,
            program: async () => basicProgram(),
            config: {
                "primavera:baseUrl": { value: sim.url },
                "primavera:username": { value: "admin" },
                "primavera:password": { value: "sim-Pw-4827", secret: true },
            },
        });
        console.log(`\n$ pulumi up --stack demo (project ${PROJECT}: Pulumi.yaml at the repository root, program examples/basic)\n`);
        const up = await stack.up({ onOutput: (s) => process.stdout.write(s) });
        const changes = Object.entries(up.summary.resourceChanges ?? {}).filter(([op]) => op !== "same");
        console.log(
            changes.length === 0
                ? "\nResult: no changes (the tenant already matches the program)."
                : `\nResult (engine resources, the stack included): ${changes.map(([op, n]) => `${n} ${op}`).join(", ")}.`,
        );

        const ids = (up.outputs.userIds?.value ?? {}) as Record<string, string>;
        const res = await axios.get(`${sim.url}/cloudapi/restapi/user`, { auth: { username: "admin", password: "sim-Pw-4827" } });
        const users = (
            res.data as { loginId: string; id: string; status: string; organization?: { name: string }; roles?: { name: string }[] }[]
        )
            .filter((u) => u.loginId in ids)
            .sort((a, b) => a.loginId.localeCompare(b.loginId));
        console.log("\nUsers in the simulator:\n");
        const rows = [
            ["login", "id", "status", "organization", "roles"],
            ...users.map((u) => [u.loginId, u.id, u.status, u.organization?.name ?? "", (u.roles ?? []).map((r) => r.name).join(", ")]),
        ];
        const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
        for (const r of rows) console.log("  " + r.map((c, i) => c.padEnd(widths[i])).join("  "));
        console.log("\nStack outputs:\n");
        for (const [k, v] of Object.entries(up.outputs)) console.log(`  ${k}: ${v.secret ? "[secret]" : JSON.stringify(v.value)}`);
    } finally {
        await sim.stop();
    }
}

main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
