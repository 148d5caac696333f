// What one operation on one user needs, and what it hands back to the resource that asked.
import { PrimaveraError } from "../api/errors";
import { ServerUser, UserRecord } from "../api/schemas";
import { rememberSecret } from "../safety/redaction";
import { Tenant } from "../tenant/registry";

export interface OpContext {
    tenant: Tenant;
    /** The account the provider signs in with (primavera:username). */
    account: string;
    deadline: number;
    /** Each operation is one step of the engine (a User's), not one of many of a UserSet's. */
    engineStep?: boolean;
    /** primavera:deletionMode=deprovision: "delete" disables the user and removes all its roles instead. */
    deprovision: boolean;
}

/** What a create or update achieved: the user as it now is, and the job that did it (if any). */
export interface Done {
    user: ServerUser;
    jobId?: string;
}

/** The user exists (its id is known) but the job reported a problem: the caller records it and says so. */
export class PartlyFailed extends PrimaveraError {
    constructor(
        message: string,
        readonly user: ServerUser,
        readonly jobId: string | undefined,
    ) {
        super(message);
        this.name = "PartlyFailed";
    }
}

/**
 * A read-back after our job: coalesced with the other operations' read-backs into one GET /user
 * when many come at once. Never from a snapshot older than our job: the runner drops the snapshot
 * when a job is submitted and when it ends.
 */
export function readNow(ctx: OpContext, login: string): Promise<ServerUser | undefined> {
    return ctx.tenant.reader.read(login, ctx.deadline);
}

/** The record carrying a password to set; the password is then a secret no message may show. */
export function withPassword(record: UserRecord, password: string | undefined): UserRecord {
    rememberSecret(password);
    return password ? { ...record, password } : record;
}
