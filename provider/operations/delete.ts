// Deletes (or, with primavera:deletionMode=deprovision, disables and strips of every role) the
// user with the id in state. Each takes one unit of the run's deletion budget (maxDeletions); a
// login that another resource of this run declares is released instead (it moved there), and a
// login that now belongs to another user (another id) is left alone.
import { PrimaveraError } from "../api/errors";
import { progress, warning } from "../api/progress";
import { recordFromLive, RECORD_FIELDS } from "../model/fields";
import { LoginCaseError } from "../model/identity";
import { interferenceOf } from "../safety/interference";
import { othersDuringJob, whoChanged } from "./afterOthers";
import { guardOwnAccount } from "../safety/ownAccount";
import { entryProblem } from "../tenant/jobs/outcome";
import { Prepared, Settled } from "../tenant/jobs/runner";
import { ServerUser } from "../api/schemas";
import { OpContext, readNow } from "./context";
import { createdBy } from "../safety/provenance";
import { removeRecreated } from "./undo";
import { setDisabled } from "./changeStatus";

/** What became of a delete: done, nothing to do (already gone, or someone else's now), or released to another resource. */
export type Deleted = "deleted" | "gone" | "released";

export async function deleteUser(ctx: OpContext, loginId: string, expectedId: string | undefined): Promise<Deleted> {
    if (ctx.tenant.ownership.isDeclared(loginId)) {
        progress(`user '${loginId}' is declared by another resource of this program now: released by this one, not deleted`);
        return "released";
    }
    ctx.tenant.deletions.take(1, `${ctx.deprovision ? "deprovision" : "delete"} user '${loginId}'`);
    // Deprovisioning disables at once, without the job slot; the job then removes the roles.
    if (ctx.deprovision) await disableFirst(ctx, loginId, expectedId);
    const settled = await ctx.tenant.runner.run({
        loginId,
        deadline: ctx.deadline,
        engineStep: ctx.engineStep,
        watchOthers: ctx.deprovision,
        prepare: (live) => prepareDelete(ctx, loginId, expectedId, live),
    });
    if (!settled.sent) {
        ctx.tenant.deletions.giveBack(1);
        return "gone";
    }
    try {
        await confirmDelete(ctx, loginId, expectedId, settled);
    } catch (e) {
        ctx.tenant.deletions.giveBack(1);
        throw e;
    }
    ctx.tenant.ownership.deletedNow(loginId);
    return "deleted";
}

/** The disable of a deprovision, at once; a user that is gone, or someone else's now, is left to the job's own read. */
async function disableFirst(ctx: OpContext, loginId: string, expectedId: string | undefined): Promise<void> {
    const live = await readNow(ctx, loginId);
    if (!live || (expectedId && live.id !== expectedId) || live.disabled) return;
    guardOwnAccount(ctx.tenant.signIns, live, "deprovision");
    await setDisabled(ctx, loginId, expectedId, true);
}

function prepareDelete(ctx: OpContext, loginId: string, expectedId: string | undefined, live: ServerUser | undefined): Prepared {
    if (!live) return { done: true }; // already gone
    if (expectedId && live.id !== expectedId) {
        warning(
            `user '${loginId}' now has id ${live.id}, not ${expectedId} as in the state: the user this stack ` +
                `managed is gone and the login belongs to another user, which is left alone.`,
        );
        return { done: true };
    }
    guardOwnAccount(ctx.tenant.signIns, live, ctx.deprovision ? "deprovision" : "delete");
    if (!ctx.deprovision) return { send: "delete" };
    if (live.disabled && (live.roles ?? []).length === 0) return { done: true };
    return { send: "modify", record: { ...recordFromLive(live), disabled: true, roles: [] } };
}

/** Done only when a read after the job shows our user gone (or, deprovisioned, disabled without roles). */
async function confirmDelete(ctx: OpContext, loginId: string, expectedId: string | undefined, settled: Settled): Promise<void> {
    const outcome = settled.outcome!;
    const after = await readNow(ctx, loginId);
    const roles = (after?.roles ?? []).map((r) => r.name);
    const stillOurs = after !== undefined && (!expectedId || after.id === expectedId);
    // A deprovision is a modify, an upsert: a new user our account just created is ours to remove again.
    if (after && !stillOurs && ctx.deprovision && createdBy(after, ctx.account) && after.lastAction === "Created") {
        const undone = await removeRecreated(ctx, loginId, after.id!);
        throw new PrimaveraError(
            `deprovisioning user '${loginId}': someone removed it while job ${outcome.jobId} ran, and the job, an upsert, created it ` +
                `again (id ${after.id}): ${undone}. Run \`pulumi refresh\`.`,
        );
    }
    // Deprovisioned (our user, or the one our record landed on under a new id): what its record, read
    // before the job, may have undone of another administrator's change is said.
    if (ctx.deprovision && after?.disabled && roles.length === 0) return othersDuringDeprovision(ctx, loginId, settled);
    if (!stillOurs) return; // deleted now, or gone some other way: either way our user is gone
    if (ctx.deprovision) {
        throw new PrimaveraError(
            `deprovisioning user '${loginId}' is not confirmed: after job ${outcome.jobId} ` +
                `(${entryProblem(outcome.entry) ?? outcome.jobException ?? (outcome.entry ? "entry reported no problem" : "no entry for the user in the result")}) ` +
                `the tenant shows it ${after.disabled ? "disabled" : "ENABLED"} with roles [${roles.join(", ")}]. ` +
                `It stays in the state; run \`pulumi destroy\` (or \`up\`) again.`,
        );
    }
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

/**
 * A deprovision's record carries every field but `disabled` and the roles as read before its job
 * (the vendor clears what a record leaves out), so another administrator's change to them while the
 * job ran is undone by it: said, from the tenant's audit events, like a modify's (afterOthers.ts).
 */
async function othersDuringDeprovision(ctx: OpContext, loginId: string, settled: Settled): Promise<void> {
    const carried = RECORD_FIELDS.map((f) => f.key as string).filter((k) => k !== "loginId" && k !== "disabled" && k !== "roles");
    const found = interferenceOf(await othersDuringJob(ctx, settled, loginId), carried);
    if (!found || found.overwritten.length === 0) return;
    throw new PrimaveraError(
        `user '${loginId}' was changed by another administrator while job ${settled.outcome!.jobId} deprovisioned it: ${whoChanged(found.events)}. ` +
            `The job re-applied, as read before it ran, fields this program does not manage (${found.overwritten.join(", ")}), so ` +
            `that change may be lost. The user is deprovisioned (disabled, without roles); check it in the vendor UI. Running the ` +
            `command again finishes the delete.`,
    );
}
