// Whether a user that exists was made by one of our own jobs. The vendor's POST /user is an
// upsert, so a login that appears between our read and our job, or after a job whose answer was
// lost, is someone else's unless the tenant's own record proves otherwise: it names our account
// as its creator and holds exactly what our record asked for. Nothing else turns an existing
// user into this stack's without `adopt: true`. The list a job entry comes back in proves nothing
// (the vendor's upsert keeps an entry in the list it was sent in); only its `lastAction` speaks.
import { ServerUser } from "../api/schemas";
import { changedFields, managedView, UserInputs } from "../model/fields";

/** Proof that `user` is what our add of `declared` made: created by `account`, and exactly as declared. */
export function madeByUs(user: ServerUser, account: string, declared: UserInputs): boolean {
    return createdBy(user, account) && changedFields(managedView(user), declared, { live: true }).length === 0;
}

/** The tenant says `account` created `user` (accounts compare ignoring case, as the tenant's do). */
export function createdBy(user: ServerUser, account: string): boolean {
    return typeof user.createdBy === "string" && user.createdBy.toLowerCase() === account.toLowerCase();
}

/** What a job's entry says the job did to the user: created it, updated it, or (no lastAction) nothing. */
export function entrySays(entry: ServerUser | undefined): "created" | "updated" | undefined {
    if (entry?.lastAction === "Created") return "created";
    if (entry?.lastAction === "Updated") return "updated";
    return undefined;
}
