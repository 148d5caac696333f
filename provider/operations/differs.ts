// The one answer to "does this live user differ from what the program declares": a job is sent
// only when it does, so adopting or re-applying a user that already matches changes nothing on
// the tenant (not even its updatedDate or lastAction).
import { ServerUser } from "../api/schemas";
import { changedFields, managedView, UserInputs } from "../model/fields";

/** The declared fields whose live value differs (roles compared as a set, undeclared fields ignored). */
export function fieldsDiffering(live: ServerUser, declared: Partial<UserInputs>): string[] {
    return changedFields(managedView(live), declared, { live: true });
}

/** Whether the live user differs from the declaration in any declared field. */
export function differsFromDeclared(live: ServerUser, declared: Partial<UserInputs>): boolean {
    return fieldsDiffering(live, declared).length > 0;
}
