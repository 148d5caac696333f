// Runs one `pulumi up` of the fault program in its own process, so a test can kill it (and the
// CLI and plugin processes it started) in the middle of a job. Settings come from the environment:
// FAULT_HOME, FAULT_STACK, FAULT_PREFIX, FAULT_COUNT, FAULT_SIM_URL, FAULT_ADMIN_PASSWORD.
import { engineStack } from "../../../scripts/engine";
import { faultProgram, faultUsers } from "./faultProgram";

async function main(): Promise<void> {
    const env = process.env;
    const users = faultUsers(env.FAULT_PREFIX!, Number(env.FAULT_COUNT));
    const { stack } = await engineStack({
        home: env.FAULT_HOME!,
        stackName: env.FAULT_STACK!,
        program: faultProgram(() => users),
        config: {
            "primavera:baseUrl": { value: env.FAULT_SIM_URL! },
            "primavera:username": { value: "admin" },
            "primavera:password": { value: env.FAULT_ADMIN_PASSWORD!, secret: true },
            "primavera:timeoutSeconds": { value: "120" },
        },
    });
    process.stdout.write("child: up starting\n");
    await stack.up({ onOutput: (s) => process.stdout.write(s) });
    process.stdout.write("child: up finished\n");
}

main().catch((e) => {
    process.stderr.write(`child: ${(e as Error).message}\n`);
    process.exit(1);
});
