// A modify's outcome, confirmed against the user as read right before the job (`settled.live`):
// the job's entry when the job reports no exception and the ids agree, else a read-back. What the
// access guard finds (accessGuard.ts) is undone and fails the operation naming the user; a new id
// is followed only when a read under our login shows the same user with it.
import { PrimaveraError } from "../api/errors";
import { ServerUser } from "../api/schemas";
import { changedFields, managedView, UserInputs } from "../model/fields";
import { LoginCaseError } from "../model/identity";
import { Finding, judgeModify } from "../safety/accessGuard";
import { entryProblem, Outcome } from "../tenant/jobs/outcome";
import { Settled } from "../tenant/jobs/runner";
import { Done, OpContext, PartlyFailed, readNow } from "./context";
import { checkOthersDuringJob } from "./afterOthers";
import { narrow, removeRecreated } from "./undo";

export async function confirmModify(ctx: OpContext, settled: Settled, inputs: UserInputs): Promise<Done> {
    const login = inputs.loginId;
    const outcome = settled.outcome!;
    const before = settled.live!;
    if (outcome.caseVariant) throw new LoginCaseError(login, outcome.caseVariant, `the result of job ${outcome.jobId}`);
    const entry = trustedEntry(outcome, before);
    const after = entry ?? (await readNow(ctx, login));
    if (!after) throw notConfirmed(login, before, outcome, "the user is no longer in the tenant");
    const reported = outcome.entry && !outcome.jobException ? { entry: outcome.entry, listedIn: outcome.listedIn } : undefined;
    const finding = judgeModify(before, after, inputs, reported);
    if (finding) return settle(ctx, settled, inputs, finding, after);
    if (!entry) {
        const differs = changedFields(managedView(after), inputs, { live: true });
        if (differs.length > 0) throw notConfirmed(login, before, outcome, `a read-back shows ${differs.join(", ")} not as declared`);
        return checkOthersDuringJob(ctx, settled, inputs, { user: after, jobId: outcome.jobId });
    }
    const user = entry.organization ? entry : ((await readNow(ctx, login)) ?? entry);
    const problem = entryProblem(entry);
    if (problem) {
        // The job applied the record all the same: another administrator's change while it ran is
        // looked for first (what the job re-granted is taken back), and its error names the problem too.
        await checkOthersDuringJob(ctx, settled, inputs, { user, jobId: outcome.jobId }).catch((e: unknown) => {
            if (e instanceof PrimaveraError) e.message = `${e.message} Job ${outcome.jobId} also reported: ${problem}.`;
            throw e;
        });
        throw new PartlyFailed(
            `updating user '${login}' (id ${before.id}): job ${outcome.jobId} reported: ${problem}`,
            user,
            outcome.jobId,
        );
    }
    return checkOthersDuringJob(ctx, settled, inputs, { user, jobId: outcome.jobId });
}

/** The job's entry, when it may stand for the user: no job exception, and no other id claimed for it. */
function trustedEntry(outcome: Outcome, before: ServerUser): ServerUser | undefined {
    if (outcome.jobException || !outcome.entry) return undefined;
    const mapped = before.id !== undefined ? outcome.idMap[before.id] : undefined;
    const id = outcome.entry.id ?? before.id;
    if ((mapped !== undefined && mapped !== before.id) || id !== before.id) return undefined; // a new id: read it back
    return { ...outcome.entry, id };
}

/** What a finding means for the operation: undone and failed, or (a verified new id) followed. */
async function settle(ctx: OpContext, settled: Settled, inputs: UserInputs, finding: Finding, after: ServerUser): Promise<Done> {
    const login = inputs.loginId;
    const jobId = settled.outcome!.jobId;
    const was = settled.live!.id;
    switch (finding.kind) {
        case "rekeyed": {
            // `after` is a read under our login (an entry with a new id is never trusted alone).
            const widened = judgeModify({ ...settled.live!, id: after.id }, after, inputs);
            if (widened) return settle(ctx, settled, inputs, widened, after);
            const differs = changedFields(managedView(after), inputs, { live: true });
            if (differs.length > 0)
                throw notConfirmed(login, settled.live!, settled.outcome!, `a read-back shows ${differs.join(", ")} not as declared`);
            return checkOthersDuringJob(ctx, settled, inputs, { user: after, jobId });
        }
        case "unexplained":
            throw new PrimaveraError(
                `updating user '${login}': after job ${jobId} the tenant shows it with id ${finding.id}, not ${was}, and does not say ` +
                    `whether it is the same user. Nothing is recorded; run \`pulumi refresh\` and check the user in the vendor UI.`,
            );
        case "recreated": {
            const undone = await removeRecreated(ctx, login, finding.id);
            throw new PrimaveraError(
                `user '${login}' (id ${was}) was removed by someone else while job ${jobId} updated it, and the vendor's upsert ` +
                    `created it again (id ${finding.id ?? "unknown"}). This program does not re-create removed users behind an ` +
                    `update: ${undone}. Run \`pulumi refresh\` to drop it from the state; \`pulumi up\` then creates it anew if it ` +
                    `is still declared.`,
            );
        }
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

function notConfirmed(login: string, before: ServerUser, outcome: Outcome, why: string): PrimaveraError {
    return new PrimaveraError(
        `updating user '${login}' (id ${before.id}) is not confirmed: job ${outcome.jobId} finished` +
            `${outcome.jobException ? ` with an exception (${outcome.jobException})` : outcome.entry ? "" : " without an entry for the user"}` +
            `, and ${why}. Run \`pulumi up\` again; \`pulumi refresh\` shows what the tenant holds.`,
    );
}
