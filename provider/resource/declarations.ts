// One owner per login among the resources a program declares, checked where the resources are
// declared, so a conflict names both (the provider sees no resource names). Each resource
// declares its logins as they become known; a login declared by a second resource fails that
// resource's registration, before any operation. The provider's own registry (safety/ownership.ts)
// holds the same rule for the engine's checks and deletes.
import { PrimaveraError } from "../api/errors";

/** The logins declared in the current run: keyed by the SDK's per-run store (an inline program's own). */
const RUNS = new WeakMap<object, Map<string, string>>();
const FALLBACK = new Map<string, string>();

/** Where the SDK keeps a run's state: its async-local store (inline programs), else its global one. */
type SdkGlobals = typeof globalThis & { asyncLocalStorage?: { getStore(): object | undefined }; globalStore?: object };

function declaredInThisRun(): Map<string, string> {
    const g: SdkGlobals = globalThis;
    const store = g.asyncLocalStorage?.getStore() ?? g.globalStore;
    if (!store) return FALLBACK;
    let logins = RUNS.get(store);
    if (!logins) RUNS.set(store, (logins = new Map()));
    return logins;
}

/**
 * Registers `login` on `tenant` (a profile's name; undefined: the provider's own settings) for the
 * resource `owner` (e.g. `User "jsmith"`); throws naming both when another resource holds it there.
 */
export function declareLogin(login: string, owner: string, tenant?: string): void {
    const logins = declaredInThisRun();
    const key = `${tenant ?? ""}\u0000${login}`;
    const holder = logins.get(key);
    if (holder !== undefined && holder !== owner) {
        throw new PrimaveraError(
            `user '${login}' is declared by two resources: ${holder} and ${owner}. Each login may be managed by one resource ` +
                `only, also with \`adopt: true\` (two owners would delete or overwrite it from under each other). Remove one of ` +
                `the declarations, or move the login from one resource to the other in a single change.`,
        );
    }
    logins.set(key, owner);
}
