// Enabling and disabling through `PUT /user/change-status`: no job, so it does not wait for the
// tenant's one job slot (a user disabled while a job of thousands runs is disabled at once), and
// it carries only `disabled` (with the fields the vendor's schema marks required, as read), so no
// other field can be lost. Decided from a fresh read like every operation, and confirmed by the
// tenant's answer for the login and a read-back of the same user. A tenant that does not offer the
// call answers 404 or 405: the caller falls back to a job, and the run says so once.
import { ApiError, PrimaveraError } from "../api/errors";
import { warning } from "../api/progress";
import { serverMessage } from "../api/client";
import { ServerUser } from "../api/schemas";
import { guardOwnAccount } from "../safety/ownAccount";
import { recordFromLive } from "../model/fields";
import { OpContext, readNow } from "./context";

/**
 * Sets `disabled` on the user `expectedId` at once. Returns the user as the tenant then shows it,
 * or "unsupported" when the tenant does not offer the call (do it in a job instead).
 */
export async function setDisabled(
    ctx: OpContext,
    login: string,
    expectedId: string | undefined,
    disabled: boolean,
): Promise<ServerUser | "unsupported"> {
    if (ctx.tenant.changeStatus === "unsupported") return "unsupported";
    const live = await ctx.tenant.reader.readFresh([login], ctx.deadline).then((m) => m.get(login));
    if (live instanceof Error) throw live;
    if (!live)
        throw new PrimaveraError(`user '${login}' (id ${expectedId}) no longer exists in the tenant: it was deleted outside Pulumi.`);
    if (expectedId && live.id !== expectedId)
        throw new PrimaveraError(`user '${login}' now has id ${live.id}, not ${expectedId}: not ours to change.`);
    if (live.disabled === disabled) return live;
    guardOwnAccount(ctx.tenant.signIns, live, { ...recordFromLive(live), disabled });
    const res = await ctx.tenant.client.request("PUT", ctx.tenant.client.path("/user/change-status"), {
        body: [statusRecord(live, disabled)],
        deadline: ctx.deadline,
        purpose: `${disabled ? "disabling" : "enabling"} user '${login}'`,
        passStatuses: [404, 405, 501],
    });
    if (res.status === 404 || res.status === 405 || res.status === 501) return markUnsupported(ctx, res.status);
    ctx.tenant.reader.invalidate();
    const answer = (res.json ?? {}) as Record<string, unknown>;
    if (res.status !== 200 || !Object.hasOwn(answer, login) || answer[login] !== "") {
        const said = Object.hasOwn(answer, login) ? String(answer[login]) : serverMessage(res.json ?? res.text);
        throw new ApiError(
            `${disabled ? "disabling" : "enabling"} user '${login}' failed (HTTP ${res.status}): ${said || "no answer for the user"}`,
            res.status,
        );
    }
    return confirmStatus(ctx, login, live.id, disabled);
}

/** The read-back that confirms the change on the same user (a new user under the login is not ours: an enable there is taken back). */
async function confirmStatus(ctx: OpContext, login: string, id: string | undefined, disabled: boolean): Promise<ServerUser> {
    const after = await readNow(ctx, login);
    if (after && id && after.id !== id && !disabled && after.disabled === false) {
        // Replaced between our read and the call: the enable may have reached someone else's user.
        await setDisabledQuietly(ctx, login, after);
        throw new PrimaveraError(
            `enabling user '${login}': the login now holds another user (id ${after.id}); it was disabled again. Run \`pulumi refresh\`.`,
        );
    }
    if (!after || after.id !== id || after.disabled !== disabled) {
        throw new PrimaveraError(
            `${disabled ? "disabling" : "enabling"} user '${login}' is not confirmed: the tenant answered done, but a read-back shows ` +
                (after ? `it ${after.disabled ? "disabled" : "enabled"}${after.id !== id ? ` with id ${after.id}` : ""}` : "no such user") +
                ". Run `pulumi up` again.",
        );
    }
    return after;
}

async function setDisabledQuietly(ctx: OpContext, login: string, user: ServerUser): Promise<void> {
    const purpose = `disabling user '${login}' again`;
    await ctx.tenant.client.request("PUT", ctx.tenant.client.path("/user/change-status"), {
        body: [statusRecord(user, true)],
        deadline: ctx.deadline,
        purpose,
    });
    ctx.tenant.reader.invalidate();
}

/** The body's entry: the status, with the fields the vendor's schema marks required, as read. */
function statusRecord(user: ServerUser, disabled: boolean): Record<string, unknown> {
    const org = user.organization && { name: user.organization.name };
    return {
        loginId: user.loginId,
        firstName: user.firstName,
        lastName: user.lastName,
        emailAddress: user.emailAddress,
        organization: org,
        disabled,
    };
}

function markUnsupported(ctx: OpContext, status: number): "unsupported" {
    if (ctx.tenant.changeStatus !== "unsupported")
        warning(
            `the tenant does not offer PUT /user/change-status (HTTP ${status}): users are enabled and disabled in jobs, ` +
                `after the jobs before them`,
        );
    ctx.tenant.changeStatus = "unsupported";
    return "unsupported";
}
