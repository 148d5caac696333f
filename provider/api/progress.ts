// Progress lines for long work, and warnings. Each goes to the Pulumi engine on the resource it
// concerns (by default the one whose request is being served), so the CLI shows progress as that
// resource's status and warnings under it; without an engine it goes to stderr as
// `primavera: ...` (provider/engine/engineLog.ts). PRIMAVERA_QUIET=1 silences progress, never
// warnings. Every message passes the redaction boundary: it may quote the tenant.
import { sendLog } from "../engine/engineLog";
import { currentUrns, Urns } from "../engine/requestUrn";

/** A progress line on `urns` (default: the resource being worked for). */
export function progress(message: string, urns: Urns = currentUrns()): void {
    if (process.env.PRIMAVERA_QUIET === "1") return;
    sendLog("info", message, urns);
}

/** A warning on `urns` (default: the resource being worked for). */
export function warning(message: string, urns: Urns = currentUrns()): void {
    sendLog("warning", message, urns);
}
