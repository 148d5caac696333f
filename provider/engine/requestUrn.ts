// Which resource the provider is working for, so a message can be shown on that resource. The
// dynamic-provider host of @pulumi/pulumi hands our methods the inputs but not the URN, so we read
// the URN from the engine's request as the host opens it: each request class's first getters are
// wrapped to enter an AsyncLocalStorage holding `this.getUrn()`, and the host then calls our method
// in that same async context (test/unit/engine/requestUrn.test.ts drives a host-shaped handler).
//
// The one request a provider process cannot attribute is its first: the host reads that request
// before it loads our code (which installs the wrappers). Its messages go without a URN.
import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";

/** The URNs a message goes to: one for an engine request, the batch's for a job. */
export type Urns = readonly string[];

/** The request classes the host reads, with the getters its handlers call first (before our method runs). */
const REQUESTS: Record<string, string[]> = {
    CheckRequest: ["getOlds", "getNews"],
    DiffRequest: ["getOlds", "getNews", "getId"],
    CreateRequest: ["getProperties"],
    ReadRequest: ["getId", "getProperties", "getInputs"],
    UpdateRequest: ["getOlds", "getNews", "getId"],
    DeleteRequest: ["getProperties", "getId"],
};

/** One store per process, even when this module is loaded from two paths (dist and a linked package). */
const STORE = Symbol.for("pulumi-primavera-admin.requestUrns");
/** Marks a wrapped getter, so wrapping twice is a no-op. */
const WRAPPED = Symbol.for("pulumi-primavera-admin.requestUrnGetter");

function storage(): AsyncLocalStorage<Urns> {
    const g = globalThis as typeof globalThis & { [STORE]?: AsyncLocalStorage<Urns> };
    return (g[STORE] ??= new AsyncLocalStorage<Urns>());
}

/** The URNs of the work in progress here: the engine request's, or the job's; empty when unknown. */
export function currentUrns(): Urns {
    return storage().getStore() ?? [];
}

/** Runs `fn` (and all it starts) as work for `urns`. */
export function withUrns<T>(urns: Urns, fn: () => T): T {
    return storage().run(urns, fn);
}

type Getter = ((this: { getUrn(): string }) => unknown) & { [WRAPPED]?: true };
type ProtoClass = { prototype: Record<string, unknown> };

/**
 * Wraps the getters of the request classes of `providerPb` (a `@pulumi/pulumi/proto/provider_pb`)
 * to enter the request's URN. Idempotent. Returns how many getters are wrapped now.
 */
export function captureRequestUrns(providerPb: Record<string, unknown>): number {
    let wrapped = 0;
    for (const [name, getters] of Object.entries(REQUESTS)) {
        const proto = (providerPb[name] as ProtoClass | undefined)?.prototype;
        if (!proto) continue;
        for (const getter of getters) {
            const original = proto[getter] as Getter | undefined;
            if (typeof original !== "function" || typeof proto.getUrn !== "function") continue;
            wrapped++;
            if (original[WRAPPED]) continue;
            const wrapper: Getter = function (this: { getUrn(): string }) {
                const urn = this.getUrn();
                storage().enterWith(urn ? [urn] : []);
                return original.call(this);
            };
            wrapper[WRAPPED] = true;
            proto[getter] = wrapper;
        }
    }
    return wrapped;
}

/** The dynamic-provider host's main module, when this process is one; undefined otherwise (tests, the CLI). */
export function hostModule(): string | undefined {
    const isHost = (f: string | undefined) => f !== undefined && /[\\/]cmd[\\/]dynamic-provider[\\/]index\.js$/.test(f);
    if (isHost(require.main?.filename)) return require.main!.filename;
    return Object.keys(require.cache).find(isHost);
}

/** A module of the @pulumi/pulumi copy the host runs (not ours, which may be another copy): `id` resolved from the host's file. */
export function fromHost<T = Record<string, unknown>>(host: string, id: string): T {
    return createRequire(host)(id) as T;
}

const host = hostModule();
if (host) captureRequestUrns(fromHost(host, "../../proto/provider_pb"));
