// Whether a live user differs from a declaration: the one decision behind "send a job or not" for
// every operation that brings a user to its declaration (create with adopt, update, a UserSet's
// members), so a user that already matches is never touched (no job, its dates unchanged).
import { ServerUser } from "../api/schemas";
import { changedFields, managedView, UserInputs } from "../model/fields";

/** The declared fields `live` does not hold as declared (roles compared as a set); empty when it matches. */
export function fieldsThatDiffer(live: ServerUser, declared: Partial<UserInputs>): string[] {
    return changedFields(managedView(live), declared, { live: true });
}

/** Whether bringing `live` to the declaration takes a job: a field differs, or a password is to be set. */
export function needsJob(live: ServerUser, declared: Partial<UserInputs>, sendPassword: boolean): boolean {
    return sendPassword || fieldsThatDiffer(live, declared).length > 0;
}
