// One value per process, whichever copy of this package asks: the Pulumi plugin may load the
// package more than once (resources whose serialized provider differs get their own instances,
// and a program may resolve a second copy), and the tenant's one job slot, its secrets and its
// shutdown signal must still be one.
const SLOTS: typeof globalThis & { [key: symbol]: unknown } = globalThis;

/** The process-wide value named `name`, made by `make` on first use. */
export function processWide<T>(name: string, make: () => T): T {
    const key = Symbol.for(`pulumi-primavera-admin.${name}`);
    if (!(key in SLOTS)) SLOTS[key] = make();
    return SLOTS[key] as T;
}
