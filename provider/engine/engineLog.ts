// Messages to the Pulumi engine (pulumirpc.Engine/Log) with the URN of the resource they concern,
// so the CLI shows them on that resource: progress as its status line (ephemeral), warnings under
// it. The dynamic-provider host is started with the engine's address as its last argument and
// offers no logging of its own, so we keep one client to that address, built from the host's own
// copy of @pulumi/pulumi and @grpc/grpc-js.
//
// Without an engine (providers called in-process by tests, the export command), once a send has
// failed, or when too many sends are in flight, a message is written to stderr as before:
// `primavera: <message>`, `primavera: warning: <message>`. Sending never blocks the caller.
import { redact } from "../safety/redaction";
import { fromHost, hostModule, Urns } from "./requestUrn";

export type Severity = "info" | "warning";

/** Where messages for the engine go: `done(false)` when one could not be delivered. */
export interface EngineSink {
    log(severity: Severity, message: string, urn: string, ephemeral: boolean, done: (ok: boolean) => void): void;
}

/** A message concerning more resources than this goes to the first one only (see docs/progress.md). */
export const MAX_FANOUT = 10;
/** Sends in flight beyond which messages go to stderr: a stalled engine must not pile up requests. */
const MAX_IN_FLIGHT = 100;
/** How long one send may take; the engine answers a Log in well under a millisecond. */
const SEND_TIMEOUT_MS = 5_000;

let sink: EngineSink | undefined | null = null; // null: not looked for yet
let inFlight = 0;
let broken = false;

/** Replaces the engine sink (undefined: no engine); resets the failure state. For tests. */
export function setEngineSink(s: EngineSink | undefined): void {
    sink = s;
    inFlight = 0;
    broken = false;
}

/** Says `message` (redacted here) on the resources `urns`, or on stderr when there is no engine. */
export function sendLog(severity: Severity, message: string, urns: Urns): void {
    const text = redact(message);
    const targets = fanout(urns);
    const s = currentSink();
    if (!s || broken || inFlight + targets.length > MAX_IN_FLIGHT) return writeStderr(severity, text);
    const shown = targets.length < distinct(urns).length ? `${text} (for ${distinct(urns).length} resources)` : text;
    let fellBack = false;
    for (const urn of targets) {
        inFlight++;
        try {
            s.log(severity, shown, urn, severity === "info", (ok) => {
                inFlight--;
                if (ok || fellBack) return;
                broken = true; // the engine is gone or not what we think: stop trying
                fellBack = true;
                writeStderr(severity, text);
            });
        } catch {
            inFlight--;
            broken = true;
            if (!fellBack) writeStderr(severity, text);
            fellBack = true;
        }
    }
}

/** The URNs a message is sent to: each distinct one, the first alone when there are many; one empty URN (the stack) when none is known. */
export function fanout(urns: Urns): string[] {
    const all = distinct(urns);
    if (all.length === 0) return [""];
    return all.length > MAX_FANOUT ? [all[0]] : all;
}

function distinct(urns: Urns): string[] {
    return [...new Set(urns.filter((u) => u !== ""))];
}

function writeStderr(severity: Severity, text: string): void {
    process.stderr.write(`primavera: ${severity === "warning" ? "warning: " : ""}${text}\n`);
}

function currentSink(): EngineSink | undefined {
    if (sink === null) sink = hostSink();
    return sink;
}

/** The engine's address: the host's last argument (flags such as `--logtostderr` come before it). */
export function engineAddress(argv: readonly string[]): string | undefined {
    const last = argv[argv.length - 1];
    return last !== undefined && /^(\[[0-9a-fA-F:.]+\]|[\w.-]+):\d{1,5}$/.test(last) ? last : undefined;
}

interface GrpcJs {
    credentials: { createInsecure(): unknown };
}
type EngineClientClass = new (
    address: string,
    credentials: unknown,
) => {
    log(request: unknown, metadata: unknown, options: { deadline: number }, callback: (err: Error | null) => void): void;
};
type LogRequestClass = new () => {
    setSeverity(v: number): void;
    setMessage(v: string): void;
    setUrn(v: string): void;
    setEphemeral(v: boolean): void;
};

/** A sink to the engine that started this host process; undefined outside the host. */
function hostSink(): EngineSink | undefined {
    const host = hostModule();
    const address = host && engineAddress(process.argv.slice(2));
    if (!host || !address) return undefined;
    try {
        const grpc = fromHost<GrpcJs & { Metadata: new () => unknown }>(host, "@grpc/grpc-js");
        const enginePb = fromHost(host, "../../proto/engine_pb");
        const EngineClient = fromHost(host, "../../proto/engine_grpc_pb").EngineClient as EngineClientClass;
        const LogRequest = enginePb.LogRequest as LogRequestClass;
        const severities = enginePb.LogSeverity as Record<"INFO" | "WARNING", number>;
        const client = new EngineClient(address, grpc.credentials.createInsecure());
        return {
            log(severity, message, urn, ephemeral, done) {
                const req = new LogRequest();
                req.setSeverity(severity === "warning" ? severities.WARNING : severities.INFO);
                req.setMessage(message);
                req.setUrn(urn);
                req.setEphemeral(ephemeral);
                client.log(req, new grpc.Metadata(), { deadline: Date.now() + SEND_TIMEOUT_MS }, (err) => done(!err));
            },
        };
    } catch {
        return undefined; // an SDK laid out otherwise: stderr, as before
    }
}
