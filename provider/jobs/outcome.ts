// Reads one operation's own outcome out of a shared job result: the user's entry (statusInfo /
// statusInfoOK), a deleteFailed reason, the job's exception, and the id from updatedIdMap.
import { JobResult, ServerUser } from "../schemas";

export type OperationKind = "add" | "modify" | "delete";

export interface Outcome {
    jobId: string;
    /** The user's entry in `added` / `modified`, when the job echoed one. */
    entry?: ServerUser;
    /** For deletes: the login is listed in `deleted` and not in `deleteFailed`. */
    deleted?: boolean;
    /** For deletes: the reason from `deleteFailed`. */
    deleteFailedReason?: string;
    /** The job-level `exception` / `message`, when set. */
    jobException?: string;
    /** The id map of the whole job (keys are original ids, values the ids now in force). */
    idMap: Record<string, string>;
}

export function outcomeFor(kind: OperationKind, loginId: string, jobId: string, result: JobResult): Outcome {
    const idMap = result.updatedIdMap ?? {};
    const jobException =
        [result.exception, result.localizedException ? "" : result.message]
            .filter((s): s is string => typeof s === "string" && s.trim() !== "")
            .join(": ") || undefined;
    const outcome: Outcome = { jobId, idMap, jobException };
    if (kind === "delete") {
        const failed = findByLogin(result.deleteFailed ?? [], loginId);
        if (failed) {
            outcome.deleted = false;
            outcome.deleteFailedReason = failed.statusInfo || jobException || "no reason given";
        } else {
            outcome.deleted = (result.deleted ?? []).some((l) => sameLogin(l, loginId));
        }
        return outcome;
    }
    // An upsert may be reported in either list: look in the expected one first.
    const lists = kind === "add" ? [result.added, result.modified] : [result.modified, result.added];
    for (const list of lists) {
        const entry = findByLogin(list ?? [], loginId);
        if (entry) {
            outcome.entry = entry;
            break;
        }
    }
    return outcome;
}

/** Where the id of a user now is: the map answers for the id we sent, else the echoed record. */
export function resolvedId(outcome: Outcome, sentId: string | undefined): string | undefined {
    if (sentId && outcome.idMap[sentId]) return outcome.idMap[sentId];
    return outcome.entry?.id || undefined;
}

/** A user's entry reports a problem when statusInfoOK is false or statusInfo is not empty. */
export function entryProblem(entry: ServerUser | undefined): string | undefined {
    if (!entry) return undefined;
    if (entry.statusInfoOK === false) return entry.statusInfo || "the server reported a failure without details";
    return undefined;
}

function sameLogin(a: string | undefined, b: string): boolean {
    return a !== undefined && (a === b || a.toLowerCase() === b.toLowerCase());
}

function findByLogin<T extends { loginId?: string }>(list: T[], loginId: string): T | undefined {
    return list.find((u) => u.loginId === loginId) ?? list.find((u) => sameLogin(u.loginId, loginId));
}
