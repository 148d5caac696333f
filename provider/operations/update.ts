// Updates the user with the id in state to the declaration, from a read taken right before the
// job. A user that is gone, or whose login now belongs to another user (another id), is not
// touched: the update fails and says how to go on.
import { PrimaveraError } from "../api/errors";
import { ServerUser } from "../api/schemas";
import { UserInputs } from "../model/fields";
import { differsFromDeclared } from "./differs";
import { confirmModify } from "./confirmModify";
import { Done, OpContext } from "./context";
import { setDisabled } from "./changeStatus";
import { prepareModify } from "./modifyRecord";

export interface UpdateOptions {
    /** A password is to be set. */
    sendPassword: boolean;
    /** `disabled` as the state last recorded it: a declared status that differs is set first, without a job. */
    wasDisabled?: boolean;
}

export async function updateUser(ctx: OpContext, declared: UserInputs, expectedId: string | undefined, opts: UpdateOptions): Promise<Done> {
    const login = declared.loginId;
    const sendPassword = opts.sendPassword;
    // A status change goes first and at once, without the job slot (offboarding does not wait for a job).
    const newStatus = declared.disabled !== undefined && declared.disabled !== opts.wasDisabled;
    const status = newStatus ? await setDisabled(ctx, login, expectedId, declared.disabled!) : "unsupported";
    const inputs = status === "unsupported" ? declared : withoutStatus(declared);
    // Nothing but the status changed: done, without waiting for the job slot.
    if (status !== "unsupported" && !sendPassword && !differsFromDeclared(status, inputs)) return { user: status };
    const settled = await ctx.tenant.runner.run({
        loginId: login,
        deadline: ctx.deadline,
        engineStep: ctx.engineStep,
        watchOthers: true,
        prepare: (live) => {
            if (!live) throw goneOutside(login, expectedId);
            if (expectedId && live.id !== expectedId) throw replacedOutside(login, expectedId, live);
            return prepareModify(ctx, live, inputs, sendPassword);
        },
    });
    if (!settled.sent) return { user: settled.live! };
    return confirmModify(ctx, settled, inputs);
}

/** The declaration without `disabled`, once change-status set it: the job leaves it to the tenant. */
function withoutStatus(declared: UserInputs): UserInputs {
    const { disabled: _set, ...rest } = declared;
    return rest;
}

function goneOutside(login: string, expectedId: string | undefined): PrimaveraError {
    return new PrimaveraError(
        `user '${login}' (id ${expectedId}) no longer exists in the tenant: it was deleted outside Pulumi. ` +
            `Run \`pulumi refresh\` to drop it from the state, then \`pulumi up\` creates it again.`,
    );
}

export function replacedOutside(login: string, expectedId: string, live: ServerUser): PrimaveraError {
    return new PrimaveraError(
        `user '${login}' now has id ${live.id}, not ${expectedId} as in the state: the user this stack managed was deleted and the ` +
            `login created again outside Pulumi, so it is someone else's user now and is left alone. Run \`pulumi refresh\` to drop ` +
            `ours from the state; then \`adopt: true\` takes the new one over if that is what you want.`,
    );
}
