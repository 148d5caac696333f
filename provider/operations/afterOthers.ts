// After a modify job: did another administrator change the user while it ran (safety/interference.ts)?
// Asked of the tenant's audit events once per job (the audit log gathers the job's users into one
// request). Nothing to ask when the record carried nothing the program does not declare.
import { PrimaveraError } from "../api/errors";
import { RECORD_FIELDS, UserInputs, declaredKeys } from "../model/fields";
import { interferenceOf, mentions } from "../safety/interference";
import { isSignInAccount } from "../safety/ownAccount";
import { AuditEvent } from "../tenant/audits";
import { Settled } from "../tenant/jobs/runner";
import { Done, OpContext, PartlyFailed, readNow } from "./context";
import { narrow } from "./undo";

/** `done`, unless another administrator's change during the job makes it an error (after undoing what it must). */
export async function checkOthersDuringJob(ctx: OpContext, settled: Settled, inputs: UserInputs, done: Done): Promise<Done> {
    const login = inputs.loginId;
    const declared = new Set(declaredKeys(inputs));
    const carried = RECORD_FIELDS.map((f) => f.key as string).filter((k) => k !== "loginId" && k !== "disabled" && !declared.has(k));
    const found = interferenceOf(await othersDuringJob(ctx, settled, login), carried);
    if (!found) return done;
    const reapplied = found.overwritten.includes("roles") ? (settled.record?.roles ?? []).map((r) => r.name) : [];
    const redisable = found.disabled && inputs.disabled === undefined && done.user.disabled !== true;
    // Their disable held (our record leaves `disabled` out) and nothing we carried was touched: all is well.
    if (found.overwritten.length === 0 && !redisable) return done;
    if (isSignInAccount(ctx.tenant.signIns, login)) {
        throw new PrimaveraError(
            `the account this provider signs in with ('${login}') was changed by another administrator while job ` +
                `${settled.outcome!.jobId} updated it, and the job's record, read before, may have overwritten ` +
                `${found.overwritten.join(", ") || "their change"} (roles they granted may be gone). This provider never takes ` +
                `access from its own account, so nothing was undone: check the account in the vendor UI.`,
        );
    }
    const undone =
        reapplied.length > 0 || redisable ? await narrow(ctx, login, done.user.id, { disable: redisable, roles: reapplied }) : undefined;
    const who = whoChanged(found.events);
    const message =
        `user '${login}' was changed by another administrator while job ${settled.outcome!.jobId} updated it: ${who}. ` +
        (found.overwritten.length
            ? `The job re-applied, as read before it ran, fields this program does not manage (${found.overwritten.join(", ")}), so ` +
              `that change to them may be lost. `
            : "") +
        (undone
            ? `To keep access closed, ${[redisable ? "the user was disabled again" : "", reapplied.length ? `the roles the job re-applied [${reapplied.join(", ")}] were taken back` : ""].filter(Boolean).join(" and ")}: ${undone}. `
            : "") +
        `The declared fields are applied and recorded. Check the user in the vendor UI${reapplied.length ? " and re-grant what it should keep" : ""}.`;
    const now = await readNow(ctx, login);
    if (!now || now.id !== done.user.id) throw new PrimaveraError(message);
    throw new PartlyFailed(message, now, settled.outcome!.jobId);
}

/**
 * Other accounts' events on the user between our read and our own job's event: the audit log's new
 * entries since the snapshot taken right before our read, in the tenant's order, up to our account's
 * last one on the user (all of them when the tenant recorded none of ours). No clock is compared.
 */
export async function othersDuringJob(ctx: OpContext, settled: Settled, login: string): Promise<AuditEvent[]> {
    if (!settled.auditsBefore) return [];
    const events = await ctx.tenant.audits.since(settled.auditsBefore, settled.doneAt, ctx.deadline);
    const onUser = (events ?? []).filter((e) => (e.loginId !== undefined ? e.loginId === login : mentions(e.description, login)));
    const ours = (e: AuditEvent) => e.grantor.toLowerCase() === ctx.account.toLowerCase();
    const last = onUser.map(ours).lastIndexOf(true);
    return onUser.filter((e, i) => !ours(e) && (last < 0 || i < last));
}

/** The administrators' events, in words. */
export function whoChanged(events: AuditEvent[]): string {
    const when = (e: AuditEvent) => (e.at === undefined ? "an unknown time" : new Date(e.at).toISOString());
    return events.map((e) => `${e.grantor || "someone"} at ${when(e)} ("${e.description}")`).join("; ");
}
