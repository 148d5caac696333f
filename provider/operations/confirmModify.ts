// A modify's outcome, confirmed against the user as read right before the job (`settled.live`):
// the job's entry when the job reports no exception and the ids agree, else a read-back. What the
// access guard finds (safety/accessGuard.ts) is undone and fails the operation naming the user; a
// new id is followed only when the tenant says so and a read under our login shows the same user.
// A password is confirmed only by the job's own entry: a read-back cannot show one.
import { PrimaveraError } from "../api/errors";
import { ServerUser } from "../api/schemas";
import { UserInputs } from "../model/fields";
import { fieldsThatDiffer } from "./differs";
import { LoginCaseError } from "../model/identity";
import { Finding, judgeModify } from "../safety/accessGuard";
import { entryProblem, Outcome } from "../tenant/jobs/outcome";
import { Settled } from "../tenant/jobs/runner";
import { checkOthersDuringJob } from "./afterOthers";
import { Done, OpContext, PartlyFailed, readNow } from "./context";
import { narrow, narrowCaseVariant, removeRecreated } from "./undo";

/** The user exists and the rest is recorded, but the password sent with the job is not confirmed: the old one is kept on record. */
export class PasswordNotConfirmed extends PartlyFailed {
    constructor(message: string, user: ServerUser, jobId: string | undefined) {
        super(message, user, jobId);
        this.name = "PasswordNotConfirmed";
    }
}

export async function confirmModify(ctx: OpContext, settled: Settled, inputs: UserInputs): Promise<Done> {
    const login = inputs.loginId;
    const outcome = settled.outcome!;
    const before = settled.live!;
    if (outcome.caseVariant) {
        const undone = await narrowCaseVariant(ctx, outcome.caseVariant, settled.record);
        throw new LoginCaseError(login, outcome.caseVariant, `the result of job ${outcome.jobId}; ${undone}`);
    }
    const entry = trustedEntry(outcome, before);
    const after = entry ?? (await readNow(ctx, login));
    if (!after) throw notConfirmed(login, before, outcome, "the user is no longer in the tenant");
    const reported = { entry: outcome.jobException ? undefined : outcome.entry, idMap: outcome.idMap };
    const finding = judgeModify(ctx.account, before, after, inputs, reported);
    if (finding) return settle(ctx, settled, inputs, finding, after);
    return confirmed(ctx, settled, inputs, after, entry !== undefined);
}

/** `after` holds what the job did to our user (same id): confirmed when it shows the declaration. */
async function confirmed(ctx: OpContext, settled: Settled, inputs: UserInputs, after: ServerUser, fromEntry: boolean): Promise<Done> {
    const login = inputs.loginId;
    const outcome = settled.outcome!;
    const jobId = outcome.jobId;
    if (!fromEntry) {
        const differs = fieldsThatDiffer(after, inputs);
        if (differs.length > 0)
            throw notConfirmed(login, settled.live!, outcome, `a read-back shows ${differs.join(", ")} not as declared`);
        if (settled.record?.password !== undefined) {
            throw new PasswordNotConfirmed(
                `updating user '${login}': job ${jobId} ${outcome.jobException ? `ended with an exception (${outcome.jobException})` : "answered without an entry for the user"}, ` +
                    "so the password it carried is not confirmed (a read-back cannot show a password). The other fields are recorded; the " +
                    "next `pulumi up` sends the password again.",
                after,
                jobId,
            );
        }
        return checkOthersDuringJob(ctx, settled, inputs, { user: after, jobId });
    }
    const user = after.organization ? after : ((await readNow(ctx, login)) ?? after);
    const problem = entryProblem(outcome.entry);
    if (problem) {
        // The job applied the record all the same: another administrator's change while it ran is
        // looked for first (what the job re-granted is taken back), and its error names the problem too.
        await checkOthersDuringJob(ctx, settled, inputs, { user, jobId }).catch((e: unknown) => {
            if (e instanceof PrimaveraError) e.message = `${e.message} Job ${jobId} also reported: ${problem}.`;
            throw e;
        });
        throw new PartlyFailed(`updating user '${login}' (id ${after.id}): job ${jobId} reported: ${problem}`, user, jobId);
    }
    return checkOthersDuringJob(ctx, settled, inputs, { user, jobId });
}

/** The job's entry, when it may stand for the user: no job exception, and no other id claimed for it. */
function trustedEntry(outcome: Outcome, before: ServerUser): ServerUser | undefined {
    if (outcome.jobException || !outcome.entry) return undefined;
    const mapped = before.id !== undefined ? outcome.idMap[before.id] : undefined;
    const id = outcome.entry.id ?? before.id;
    if ((mapped !== undefined && mapped !== before.id) || id !== before.id) return undefined; // a new id: read it back
    return { ...outcome.entry, id };
}

/** What a finding means for the operation: undone and failed, or (a re-keyed user, read under our login) confirmed. */
async function settle(ctx: OpContext, settled: Settled, inputs: UserInputs, finding: Finding, after: ServerUser): Promise<Done> {
    const login = inputs.loginId;
    const jobId = settled.outcome!.jobId;
    const was = settled.live!.id;
    switch (finding.kind) {
        case "rekeyed": {
            const widened = judgeModify(ctx.account, { ...settled.live!, id: after.id }, after, inputs);
            if (widened) return settle(ctx, settled, inputs, widened, after);
            return confirmed(ctx, settled, inputs, after, false);
        }
        case "contradictory":
            throw new PrimaveraError(
                `updating user '${login}' (id ${was}): job ${jobId} reports the user as created, yet it kept its id: the tenant's ` +
                    "answer contradicts itself, so nothing is taken from it. Nothing is recorded; check the user in the vendor UI and run `pulumi refresh`.",
            );
        case "unexplained":
            throw new PrimaveraError(
                `updating user '${login}': after job ${jobId} the tenant shows it with id ${finding.id}, not ${was}, and does not say ` +
                    "whether it is the same user. Nothing is recorded; run `pulumi refresh` and check the user in the vendor UI.",
            );
        case "recreated":
            throw await recreatedError(ctx, login, was, jobId, finding.id);
        case "foreign":
            throw await foreignError(ctx, settled, login, finding);
        case "widened": {
            const undone = await narrow(ctx, login, after.id, { disable: finding.enabled, roles: finding.roles });
            const what = [finding.enabled ? "enabled it" : "", finding.roles.length ? `granted roles [${finding.roles.join(", ")}]` : ""];
            throw new PrimaveraError(
                `updating user '${login}' (id ${was}): job ${jobId} ${what.filter(Boolean).join(" and ")}, which this program does ` +
                    `not declare and the user did not have before: access this program does not manage must not widen. It was ` +
                    `taken back: ${undone}.`,
            );
        }
    }
}

async function recreatedError(
    ctx: OpContext,
    login: string,
    was: string | undefined,
    jobId: string | undefined,
    id: string,
): Promise<PrimaveraError> {
    const undone = await removeRecreated(ctx, login, id);
    return new PrimaveraError(
        `user '${login}' (id ${was}) was removed by someone else while job ${jobId} updated it, and the vendor's upsert created it ` +
            `again (id ${id}). This program does not re-create removed users behind an update: ${undone}. Run \`pulumi refresh\` ` +
            "to drop it from the state; `pulumi up` then creates it anew if it is still declared.",
    );
}

/** Someone removed our user and created the login anew while our job ran: the upsert laid our record on their user. */
async function foreignError(
    ctx: OpContext,
    settled: Settled,
    login: string,
    finding: { id: string; creator: string },
): Promise<PrimaveraError> {
    const granted = (settled.record?.roles ?? []).map((r) => r.name);
    const undone = await narrow(ctx, login, finding.id, { disable: settled.record?.disabled === false, roles: granted });
    return new PrimaveraError(
        `user '${login}' (id ${settled.live!.id}) was replaced while job ${settled.outcome!.jobId} updated it: the login now belongs ` +
            `to a new user (id ${finding.id}) created by ${finding.creator}, and the vendor's upsert laid this program's record on it. ` +
            `It is NOT this stack's. To keep access closed, what the record granted was taken back (roles [${granted.join(", ")}]): ` +
            `${undone}. Check the user in the vendor UI; run \`pulumi refresh\` to drop ours from the state.`,
    );
}

function notConfirmed(login: string, before: ServerUser, outcome: Outcome, why: string): PrimaveraError {
    return new PrimaveraError(
        `updating user '${login}' (id ${before.id}) is not confirmed: job ${outcome.jobId} finished` +
            `${outcome.jobException ? ` with an exception (${outcome.jobException})` : outcome.entry ? "" : " without an entry for the user"}` +
            `, and ${why}. Run \`pulumi up\` again; \`pulumi refresh\` shows what the tenant holds.`,
    );
}
