// The three things done to one user (create, update, delete), shared by User and UserSet. Each
// decides what to send from a read taken right before its job is submitted (jobs/runner.ts),
// touches only the user with exactly its login and the id in state, takes over an existing user
// only with `adopt: true` (or when this process sent it and lost the answer: ours() below), and
// returns only what the job result or a read-back confirmed. The callers turn the results into their own outputs.
import { randomUUID } from "node:crypto";
import { PrimaveraError } from "../api/errors";
import { changedFields, declaredOnto, managedView, recordFromLive, UserInputs } from "../model/fields";
import { LoginCaseError } from "../model/identity";
import { addedWasUpdate, entryProblem, resolvedId } from "../tenant/jobs/outcome";
import { Prepared, PrepareContext, Settled } from "../tenant/jobs/runner";
import { progress } from "../api/progress";
import { ServerUser, UserRecord } from "../api/schemas";
import { Tenant } from "../tenant/registry";

/** Declared values compared with a live record. */
const LIVE = { live: true };

export interface OpContext {
    tenant: Tenant;
    /** The account the provider signs in with (primavera:username). */
    account: string;
    deadline: number;
    /** Each operation is one step of the engine (a User's), not one of many of a UserSet's. */
    engineStep?: boolean;
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

/** Creates (or, with adopt, takes over) the declared user. */
export async function createUser(ctx: OpContext, inputs: UserInputs): Promise<Done> {
    const login = inputs.loginId;
    // A client-side id that is not a server id: updatedIdMap tells which id the server assigned.
    const clientId = `pulumi-${randomUUID()}`;
    const settled = await ctx.tenant.runner.run({
        loginId: login,
        deadline: ctx.deadline,
        engineStep: ctx.engineStep,
        prepare: (live, pc) => {
            if (!live) return addOf(inputs, clientId);
            if (ours(live, inputs, pc)) {
                // Already exactly as declared: nothing to send, unless a password must be set.
                return inputs.password ? { send: "modify", record: withPassword(recordFromLive(live), inputs.password) } : { done: true };
            }
            if (!inputs.adopt) throw alreadyExists(login, live, inputs, ctx.account);
            return prepareModify(ctx, live, inputs, live.id, true);
        },
    });
    if (!settled.sent) return { user: settled.live! };
    // Adopted (or our own lost create given its password): confirmed like an update.
    if (settled.sent === "modify") return confirmModify(ctx, settled, inputs, settled.live?.id);
    return confirmAdd(ctx, settled, inputs, clientId);
}

/** The `added` record of a declaration: defaults applied, a client-side id updatedIdMap answers for. */
function addOf(inputs: UserInputs, clientId: string): Prepared {
    return { send: "add", record: withPassword(declaredOnto({ loginId: inputs.loginId, id: clientId }, inputs, true), inputs.password) };
}

/**
 * An add's outcome, confirmed: the user's entry as created (an entry that reports an update means
 * someone else's user took our upsert: refused), or a read-back of a user that did not exist when
 * the job was submitted. A user that exists with a problem is PartlyFailed, so it is recorded.
 */
async function confirmAdd(ctx: OpContext, settled: Settled, inputs: UserInputs, clientId: string): Promise<Done> {
    const login = inputs.loginId;
    const outcome = settled.outcome!;
    if (outcome.caseVariant) throw new LoginCaseError(login, outcome.caseVariant, `the result of job ${outcome.jobId}`);
    if (outcome.entry && addedWasUpdate(outcome) && !settled.maybeSentBefore) {
        // The login appeared between our read and the job (another administrator, another stack):
        // the vendor's upsert applied our record to it. Say so; do not claim it as created.
        throw new PrimaveraError(
            `user '${login}' (id ${outcome.entry.id ?? "unknown"}) already existed when job ${outcome.jobId} ran: someone created it ` +
                `after this program checked, and the vendor's upsert applied this program's fields to it. It is NOT recorded as ` +
                `created by this stack. Check the account in the vendor UI; to manage it from this program, set \`adopt: true\` ` +
                `and run \`pulumi up\` again.`,
        );
    }
    let user: ServerUser | undefined = outcome.entry;
    if (!user) {
        // No entry for us in the result: only a read-back showing the declared user confirms it.
        const back = await readNow(ctx, login);
        if (!back) {
            throw new PrimaveraError(
                `creating user '${login}': job ${outcome.jobId} finished without an entry for the user` +
                    `${outcome.jobException ? ` (job error: ${outcome.jobException})` : ""}, and the tenant does not have it. ` +
                    "Nothing is recorded; run `pulumi up` again once the cause is fixed.",
            );
        }
        const differs = changedFields(managedView(back), inputs, LIVE);
        if (differs.length > 0) {
            // It did not exist when our job was submitted and exists now: our job created it, and
            // something of it failed. Recorded (an init error with its id), so it is not orphaned.
            throw new PartlyFailed(
                `user '${login}' was created (id ${back.id}) by job ${outcome.jobId}, which did not report it, and the tenant ` +
                    `holds it with other values than declared (${differs.join(", ")})` +
                    `${outcome.jobException ? `; job error: ${outcome.jobException}` : ""}. It is recorded; run \`pulumi up\` ` +
                    `again once the cause is fixed.`,
                await complete(ctx, back),
                outcome.jobId,
            );
        }
        user = back;
    }
    const id = resolvedId(outcome, clientId) ?? user.id;
    const problem = entryProblem(outcome.entry);
    if (problem) {
        if (!id) throw new PrimaveraError(`creating user '${login}' failed in job ${outcome.jobId}: ${problem}`);
        throw new PartlyFailed(
            `user '${login}' was created (id ${id}) but job ${outcome.jobId} reported: ${problem}. ` +
                `Fix the cause (for example a role name that is not in the tenant's catalog: see GET /roles) and run \`pulumi up\` again.`,
            await complete(ctx, { ...user, id }),
            outcome.jobId,
        );
    }
    return { user: await complete(ctx, { ...user, id }), jobId: outcome.jobId };
}

/**
 * Updates the user with id `expectedId` to the declaration. `missing`: what to do when the user is
 * gone ("fail", or "recreate" as UserSet does: the declaration says it should exist).
 */
export async function updateUser(
    ctx: OpContext,
    inputs: UserInputs,
    expectedId: string | undefined,
    sendPassword: boolean,
    missing: "fail" | "recreate" = "fail",
): Promise<Done> {
    let recreated = false;
    const clientId = `pulumi-${randomUUID()}`;
    const settled = await ctx.tenant.runner.run({
        loginId: inputs.loginId,
        deadline: ctx.deadline,
        engineStep: ctx.engineStep,
        prepare: (live) => {
            if (!live) {
                if (missing === "recreate") {
                    recreated = true;
                    return addOf(inputs, clientId);
                }
                throw new PrimaveraError(
                    `user '${inputs.loginId}' (id ${expectedId}) no longer exists in the tenant: it was deleted outside Pulumi. ` +
                        `Run \`pulumi refresh\` to drop it from the state, then \`pulumi up\` creates it again.`,
                );
            }
            if (expectedId && live.id !== expectedId) throw replacedOutside(inputs.loginId, expectedId, live);
            return prepareModify(ctx, live, inputs, expectedId, sendPassword);
        },
    });
    if (!settled.sent) return { user: settled.live! };
    // Deleted outside Pulumi and created again: confirmed like any create (one owner per login).
    if (recreated) return confirmAdd(ctx, settled, inputs, clientId);
    return confirmModify(ctx, settled, inputs, expectedId);
}

/** Deletes (or deprovisions) the user with id `expectedId`; done when it is gone already. */
export async function deleteUser(ctx: OpContext, loginId: string, expectedId: string | undefined, deprovision: boolean): Promise<void> {
    await deleteOwned(ctx, loginId, expectedId, deprovision);
    // Gone (or released): another resource of this process may create the login now.
    ctx.tenant.created.delete(loginId);
}

async function deleteOwned(ctx: OpContext, loginId: string, expectedId: string | undefined, deprovision: boolean): Promise<void> {
    const settled = await ctx.tenant.runner.run({
        loginId,
        deadline: ctx.deadline,
        engineStep: ctx.engineStep,
        prepare: (live): Prepared => {
            if (!live) return { done: true }; // already gone
            if (expectedId && live.id !== expectedId) {
                // Our user is gone; the login now belongs to someone else's user: not ours to touch.
                progress(
                    `warning: user '${loginId}' now has id ${live.id}, not ${expectedId} as in the state: the user this stack ` +
                        `managed is gone and the login belongs to another user, which is left alone.`,
                );
                return { done: true };
            }
            guardOwnAccount(ctx, live, deprovision ? "deprovision" : "delete");
            if (!deprovision) return { send: "delete" };
            if (live.disabled && (live.roles ?? []).length === 0) return { done: true };
            return { send: "modify", record: { ...recordFromLive(live), disabled: true, roles: [] } };
        },
    });
    if (!settled.sent) return;
    const outcome = settled.outcome!;
    const after = await readNow(ctx, loginId);
    const stillOurs = after && (!expectedId || after.id === expectedId);
    if (deprovision) {
        if (!stillOurs) return; // gone altogether: more than asked, and nobody has the account
        const roles = (after.roles ?? []).map((r) => r.name);
        if (after.disabled && roles.length === 0) return;
        throw new PrimaveraError(
            `deprovisioning user '${loginId}' is not confirmed: after job ${outcome.jobId} ` +
                `(${entryProblem(outcome.entry) ?? outcome.jobException ?? (outcome.entry ? "entry reported no problem" : "no entry for the user in the result")}) ` +
                `the tenant shows it ${after.disabled ? "disabled" : "ENABLED"} with roles [${roles.join(", ")}]. ` +
                `It stays in the state; run \`pulumi destroy\` (or \`up\`) again.`,
        );
    }
    if (!stillOurs) return; // deleted now, or already gone before: either way our user is gone.
    if (outcome.caseVariant) throw new LoginCaseError(loginId, outcome.caseVariant, `the result of job ${outcome.jobId}`);
    if (outcome.deleteFailedReason !== undefined) {
        throw new PrimaveraError(
            `deleting user '${loginId}' failed in job ${outcome.jobId}: the tenant answered "${outcome.deleteFailedReason}". ` +
                `If this tenant does not allow deleting users, set primavera:deletionMode=deprovision (disable and remove all roles).`,
        );
    }
    throw new PrimaveraError(
        `deleting user '${loginId}': job ${outcome.jobId} finished${outcome.jobException ? ` (${outcome.jobException})` : ""} but the user is still present. ` +
            `Consider primavera:deletionMode=deprovision.`,
    );
}

/** The modify record for `live` with the declared fields laid over it; nothing to send when it already matches. */
function prepareModify(ctx: OpContext, live: ServerUser, inputs: UserInputs, id: string | undefined, sendPassword: boolean): Prepared {
    const record = declaredOnto({ ...recordFromLive(live), ...(id ? { id } : {}) }, inputs, false);
    guardOwnAccount(ctx, live, record);
    if (!sendPassword && changedFields(managedView(live), inputs, LIVE).length === 0) return { done: true };
    return { send: "modify", record: withPassword(record, sendPassword ? inputs.password : undefined) };
}

/**
 * A modify job's outcome, confirmed: the user's entry without a problem, or (no entry) a
 * read-back that shows every declared field as declared. Returns the user as it now is.
 */
async function confirmModify(ctx: OpContext, settled: Settled, inputs: UserInputs, expectedId?: string): Promise<Done> {
    const outcome = settled.outcome!;
    const login = inputs.loginId;
    if (outcome.caseVariant) throw new LoginCaseError(login, outcome.caseVariant, `the result of job ${outcome.jobId}`);
    const id = resolvedId(outcome, settled.record?.id) ?? expectedId ?? settled.live?.id ?? "";
    if (outcome.entry) {
        const problem = entryProblem(outcome.entry);
        const user = await complete(ctx, { ...outcome.entry, id });
        if (problem)
            throw new PartlyFailed(`updating user '${login}' (id ${id}): job ${outcome.jobId} reported: ${problem}`, user, outcome.jobId);
        return { user, jobId: outcome.jobId };
    }
    const back = await readNow(ctx, login);
    const differs = back ? changedFields(managedView(back), inputs, LIVE) : [];
    if (!back || differs.length > 0) {
        throw new PrimaveraError(
            `updating user '${login}' (id ${id}) is not confirmed: job ${outcome.jobId} finished without an entry for the user` +
                `${outcome.jobException ? ` (job error: ${outcome.jobException})` : ""}, and ` +
                (back ? `a read-back shows ${differs.join(", ")} not as declared.` : "the user is no longer in the tenant.") +
                " Run `pulumi up` again; `pulumi refresh` shows what the tenant holds.",
        );
    }
    return { user: back, jobId: outcome.jobId };
}

/** Refuses to delete, disable or strip roles from the account this provider signs in with. */
function guardOwnAccount(ctx: OpContext, live: ServerUser, change: UserRecord | "delete" | "deprovision"): void {
    if (live.loginId.toLowerCase() !== ctx.account.toLowerCase()) return;
    const refuse = (what: string) => {
        throw new PrimaveraError(
            `refusing to ${what} user '${live.loginId}': it is the account this provider signs in with (primavera:username). ` +
                `Doing it would lock Pulumi (and maybe every administrator) out of the tenant. Do it in the vendor UI, ` +
                `signed in as another administrator, if you really mean it.`,
        );
    };
    if (change === "delete") return refuse("delete");
    if (change === "deprovision") return refuse("deprovision (disable and remove all roles of)");
    if (change.disabled === true && !live.disabled) refuse("disable");
    const keep = new Set((change.roles ?? []).map((r) => r.name));
    const lost = (live.roles ?? []).map((r) => r.name).filter((r) => !keep.has(r));
    if (lost.length > 0) refuse(`remove roles [${lost.join(", ")}] from`);
}

/**
 * A read-back after our job: coalesced with the other operations' read-backs into one GET /user
 * when many come at once (a bulk destroy reads 500 users in one request, not 500). Never from a
 * snapshot older than our job: the runner drops the snapshot when a job is submitted and ends.
 */
async function readNow(ctx: OpContext, login: string): Promise<ServerUser | undefined> {
    return ctx.tenant.reader.read(login, ctx.deadline);
}

/** The user with every field, from a fresh read when the job's echo lacks the record's fields. */
async function complete(ctx: OpContext, user: ServerUser): Promise<ServerUser> {
    if (user.organization) return user;
    const back = await readNow(ctx, user.loginId);
    return back ? { ...back, id: user.id ?? back.id } : user;
}

function withPassword(record: UserRecord, password: string | undefined): UserRecord {
    return password ? { ...record, password } : record;
}

function alreadyExists(login: string, live: ServerUser, inputs: UserInputs, account: string): PrimaveraError {
    const leftover =
        !!live.createdBy &&
        live.createdBy.toLowerCase() === account.toLowerCase() &&
        changedFields(managedView(live), inputs, LIVE).length === 0;
    return new PrimaveraError(
        `user '${login}' already exists in the tenant (id ${live.id ?? "unknown"}), and this stack does not own it. ` +
            (leftover
                ? `It holds exactly the declared fields and was created by this provider's account: if an interrupted ` +
                  `\`pulumi up\` of this stack created it (the state lost track of it), set \`adopt: true\` on this resource ` +
                  `for one \`pulumi up\`. Check first that no other stack manages it: two stacks owning one user delete it from ` +
                  `under each other.`
                : `To bring it under this program, set \`adopt: true\` on the resource: its declared fields are then applied and ` +
                  `everything else (roles you do not list, other fields, whether it is disabled) is kept. Or choose another loginId.`),
    );
}

function replacedOutside(login: string, expectedId: string, live: ServerUser): PrimaveraError {
    return new PrimaveraError(
        `user '${login}' now has id ${live.id}, not ${expectedId} as in the state: the user this stack managed was deleted and the ` +
            `login created again outside Pulumi, so it is someone else's user now and is left alone. Run \`pulumi refresh\` to drop ` +
            `ours from the state; then \`adopt: true\` takes the new one over if that is what you want.`,
    );
}

/**
 * Whether an existing user is this create's own: an earlier job of this process sent it and its
 * answer was lost (or came after the deadline), and the user holds exactly the declared fields.
 * Nothing else is taken over without `adopt: true`: a user with the declared fields, created by
 * the same account, may be what an interrupted run of this stack left behind, but it may as well
 * be another stack's (the same declaration, the same account), and taking it over would give one
 * user two owners. alreadyExists() says how to adopt it after an interrupted run.
 */
function ours(live: ServerUser, inputs: UserInputs, ctx: PrepareContext): boolean {
    return ctx.maybeSentBefore && changedFields(managedView(live), inputs, LIVE).length === 0;
}
