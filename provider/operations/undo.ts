// Undoing what one of our jobs did to a user it should not have changed that way: access the
// program does not declare (a re-enabled user, roles re-granted, or granted to someone else's
// user) is removed again, and a user our modify created again after someone removed it is
// removed again. Each undo is a job of its own, decided from a fresh read like every operation,
// and touches the user only while it is still the one our job left (same id). An undo is a
// modify, so it is itself an upsert: when it creates the user again (someone removed it in the
// meantime), that user is removed too. Every removal takes a unit of the run's deletion budget.
import { ServerUser, UserRecord } from "../api/schemas";
import { recordFromLive } from "../model/fields";
import { guardOwnAccount, isSignInAccount } from "../safety/ownAccount";
import { createdBy } from "../safety/provenance";
import { Prepared } from "../tenant/jobs/runner";
import { OpContext, readNow } from "./context";

export interface Narrowing {
    /** Disable the user again. */
    disable: boolean;
    /** Remove these roles. */
    roles: string[];
}

/** Removes the access in `narrowing` from the user `id`; says what the tenant then shows. */
export async function narrow(ctx: OpContext, login: string, id: string | undefined, narrowing: Narrowing): Promise<string> {
    if (isSignInAccount(ctx.tenant.signIns, login)) {
        return "not for the account this provider signs in with, whose roles and status it never takes away: check it in the vendor UI";
    }
    const drop = new Set(narrowing.roles);
    const settled = await ctx.tenant.runner.run({
        loginId: login,
        deadline: ctx.deadline,
        prepare: (live): Prepared => {
            if (!live || (id && live.id !== id)) return { done: true };
            const record = recordFromLive(live);
            record.roles = (live.roles ?? []).filter((r) => !drop.has(r.name)).map((r) => ({ name: r.name }));
            if (narrowing.disable) record.disabled = true;
            guardOwnAccount(ctx.tenant.signIns, live, record);
            return { send: "modify", record };
        },
    });
    if (!settled.sent) return "it changed again meanwhile and was left as it is";
    return describe(await afterOurModify(ctx, login, id), narrowing);
}

/**
 * Removes the user `id` that one of our jobs created again: deleted (it is our own creation, so
 * even primavera:deletionMode=deprovision deletes it), or deprovisioned when the tenant refuses.
 */
export async function removeRecreated(ctx: OpContext, login: string, id: string): Promise<string> {
    try {
        ctx.tenant.deletions.take(1, `delete user '${login}' that a job of ours created again`);
    } catch (e) {
        return `it could NOT be removed: ${(e as Error).message}`;
    }
    const deleted = await ctx.tenant.runner.run({
        loginId: login,
        deadline: ctx.deadline,
        prepare: (live) => whileOurs(ctx, live, id, "delete"),
    });
    if (!deleted.sent) return "it changed again meanwhile and was left as it is";
    const left = await readNow(ctx, login);
    if (!left || left.id !== id) return "it was deleted again";
    await ctx.tenant.runner.run({ loginId: login, deadline: ctx.deadline, prepare: (live) => whileOurs(ctx, live, id, "deprovision") });
    const after = await afterOurModify(ctx, login, id);
    return `the tenant refused to delete it, so it was deprovisioned: ${describe(after, { disable: true, roles: (after?.roles ?? []).map((r) => r.name) })}`;
}

/** What removing user `id` sends now, while the login still holds it. */
function whileOurs(ctx: OpContext, live: ServerUser | undefined, id: string, how: "delete" | "deprovision"): Prepared {
    if (!live || live.id !== id) return { done: true };
    guardOwnAccount(ctx.tenant.signIns, live, how);
    return how === "delete" ? { send: "delete" } : { send: "modify", record: { ...recordFromLive(live), disabled: true, roles: [] } };
}

/** The access our record granted to a case variant of our login (a tenant that folds case applied it there), taken back. */
export async function narrowCaseVariant(ctx: OpContext, variant: string, record: UserRecord | undefined): Promise<string> {
    const granted = (record?.roles ?? []).map((r) => r.name);
    if (granted.length === 0 && record?.disabled !== false) return "the record granted it nothing to take back";
    const live = await readNow(ctx, variant);
    if (!live) return `'${variant}' is not there to take back what the record granted`;
    const undone = await narrow(ctx, variant, live.id, { disable: record?.disabled === false, roles: granted });
    return `what the record granted to '${variant}' was taken back: ${undone}`;
}

/**
 * The user after a modify of ours on `id`: when the modify created the login again (someone removed
 * the user meanwhile, and the upsert made a new one from our record), that new user is removed too.
 */
async function afterOurModify(ctx: OpContext, login: string, id: string | undefined): Promise<ServerUser | undefined> {
    const after = await readNow(ctx, login);
    if (!after || !id || after.id === id || !createdBy(after, ctx.account) || after.lastAction !== "Created") return after;
    await removeRecreated(ctx, login, after.id!);
    return readNow(ctx, login);
}

function describe(after: ServerUser | undefined, wanted: Narrowing): string {
    if (!after) return "it is gone";
    const roles = new Set((after.roles ?? []).map((r) => r.name));
    const left = wanted.roles.filter((r) => roles.has(r));
    const stillOpen = (wanted.disable && !after.disabled) || left.length > 0;
    const state = `${after.disabled ? "disabled" : "ENABLED"} with roles [${[...roles].join(", ")}]`;
    return stillOpen ? `the undo is NOT confirmed: the tenant shows it ${state}` : `the tenant now shows it ${state}`;
}
