// Undoing what one of our jobs did to a user it should not have changed that way: access the
// program does not declare (a re-enabled user, roles re-granted or granted to someone else's
// user) is removed again, and a user our modify created again after someone removed it is
// removed again. Each undo is a job of its own, decided from a fresh read like every operation,
// and touches the user only while it is still the one our job left (same id). It always ends in
// an error naming the user and what was done, for the operation that caused it to throw.
import { recordFromLive } from "../model/fields";
import { ServerUser } from "../api/schemas";
import { guardOwnAccount } from "../safety/ownAccount";
import { OpContext, readNow } from "./context";

export interface Narrowing {
    /** Disable the user again. */
    disable: boolean;
    /** Remove these roles. */
    roles: string[];
}

/** Removes the access in `narrowing` from the user `id`; says what the tenant then shows. */
export async function narrow(ctx: OpContext, login: string, id: string | undefined, narrowing: Narrowing): Promise<string> {
    const drop = new Set(narrowing.roles);
    const settled = await ctx.tenant.runner.run({
        loginId: login,
        deadline: ctx.deadline,
        prepare: (live) => {
            if (!live || (id && live.id !== id)) return { done: true };
            const record = recordFromLive(live);
            record.roles = (live.roles ?? []).filter((r) => !drop.has(r.name)).map((r) => ({ name: r.name }));
            if (narrowing.disable) record.disabled = true;
            guardOwnAccount(ctx.account, live, record);
            return { send: "modify", record };
        },
    });
    if (!settled.sent) return "it changed again meanwhile and was left as it is";
    return describe(await readNow(ctx, login), narrowing);
}

/** Removes the user `id` that our job created again (or deprovisions it, per primavera:deletionMode). */
export async function removeRecreated(ctx: OpContext, login: string, id: string | undefined): Promise<string> {
    const settled = await ctx.tenant.runner.run({
        loginId: login,
        deadline: ctx.deadline,
        prepare: (live) => {
            if (!live || (id && live.id !== id)) return { done: true };
            guardOwnAccount(ctx.account, live, ctx.deprovision ? "deprovision" : "delete");
            if (!ctx.deprovision) return { send: "delete" };
            return { send: "modify", record: { ...recordFromLive(live), disabled: true, roles: [] } };
        },
    });
    if (!settled.sent) return "it changed again meanwhile and was left as it is";
    const after = await readNow(ctx, login);
    if (!after || (id && after.id !== id)) return "it was deleted again";
    return describe(after, { disable: true, roles: (after.roles ?? []).map((r) => r.name) });
}

function describe(after: ServerUser | undefined, wanted: Narrowing): string {
    if (!after) return "it is gone";
    const roles = new Set((after.roles ?? []).map((r) => r.name));
    const left = wanted.roles.filter((r) => roles.has(r));
    const stillOpen = (wanted.disable && !after.disabled) || left.length > 0;
    const state = `${after.disabled ? "disabled" : "ENABLED"} with roles [${[...roles].join(", ")}]`;
    return stillOpen ? `the undo is NOT confirmed: the tenant shows it ${state}` : `the tenant now shows it ${state}`;
}
