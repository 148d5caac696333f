// Whether a user that exists was made by one of our own jobs. The vendor's POST /user is an
// upsert, so a login that appears between our read and our job, or after a job whose answer was
// lost, is someone else's unless the tenant's own record proves otherwise: it names our account
// as its creator and holds exactly what our record asked for. Nothing else turns an existing
// user into this stack's without `adopt: true`.
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

/** The tenant reports the user as created by the job that answered with it (not an update of one that existed). */
export function reportedCreated(user: ServerUser | undefined, listedIn?: "added" | "modified"): boolean {
    if (user?.lastAction === "Created") return true;
    if (user?.lastAction === "Updated") return false;
    return listedIn === "added";
}
