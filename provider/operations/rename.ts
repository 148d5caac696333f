// A rename (a new loginId) creates the new login and then deletes the old user. That is safe only
// when the new login is free: checked at preview (diff), so a rename to a taken login fails
// before anything is deleted. The create checks again at submission, before the old user is touched.
import { PrimaveraError } from "../api/errors";
import { Tenant } from "../tenant/registry";

/** Why renaming `from` to `to` must not go ahead, or undefined when `to` is free (or taken over with adopt). */
export async function renameTargetProblem(
    tenant: Tenant,
    from: string,
    to: string,
    adopt: boolean,
    deadline: number,
): Promise<PrimaveraError | undefined> {
    const live = await tenant.reader.read(to, deadline);
    if (!live || adopt) return undefined;
    return new PrimaveraError(
        `renaming user '${from}' to '${to}': '${to}' already exists in the tenant (id ${live.id ?? "unknown"}) and this stack does ` +
            `not own it, so the new user could not be created, and '${from}' is kept. Choose a free loginId, or set \`adopt: true\` ` +
            `to take '${to}' over (the rename then deletes '${from}' once '${to}' is this stack's).`,
    );
}
