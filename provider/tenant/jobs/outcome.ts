// Reads one operation's own outcome out of a shared job result: the user's entry (statusInfo /
// statusInfoOK), where the job reported it (added or modified), a deleteFailed reason, the job's
// exception, and the id from updatedIdMap. Logins are matched exactly (identity.ts); an entry
// that matches only ignoring case is reported apart, never taken for the user.
import { caseVariant, sameLogin } from "../../model/identity";
import { JobResult, ServerUser } from "../../api/schemas";

export type SentKind = "add" | "modify" | "delete";

export interface Outcome {
    /** The job that carried the operation; undefined when nothing had to be sent. */
    jobId?: string;
    /** The user's entry in `added` / `modified`, when the job echoed one. */
    entry?: ServerUser;
    /** The list the entry was in. */
    listedIn?: "added" | "modified";
    /** An entry (or deleted login) that differs from the login only in case: the tenant merged logins. */
    caseVariant?: string;
    /** For deletes: the login is listed in `deleted`. */
    deleted?: boolean;
    /** For deletes: the reason from `deleteFailed`. */
    deleteFailedReason?: string;
    /** The job-level `exception` / `message`, when set. */
    jobException?: string;
    /** The id map of the whole job (keys are original ids, values the ids now in force). */
    idMap: Record<string, string>;
}

export function outcomeFor(kind: SentKind, loginId: string, jobId: string, result: JobResult): Outcome {
    const idMap = result.updatedIdMap ?? {};
    const jobException =
        [result.exception, result.localizedException ? "" : result.message]
            .filter((s): s is string => typeof s === "string" && s.trim() !== "")
            .join(": ") || undefined;
    const outcome: Outcome = { jobId, idMap, jobException };
    if (kind === "delete") {
        const failed = (result.deleteFailed ?? []).find((u) => sameLogin(u.loginId, loginId));
        if (failed) {
            outcome.deleted = false;
            outcome.deleteFailedReason = failed.statusInfo || jobException || "no reason given";
        } else {
            outcome.deleted = (result.deleted ?? []).some((l) => sameLogin(l, loginId));
        }
        const variant = [...(result.deleted ?? []), ...(result.deleteFailed ?? []).map((u) => u.loginId)].find((l) =>
            caseVariant(l, loginId),
        );
        if (!outcome.deleted && variant) outcome.caseVariant = variant;
        return outcome;
    }
    // An upsert may be reported in either list: look in both, the expected one first.
    const lists: ["added" | "modified", ServerUser[]][] = [
        ["added", result.added ?? []],
        ["modified", result.modified ?? []],
    ];
    if (kind === "modify") lists.reverse();
    for (const [name, list] of lists) {
        const entry = list.find((u) => sameLogin(u.loginId, loginId));
        if (entry) {
            outcome.entry = entry;
            outcome.listedIn = name;
            return outcome;
        }
    }
    for (const [, list] of lists) {
        const variant = list.find((u) => caseVariant(u.loginId, loginId));
        if (variant) outcome.caseVariant = variant.loginId;
    }
    return outcome;
}

/** A user's entry reports a problem when statusInfoOK is false (statusInfo says what). */
export function entryProblem(entry: ServerUser | undefined): string | undefined {
    if (!entry) return undefined;
    if (entry.statusInfoOK === false) return entry.statusInfo || "the server reported a failure without details";
    return undefined;
}
