// Progress lines for long work. The dynamic-provider host passes the provider's stderr through to
// the Pulumi CLI, so these show up under `pulumi up`. Quiet with PRIMAVERA_QUIET=1.

export function progress(message: string): void {
    if (process.env.PRIMAVERA_QUIET === "1") return;
    process.stderr.write(`primavera: ${message}\n`);
}
