// Progress lines for long work. The dynamic-provider host passes the provider's stderr through to
// the Pulumi CLI, so these show up under `pulumi up`. Quiet with PRIMAVERA_QUIET=1. Every line
// passes the redaction boundary: it may quote the tenant.
import { redact } from "../safety/redaction";

export function progress(message: string): void {
    if (process.env.PRIMAVERA_QUIET === "1") return;
    process.stderr.write(`primavera: ${redact(message)}\n`);
}
