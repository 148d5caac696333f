// What a modify job may not leave behind: access the program does not declare, or a user it
// created. A modify is decided from the user as read right before the job (`before`); what the
// tenant then did (`after`: the job's entry, or a read-back) is checked against it:
// - contradictory: the job says it created a user that kept its id (a tenant that lies);
// - recreated: someone removed the user while our job ran, and the vendor's upsert created it
//   again from our record: a new id, created by our account;
// - foreign: the login holds a new user created by someone else, onto which the upsert laid our
//   record: not ours, and the access our record granted to it must be taken back;
// - rekeyed: the tenant gave the same user a new id (updatedIdMap says so, and creator and
//   creation date are unchanged);
// - unexplained: a new id that cannot be told apart (never recorded, never undone);
// - widened: the user came out enabled, or with roles, that neither the program declares nor the
//   user had before the job.
// The caller undoes what it must (operations/undo.ts) and fails, naming the user.
import { ServerUser } from "../api/schemas";
import { dateText } from "../model/dates";
import { UserInputs } from "../model/fields";
import { createdBy, entrySays } from "./provenance";

export type Finding =
    | { kind: "contradictory" }
    | { kind: "recreated"; id: string }
    | { kind: "foreign"; id: string; creator: string }
    | { kind: "rekeyed"; id: string }
    | { kind: "unexplained"; id: string }
    | { kind: "widened"; enabled: boolean; roles: string[] };

export interface JobReport {
    /** The job's own entry for the user (its lastAction speaks of this job), when it sent one. */
    entry?: ServerUser;
    /** The job's updatedIdMap. */
    idMap: Record<string, string>;
}

/** What is wrong with `after` given `before`, the declaration and the job's report; undefined when nothing is. */
export function judgeModify(
    account: string,
    before: ServerUser,
    after: ServerUser,
    declared: Partial<UserInputs>,
    report: JobReport = { idMap: {} },
): Finding | undefined {
    const newId = after.id !== undefined && before.id !== undefined && after.id !== before.id ? after.id : undefined;
    if (newId !== undefined) return idChange(account, before, after, newId, report);
    if (entrySays(report.entry) === "created") return { kind: "contradictory" };
    const allowed = new Set(declared.roles ?? (before.roles ?? []).map((r) => r.name));
    const roles = (after.roles ?? []).map((r) => r.name).filter((r) => !allowed.has(r));
    const enabled = declared.disabled === undefined && before.disabled === true && after.disabled === false;
    return enabled || roles.length > 0 ? { kind: "widened", enabled, roles } : undefined;
}

function idChange(account: string, before: ServerUser, after: ServerUser, id: string, report: JobReport): Finding {
    const was = dateText(before.createdDate);
    const now = dateText(after.createdDate);
    const sameCreation = after.createdBy !== undefined && after.createdBy === before.createdBy && now !== undefined && now === was;
    if (before.id !== undefined && report.idMap[before.id] === id && sameCreation && entrySays(report.entry) !== "created")
        return { kind: "rekeyed", id };
    if (after.createdBy !== undefined && !createdBy(after, account)) return { kind: "foreign", id, creator: after.createdBy };
    // Only positive evidence of a creation by this job counts: without it, nothing is removed.
    const created =
        entrySays(report.entry) === "created" || after.lastAction === "Created" || (now !== undefined && was !== undefined && now !== was);
    return createdBy(after, account) && created ? { kind: "recreated", id } : { kind: "unexplained", id };
}
