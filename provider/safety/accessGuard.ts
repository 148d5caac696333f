// What a modify job may not leave behind: access the program does not declare. A modify is
// decided from the user as read right before the job (`before`); what the tenant then did
// (`after`: the job's entry, or a read-back) is checked against it. Three findings:
// - recreated: someone removed the user while our job ran, and the vendor's upsert created it
//   again from our record (a new user, with roles the program may not even declare);
// - rekeyed: the tenant gave the same user a new id (same creation date, or an update reported);
// - unexplained: a new id that the tenant's answer cannot tell apart from a re-creation;
// - widened: the user came out enabled, or with roles, that neither the program declares nor the
//   user had before the job (a tenant that fills fields left out of the record its own way).
// The caller undoes what it must (undo.ts) and fails, naming the user.
import { ServerUser } from "../api/schemas";
import { dateText } from "../model/dates";
import { UserInputs } from "../model/fields";
import { reportedCreated } from "./provenance";

export type Finding =
    | { kind: "recreated"; id: string | undefined }
    | { kind: "rekeyed"; id: string }
    | { kind: "unexplained"; id: string }
    | { kind: "widened"; enabled: boolean; roles: string[] };

/**
 * What is wrong with `after` (the job's entry when trusted, else a read-back) given `before` and
 * the declaration; undefined when nothing is. `reported`: the job's own entry for the user (and
 * the list it was in), whose `lastAction` speaks of this job, even when its id is not trusted.
 */
export function judgeModify(
    before: ServerUser,
    after: ServerUser,
    declared: Partial<UserInputs>,
    reported?: { entry: ServerUser; listedIn?: "added" | "modified" },
): Finding | undefined {
    if (reported && reportedCreated(reported.entry, reported.listedIn)) return { kind: "recreated", id: after.id };
    if (after.id && before.id && after.id !== before.id) return idChange(before, after, after.id);
    const allowed = new Set(declared.roles ?? (before.roles ?? []).map((r) => r.name));
    const roles = (after.roles ?? []).map((r) => r.name).filter((r) => !allowed.has(r));
    const enabled = declared.disabled === undefined && before.disabled === true && after.disabled === false;
    return enabled || roles.length > 0 ? { kind: "widened", enabled, roles } : undefined;
}

/**
 * A new id: a new user when it was last created (not updated) or its creation date moved; the
 * same user, re-keyed, when it was updated and created at the same time as before; else unknown.
 */
function idChange(before: ServerUser, after: ServerUser, id: string): Finding {
    const was = dateText(before.createdDate);
    const now = dateText(after.createdDate);
    if (after.lastAction === "Created" || (was !== undefined && now !== undefined && was !== now)) return { kind: "recreated", id };
    if (after.lastAction === "Updated" && was !== undefined && was === now) return { kind: "rekeyed", id };
    return { kind: "unexplained", id };
}
