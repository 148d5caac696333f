// The UserSet resource's provider: a whole list of users as one resource, for bulk loads. Every
// member is created, updated or deleted by the same operations as a User (userOps.ts), all handed
// to the tenant's job runner at once, so the runner packs them into as few jobs as the vendor's
// limit allows (one job may carry added, modified and deleted users together). Inputs and outputs
// are keyed by login, so `pulumi preview --diff` shows which members change.
import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { checkInputs, containsUnknown, PROVIDER_KEY } from "./check";
import { PrimaveraError, ResourceInitError } from "../api/errors";
import { changedFields, declaredKeys, declaredView, managedView, UserInputs } from "../model/fields";
import { progress } from "../api/progress";
import { plainJson } from "./outputs";
import { checkRoleNames } from "./roleCheck";
import { ConfiguredProvider } from "./configured";
import { ServerUser } from "../api/schemas";
import { claimLogin } from "../tenant/registry";
import { createUser, deleteUser, Done, PartlyFailed, updateUser } from "./userOps";

/** What the host passes in: the members keyed by login (unchecked before check()), and the provider text. */
interface Inputs {
    users: Record<string, UserInputs>;
    [PROVIDER_KEY]?: string;
}
/** What the state holds: the outputs, and the provider text. */
type Outputs = UserSetOutputs & { [PROVIDER_KEY]?: string };

/**
 * One member as the state keeps it: the fields its declaration manages (only those: a field left
 * out is not managed, and its absence here says so), as the tenant holds them, and its status.
 */
export type Member = Partial<Omit<UserInputs, "password" | "loginId">> & { status?: string };

export interface UserSetOutputs {
    /** By login: the managed fields as the tenant holds them, and the tenant's status. */
    users: Record<string, Member>;
    /** By login: the server's user id. */
    userIds: Record<string, string>;
}

/** Most member errors quoted in one message; the rest are counted. */
const QUOTED_ERRORS = 20;

export class UserSetProvider extends ConfiguredProvider implements pulumi.dynamic.ResourceProvider<Inputs, Outputs> {
    async check(_olds: Inputs, news: Inputs): Promise<pulumi.dynamic.CheckResult<Inputs>> {
        const failures: pulumi.dynamic.CheckFailure[] = [];
        const raw: unknown = news.users;
        const given = news as object as Record<string, unknown>;
        for (const key of Object.keys(given)) {
            if (key !== "users" && key !== PROVIDER_KEY && given[key] !== undefined && given[key] !== null)
                failures.push({ property: key, reason: `unknown property '${key}'; a UserSet takes: users` });
        }
        if (containsUnknown(raw)) return { inputs: news, failures };
        if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
            failures.push({ property: "users", reason: "users is required: a list of users, each with the fields of a User" });
            return { inputs: news, failures };
        }
        const users: Record<string, UserInputs> = {};
        for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
            const declared = (value ?? {}) as Record<string, unknown>;
            const login = typeof declared.loginId === "string" ? declared.loginId : key;
            if (key !== login) {
                failures.push({ property: `users.${login}`, reason: `login '${login}' is listed twice in this UserSet: each login once` });
                continue;
            }
            if (declared.password !== undefined) {
                failures.push({
                    property: `users.${login}.password`,
                    reason:
                        "password is not supported in a UserSet (it would make the whole list a secret, hiding every change in " +
                        "previews): set initial passwords with the vendor's reset, or declare that user as a User",
                });
                continue;
            }
            let checked = checkInputs(declared, "a UserSet member");
            if (!checked.failures?.length)
                checked = await checkRoleNames(
                    checked,
                    () => this.settings(),
                    () => this.tenant(),
                );
            for (const f of checked.failures ?? []) failures.push({ property: `users.${login}.${f.property}`, reason: f.reason });
            users[login] = checked.inputs!;
        }
        failures.push(...this.settingsFailures());
        return { inputs: { users }, failures };
    }

    async diff(_id: string, olds: Outputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
        const plan = planOf(olds, news.users, containsUnknown);
        const providerChanged =
            news[PROVIDER_KEY] !== undefined && olds[PROVIDER_KEY] !== undefined && news[PROVIDER_KEY] !== olds[PROVIDER_KEY];
        const changes = plan.unknown || plan.add.length + plan.change.length + plan.remove.length > 0 || providerChanged;
        return { changes, replaces: [], deleteBeforeReplace: false };
    }

    async create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult<Outputs>> {
        const id = `userset-${randomUUID()}`;
        return { id, outs: await this.apply({ users: {}, userIds: {} }, inputs.users, inputs, id) };
    }

    async update(id: string, olds: Outputs, news: Inputs): Promise<pulumi.dynamic.UpdateResult<Outputs>> {
        return { outs: await this.apply(olds, news.users, news, id) };
    }

    async read(id: string, props?: Outputs): Promise<pulumi.dynamic.ReadResult<Outputs>> {
        const old: Partial<UserSetOutputs> = props ?? {};
        const members = old.users ?? {};
        const logins = Object.keys(members);
        const ctx = this.context();
        // One GET /user for the whole set (single reads for a set of fewer than four).
        const reads = await ctx.tenant.reader.readFresh(logins, ctx.deadline);
        const outs: UserSetOutputs = { users: {}, userIds: {} };
        const inputs: Record<string, unknown> = {};
        let dropped = 0;
        for (const login of logins) {
            const live = reads.get(login);
            if (live instanceof Error) throw live;
            const expectedId = old.userIds?.[login];
            if (!live || (expectedId && live.id !== expectedId)) {
                dropped++; // gone, or the login is someone else's user now: the next `up` creates ours again
                continue;
            }
            const keys = declaredKeys(members[login]);
            outs.users[login] = memberOf(live, keys, members[login]);
            outs.userIds[login] = live.id ?? expectedId ?? "";
            inputs[login] = { loginId: login, ...withoutStatus(outs.users[login]) };
        }
        if (dropped > 0)
            progress(`UserSet ${id}: ${dropped} member(s) gone from the tenant (or replaced outside Pulumi); the next up creates them`);
        // The SDK types `inputs` as the outputs' type, though they are the managed inputs; the host
        // stores what it is given.
        return { id, props: plainJson(outs), inputs: plainJson({ users: inputs }) as unknown as Outputs };
    }

    async delete(_id: string, props: Outputs): Promise<void> {
        const old: Partial<UserSetOutputs> = props;
        const ctx = this.context();
        const deprovision = this.settings().deletionMode === "deprovision";
        const logins = Object.keys(old.users ?? {});
        progress(`UserSet: ${deprovision ? "deprovisioning" : "deleting"} ${logins.length} user(s)`);
        const results = await Promise.allSettled(logins.map((l) => deleteUser(ctx, l, old.userIds?.[l], deprovision)));
        const failed = results.flatMap((r, i) => (r.status === "rejected" ? [`${logins[i]}: ${(r.reason as Error).message}`] : []));
        if (failed.length > 0) {
            throw new PrimaveraError(
                `${failed.length} of ${logins.length} member(s) could not be ${deprovision ? "deprovisioned" : "deleted"}; the set stays in the ` +
                    `state (run the command again: members already gone count as done):\n${quote(failed)}`,
            );
        }
    }

    /**
     * Brings the tenant from `olds` (the last outputs) to the declaration `declared`: every added,
     * changed and removed member at once, through the one job runner. Members that failed are left
     * as they were in the outputs (or out of them, for a failed add), so the next `up` retries only
     * them; any failure makes the whole an init error that carries those outputs.
     */
    private async apply(olds: UserSetOutputs, declared: Record<string, UserInputs>, raw: Inputs, id: string): Promise<UserSetOutputs> {
        const ctx = this.context();
        const plan = planOf(olds, declared);
        const deprovision = this.settings().deletionMode === "deprovision";
        const outs: UserSetOutputs = { users: { ...(olds.users ?? {}) }, userIds: { ...(olds.userIds ?? {}) } };
        const total = plan.add.length + plan.change.length + plan.remove.length;
        if (total > 0)
            progress(
                `UserSet: ${plan.add.length} to create, ${plan.change.length} to update, ${plan.remove.length} to ${deprovision ? "deprovision" : "delete"}`,
            );
        const failures: string[] = [];
        const record = (login: string, done: Done) => {
            outs.users[login] = memberOf(done.user, declaredKeys(declared[login]), declared[login]);
            outs.userIds[login] = done.user.id ?? outs.userIds[login];
        };
        const settle = async (login: string, op: () => Promise<Done | void>, onDone: (d: Done | void) => void) => {
            try {
                onDone(await op());
            } catch (e) {
                if (e instanceof PartlyFailed) record(login, e);
                failures.push(`${login}: ${(e as Error).message}`);
            }
        };
        await Promise.all([
            ...plan.add.map((login) =>
                settle(
                    login,
                    async () => {
                        claimLogin(ctx.tenant, login, `set:${id}`);
                        try {
                            return await createUser(ctx, declared[login]);
                        } catch (e) {
                            if (!(e instanceof PartlyFailed)) ctx.tenant.created.delete(login);
                            throw e;
                        }
                    },
                    (d) => record(login, d as Done),
                ),
            ),
            ...plan.change.map((login) =>
                settle(
                    login,
                    () => updateUser(ctx, declared[login], olds.userIds?.[login], false, "recreate"),
                    (d) => record(login, d as Done),
                ),
            ),
            ...plan.remove.map((login) =>
                settle(
                    login,
                    () => deleteUser(ctx, login, olds.userIds?.[login], deprovision),
                    () => {
                        delete outs.users[login];
                        delete outs.userIds[login];
                    },
                ),
            ),
        ]);
        const result = plainJson(outs);
        if (failures.length > 0) {
            throw new ResourceInitError(
                `${failures.length} of ${total} member change(s) failed; the others are done and recorded, and the next ` +
                    `\`pulumi up\` retries only these:\n${quote(failures)}`,
                id,
                { ...result, [PROVIDER_KEY]: raw[PROVIDER_KEY] },
            );
        }
        return result;
    }
}

interface Plan {
    add: string[];
    change: string[];
    remove: string[];
    /** Something is not known yet (preview). */
    unknown: boolean;
}

/** Which members are added, changed and removed between the last outputs and a declaration. */
function planOf(olds: Partial<UserSetOutputs>, news: unknown, unknown: (v: unknown) => boolean = () => false): Plan {
    const plan: Plan = { add: [], change: [], remove: [], unknown: false };
    const members = olds.users ?? {};
    if (!news || typeof news !== "object" || unknown(news)) return { ...plan, unknown: true };
    const declared = news as Record<string, Partial<UserInputs>>;
    for (const [login, d] of Object.entries(declared)) {
        if (!(login in members)) plan.add.push(login);
        else if (changedFields(members[login], d, { unknown }).length > 0) plan.change.push(login);
    }
    for (const login of Object.keys(members)) if (!(login in declared)) plan.remove.push(login);
    return plan;
}

/** The state's view of a member: the declared fields as the tenant holds them, and its status. */
function memberOf(live: ServerUser, keys: string[], declared: Partial<UserInputs> | Member): Member {
    const view = declaredView(managedView(live), keys, declared.organization?.type);
    return { ...view, ...(declared.adopt ? { adopt: true } : {}), status: live.status } as Member;
}

function withoutStatus(m: Member): Record<string, unknown> {
    const { status: _s, ...rest } = m;
    return rest;
}

function quote(lines: string[]): string {
    const shown = lines.slice(0, QUOTED_ERRORS).map((l) => `  - ${l}`);
    if (lines.length > QUOTED_ERRORS) shown.push(`  ... and ${lines.length - QUOTED_ERRORS} more`);
    return shown.join("\n");
}
