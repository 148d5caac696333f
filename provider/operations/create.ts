// Creates the declared user, or with `adopt: true` takes over the one that exists. What is sent is
// decided from a read taken right before the job (runner.ts); an existing user is this stack's
// only with `adopt`, or when a job of this process whose answer was lost made it (provenance.ts).
import { randomUUID } from "node:crypto";
import { PrimaveraError } from "../api/errors";
import { ServerUser } from "../api/schemas";
import { declaredOnto, UserInputs } from "../model/fields";
import { guardOwnAccountAdd } from "../safety/ownAccount";
import { madeByUs } from "../safety/provenance";
import { PrepareContext, Prepared } from "../tenant/jobs/runner";
import { confirmAdd } from "./confirmAdd";
import { confirmModify } from "./confirmModify";
import { Done, OpContext, PartlyFailed, withPassword } from "./context";
import { prepareModify } from "./modifyRecord";

export async function createUser(ctx: OpContext, inputs: UserInputs): Promise<Done> {
    const login = inputs.loginId;
    // A client-side id that is not a server id: updatedIdMap tells which id the server assigned.
    const clientId = `pulumi-${randomUUID()}`;
    ctx.tenant.ownership.startCreate(login, clientId);
    try {
        const settled = await ctx.tenant.runner.run({
            loginId: login,
            deadline: ctx.deadline,
            engineStep: ctx.engineStep,
            watchOthers: inputs.adopt === true,
            prepare: (live, pc) => prepareCreate(ctx, inputs, clientId, live, pc),
        });
        if (!settled.sent) return { user: settled.live! };
        if (settled.sent === "modify") return await confirmModify(ctx, settled, inputs);
        return await confirmAdd(ctx, settled, inputs, clientId);
    } catch (e) {
        // A create that made nothing leaves the login free for another try in this process.
        if (!(e instanceof PartlyFailed)) ctx.tenant.ownership.endCreate(login);
        throw e;
    }
}

function prepareCreate(ctx: OpContext, inputs: UserInputs, clientId: string, live: ServerUser | undefined, pc: PrepareContext): Prepared {
    if (!live) {
        guardOwnAccountAdd(ctx.tenant.signIns, inputs.loginId);
        return { send: "add", record: withPassword(declaredOnto({ loginId: inputs.loginId, id: clientId }, inputs), inputs.password) };
    }
    if (pc.lostAddAt !== undefined && madeByUs(live, ctx.account, inputs)) {
        // Our own earlier job made it and its answer was lost: as declared; only a password is left to set.
        return inputs.password ? prepareModify(ctx, live, inputs, true) : { done: true };
    }
    if (!inputs.adopt) throw alreadyExists(inputs.loginId, live, inputs, ctx.account);
    // A user that already holds the declaration is taken over as it is: no job, its dates unchanged.
    return prepareModify(ctx, live, inputs, inputs.password !== undefined);
}

function alreadyExists(login: string, live: ServerUser, inputs: UserInputs, account: string): PrimaveraError {
    const leftover = madeByUs(live, account, inputs);
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
