// An add's outcome, confirmed. The user counts as created by this stack only when the tenant
// proves it: a read-back under our login shows a user our account created (provenance.ts), and
// its id is the one recorded (an id from updatedIdMap or an echoed entry is never recorded
// unless that read agrees). A job exception confirms nothing. An add that the vendor's upsert
// applied to a user that existed when the job ran (someone created the login after our read) is
// refused, and the access our record granted to that user is removed again.
import { PrimaveraError } from "../api/errors";
import { ServerUser } from "../api/schemas";
import { UserInputs } from "../model/fields";
import { fieldsThatDiffer } from "./differs";
import { LoginCaseError } from "../model/identity";
import { createdBy, entrySays, madeByUs } from "../safety/provenance";
import { entryProblem, Outcome } from "../tenant/jobs/outcome";
import { Settled } from "../tenant/jobs/runner";
import { Done, OpContext, PartlyFailed, readNow } from "./context";
import { narrow, narrowCaseVariant } from "./undo";

export async function confirmAdd(ctx: OpContext, settled: Settled, inputs: UserInputs, clientId: string): Promise<Done> {
    const login = inputs.loginId;
    const outcome = settled.outcome!;
    if (outcome.caseVariant) {
        const undone = await narrowCaseVariant(ctx, outcome.caseVariant, settled.record);
        throw new LoginCaseError(login, outcome.caseVariant, `the result of job ${outcome.jobId}; ${undone}`);
    }
    const entry = outcome.jobException ? undefined : outcome.entry;
    if (entry && entrySays(entry) === "updated") {
        const lostAnswer = settled.lostAddAt !== undefined && madeByUs(entry, ctx.account, inputs);
        if (!lostAnswer) throw await upsertedOntoOther(ctx, settled, inputs, entry);
    }
    const back = await readNow(ctx, login);
    if (!back) throw notCreated(login, outcome);
    if (!(await provenOurs(ctx, settled, back, entry))) {
        // Holding exactly our record, someone else's user shows our job's upsert landed on it.
        const applied = !outcome.jobException && fieldsThatDiffer(back, inputs).length === 0;
        throw applied ? await upsertedOntoOther(ctx, settled, inputs, back) : notOurs(login, outcome, back);
    }
    const claimed = entry ? [outcome.idMap[clientId], entry.id].filter((id): id is string => !!id) : [];
    const wrong = claimed.find((id) => id !== back.id);
    if (wrong !== undefined) {
        throw new PartlyFailed(
            `user '${login}' was created by job ${outcome.jobId}, which reported id ${wrong}, but GET of '${login}' shows id ` +
                `${back.id}: the tenant's answers disagree. The id read under the login (${back.id}) is recorded; check the tenant.`,
            back,
            outcome.jobId,
        );
    }
    const problem = entry ? entryProblem(entry) : unconfirmedFields(back, inputs, outcome);
    if (problem) {
        throw new PartlyFailed(
            `user '${login}' was created (id ${back.id}) but job ${outcome.jobId} reported: ${problem}. It is recorded; fix the ` +
                `cause (for example a role name that is not in the tenant's catalog: see GET /roles) and run \`pulumi up\` again.`,
            back,
            outcome.jobId,
        );
    }
    return { user: back, jobId: outcome.jobId };
}

/**
 * The tenant proves our job created `back`: its creator is our account; or, on a tenant that does
 * not report creators, the job's entry says it created it, or an audit event of our account does.
 */
async function provenOurs(ctx: OpContext, settled: Settled, back: ServerUser, entry: ServerUser | undefined): Promise<boolean> {
    if (back.createdBy !== undefined) return createdBy(back, ctx.account);
    if (entrySays(entry) === "created") return true;
    const audits = await ctx.tenant.audits.between(settled.readAt, settled.doneAt, ctx.deadline);
    if (!("events" in audits)) return false;
    return audits.events.some(
        (e) => e.grantor.toLowerCase() === ctx.account.toLowerCase() && e.loginId === back.loginId && /\bcreated\b/i.test(e.description),
    );
}

/** Without an entry to trust, the read-back must show every declared field. */
function unconfirmedFields(back: ServerUser, inputs: UserInputs, outcome: Outcome): string | undefined {
    const differs = fieldsThatDiffer(back, inputs);
    if (differs.length === 0) return undefined;
    const why = outcome.jobException ? `an exception (${outcome.jobException})` : "no entry for the user";
    return `${why}, and the tenant holds ${differs.join(", ")} not as declared`;
}

/** Our add landed on a user that existed when the job ran: take back what our record granted, and refuse. */
async function upsertedOntoOther(ctx: OpContext, settled: Settled, inputs: UserInputs, entry: ServerUser): Promise<PrimaveraError> {
    const login = inputs.loginId;
    const granted = (settled.record?.roles ?? []).map((r) => r.name);
    const undone = await narrow(ctx, login, entry.id, { disable: settled.record?.disabled === false, roles: granted });
    return new PrimaveraError(
        `user '${login}' (id ${entry.id ?? "unknown"}) already existed when job ${settled.outcome!.jobId} ran: someone created it ` +
            `after this program checked, and the vendor's upsert applied this program's record to it. It is NOT recorded as created ` +
            `by this stack. To keep access closed, what the record granted was taken back (roles [${granted.join(", ")}]` +
            `${settled.record?.disabled === false ? ", enabled" : ""}): ${undone}. Its other fields now hold this program's values; ` +
            `check the account in the vendor UI. To manage it from this program, set \`adopt: true\` and run \`pulumi up\` again.`,
    );
}

function notCreated(login: string, outcome: Outcome): PrimaveraError {
    const reported = outcome.jobException ? undefined : entryProblem(outcome.entry);
    const said = reported
        ? ` reporting "${reported}"`
        : `${outcome.entry && !outcome.jobException ? "" : " without an entry for the user"}` +
          `${outcome.jobException ? ` (job error: ${outcome.jobException})` : ""}`;
    return new PrimaveraError(
        `creating user '${login}' failed: job ${outcome.jobId} finished${said}, and the tenant does not have it. ` +
            "Nothing is recorded; run `pulumi up` again once the cause is fixed.",
    );
}

function notOurs(login: string, outcome: Outcome, back: ServerUser): PrimaveraError {
    return new PrimaveraError(
        `creating user '${login}': after job ${outcome.jobId}${outcome.jobException ? ` (job error: ${outcome.jobException})` : ""} ` +
            `the tenant holds a user '${login}' (id ${back.id ?? "unknown"}) created by ${back.createdBy ?? "an unknown account"}, ` +
            `not by this provider's account: someone else created it. It is NOT recorded as this stack's. To manage it from this ` +
            `program, set \`adopt: true\` and run \`pulumi up\` again.`,
    );
}
