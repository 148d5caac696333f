// The record of a modify: the user as read right before the job with the declared fields laid
// over it (read-modify-write: the vendor replaces the role set and clears text fields a record
// leaves out, so what the program does not manage is carried over as it is). `disabled` is
// carried only when declared: left out, the tenant keeps its value, so an administrator who
// disables the user while our job runs is not undone by it (the reading that keeps access closed).
import { Prepared } from "../tenant/jobs/runner";
import { ServerUser } from "../api/schemas";
import { declaredOnto, recordFromLive, UserInputs } from "../model/fields";
import { guardOwnAccount } from "../safety/ownAccount";
import { OpContext, withPassword } from "./context";
import { needsJob } from "./differs";

/** The modify for `live`, or nothing to send when it already holds the declaration (and no password is to be set). */
export function prepareModify(ctx: OpContext, live: ServerUser, inputs: UserInputs, sendPassword: boolean): Prepared {
    const record = declaredOnto(recordFromLive(live), inputs);
    guardOwnAccount(ctx.tenant.signIns, live, record);
    if (!needsJob(live, inputs, sendPassword)) return { done: true };
    return { send: "modify", record: withPassword(record, sendPassword ? inputs.password : undefined) };
}
