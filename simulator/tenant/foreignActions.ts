/**
 * Another administrator acting while a job of ours runs (the `duringJob` fault switch): one
 * action applied to the tenant as that administrator would apply it in the vendor's UI, through
 * the store's own change routes, so it is stored, persisted and audited like any other change.
 */
import { ForeignAction } from "./faults";
import { InputError, Store } from "./store";
import { UserPatch } from "./user";

/** Who acts when an action names no grantor: the seeded cloud administrator. */
const DEFAULT_FOREIGN_GRANTOR = "COADMIN";

/**
 * Applies `action`. One that cannot apply does nothing: `create` of a user that exists, any
 * other of a user that does not, an unknown organization or role.
 */
export function applyForeignAction(store: Store, action: ForeignAction): void {
    const grantor = action.grantor ?? DEFAULT_FOREIGN_GRANTOR;
    const exists = store.hasUser(action.loginId);
    switch (action.op) {
        case "create": {
            if (exists) return;
            const { op: _op, loginId, grantor: _g, ...fields } = action;
            return put(store, loginId, fields, grantor);
        }
        case "disable":
        case "enable":
            if (exists) store.changeStatus([{ loginId: action.loginId, disabled: action.op === "disable" }], grantor);
            return;
        case "delete":
            if (exists) store.removeUser(action.loginId, grantor);
            return;
        case "setRoles":
            if (exists) put(store, action.loginId, { roles: action.roles }, grantor);
            return;
        case "set":
            if (exists) put(store, action.loginId, action.fields, grantor);
            return;
    }
}

/** Creates or updates the user as `grantor` (its creator too); an unknown organization or role leaves it as it was. */
function put(store: Store, loginId: string, patch: UserPatch, grantor: string): void {
    try {
        store.putUser(loginId, patch, grantor, grantor);
    } catch (e) {
        if (!(e instanceof InputError)) throw e;
    }
}
