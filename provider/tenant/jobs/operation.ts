// What an operation on one user is to the job runner, and what becomes of it.
import { ServerUser, UserRecord } from "../../api/schemas";
import { AuditSnapshot } from "../audits";
import { Urns } from "../../engine/requestUrn";
import { Outcome, SentKind } from "./outcome";

/** What an operation sends, decided from the user as the tenant holds it at submission. */
export type Prepared = { send: "add" | "modify"; record: UserRecord } | { send: "delete" } | { done: true };

export interface PrepareContext {
    /**
     * Epoch ms of the first job of this process whose answer was lost (a network error, a 5xx, or
     * no result before the deadline) while it carried this login's add: that job may have created
     * the user. Undefined when no such job is known.
     */
    lostAddAt?: number;
}

export interface Operation {
    loginId: string;
    /** Epoch ms: the operation's own deadline (its batch runs under the latest one of the batch). */
    deadline: number;
    /**
     * Decides what to send from `live` (read right before the job is submitted). Throws to fail
     * this operation alone (for example: the login exists and is someone else's).
     */
    prepare(live: ServerUser | undefined, ctx: PrepareContext): Prepared;
    /**
     * The operation is one step of the engine (a User's): the engine hands its next operation over
     * when this one's result comes back. A UserSet's operations come all at once from one step.
     */
    engineStep?: boolean;
    /**
     * The operation may send a modify that carries what the program does not declare: the tenant's
     * audit log is noted right before the job's read, so what another administrator does after it is told apart.
     */
    watchOthers?: boolean;
}

/** What became of an operation. */
export interface Settled {
    /** The user as read right before the (last) submission. */
    live: ServerUser | undefined;
    /** Epoch ms when that read was answered: changes after it are not in `live`. */
    readAt: number;
    /** Epoch ms when the job's result was seen (equal to readAt when nothing was sent). */
    doneAt: number;
    /** What was sent; undefined when nothing had to be. */
    sent?: SentKind;
    record?: UserRecord;
    outcome?: Outcome;
    /** See PrepareContext.lostAddAt. */
    lostAddAt?: number;
    /** The tenant's audit log as it stood right before that read (for an operation that watches others). */
    auditsBefore?: AuditSnapshot;
}

export interface Pending extends Operation {
    /** The resource(s) whose engine request queued the operation: the job's messages go there. */
    urns: Urns;
    resolve(s: Settled): void;
    reject(error: Error): void;
}
