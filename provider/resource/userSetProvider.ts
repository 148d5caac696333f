// The UserSet resource's provider: a whole list of users as one resource, for bulk loads. Every
// member is created, updated or deleted by the same operations as a User (operations/), all
// handed to the tenant's job runner at once, so the runner packs them into as few jobs as the
// vendor's limit allows. Inputs and outputs are keyed by login and have the same shape (a member's
// status and id are outputs of their own), so the engine's own comparison, and `pulumi preview
// --diff`, names only the members that change.
//
// What keeps a set from removing people by accident: an update never empties a set that had
// members (destroying the set does that, and `protect` guards it); removals over
// primavera:maxDeletions fail at preview and before anything is deleted; and when an update both
// adds and removes (a rename is one of each) the removals wait until every add is confirmed (a
// login moved to another resource of the run is released at once: that deletes nobody).
import { PROFILE_NAME } from "../config/tenants";
import { Drift, reportDrift } from "../operations/driftAuthor";
import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { checkInputs, containsUnknown, PROVIDER_KEY, providerTextChanged } from "./check";
import { PrimaveraError, ResourceInitError } from "../api/errors";
import { changedFields, declaredKeys, declaredView, managedView, UserInputs } from "../model/fields";
import { progress } from "../api/progress";
import { plainJson } from "./outputs";
import { checkRoleNames } from "./roleCheck";
import { ConfiguredProvider } from "./configured";
import { ServerUser } from "../api/schemas";
import { createUser } from "../operations/create";
import { Done, OpContext, PartlyFailed } from "../operations/context";
import { deleteUser } from "../operations/delete";
import { updateUser } from "../operations/update";
import { claimKey } from "../safety/ownership";
import { byLogin, Plan, planOf } from "./userSetPlan";

/** What the host passes in: the members keyed by login (unchecked before check()), and the provider text. */
interface Inputs {
    users: Record<string, UserInputs>;
    /** The profile of primavera:tenants whose tenant holds the members; absent: the provider's own settings. */
    tenant?: string;
    [PROVIDER_KEY]?: string;
}
/** What the state holds: the outputs, and the provider text. */
type Outputs = UserSetOutputs & { [PROVIDER_KEY]?: string };

/**
 * One member as the state keeps it, in the shape of its declaration: the login, the fields its
 * declaration manages (only those: a field left out is not managed, and its absence here says so)
 * as the tenant holds them, and `adopt` as declared.
 */
export type Member = Partial<Omit<UserInputs, "password">>;

export interface UserSetOutputs {
    /** By login: the member's declared fields as the tenant holds them (the inputs' shape). */
    users: Record<string, Member>;
    /** By login: the tenant's status ("Active", "Disabled"). */
    statuses: Record<string, string>;
    /** By login: the server's user id. */
    userIds: Record<string, string>;
    /** The profile whose tenant holds the members (absent: the provider's own settings). */
    tenant?: string;
}

/** Most member errors quoted in one message; the rest are counted. */
const QUOTED_ERRORS = 20;

export class UserSetProvider extends ConfiguredProvider implements pulumi.dynamic.ResourceProvider<Inputs, Outputs> {
    async check(olds: Inputs, news: Inputs): Promise<pulumi.dynamic.CheckResult<Inputs>> {
        const failures: pulumi.dynamic.CheckFailure[] = strayKeys(news);
        const raw: unknown = news.users;
        if (containsUnknown(raw) || containsUnknown(news.tenant)) return { inputs: news, failures };
        const profile = news.tenant;
        if (profile !== undefined && (typeof profile !== "string" || !PROFILE_NAME.test(profile))) {
            failures.push({
                property: "tenant",
                reason: "tenant: a profile name of primavera:tenants (letters, digits, _ and -, up to 63)",
            });
            return { inputs: news, failures };
        }
        if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
            failures.push({ property: "users", reason: "users is required: a list of users, each with the fields of a User" });
            return { inputs: news, failures };
        }
        const users = new Map<string, UserInputs>();
        for (const [key, value] of byLogin(raw as Record<string, unknown>)) {
            const checked = await this.checkMember(key, value, profile);
            failures.push(...checked.failures);
            if (checked.inputs) users.set(key, checked.inputs);
        }
        failures.push(...this.settingsFailures(profile));
        if (failures.length === 0) failures.push(...this.declareMembers(olds, [...users.keys()], profile));
        return { inputs: { users: Object.fromEntries(users), ...(profile !== undefined ? { tenant: profile } : {}) }, failures };
    }

    async diff(_id: string, stored: Outputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
        const olds = currentForm(stored);
        // Another tenant is another set of users: created there before the old members are removed.
        if (containsUnknown(news.tenant) || news.tenant !== olds.tenant) {
            // The old members are deleted from the old tenant after the move: its limit must allow that before anything is created.
            const old = this.context(olds.tenant);
            const count = Object.keys(olds.users).length;
            const verb = old.deprovision ? "deprovision" : "delete";
            old.tenant.deletions.check(count, `${verb} the ${count} member(s) this UserSet moves to another tenant`);
            return { changes: true, replaces: ["tenant"], deleteBeforeReplace: false };
        }
        const members = byLogin(olds.users);
        const plan = planOf(members, news.users, containsUnknown);
        if (!plan.unknown) await this.refusals(members.size, plan, news.users, true, news.tenant);
        const providerChanged = providerTextChanged(olds[PROVIDER_KEY], news[PROVIDER_KEY]);
        const changes =
            plan.unknown || plan.add.length + plan.change.length + plan.remove.length > 0 || providerChanged || isEarlierForm(stored);
        return { changes, replaces: [], deleteBeforeReplace: false };
    }

    async create(inputs: Inputs): Promise<pulumi.dynamic.CreateResult<Outputs>> {
        const id = `userset-${randomUUID()}`;
        return { id, outs: await this.apply({ users: {}, statuses: {}, userIds: {} }, inputs.users, inputs, id) };
    }

    async update(id: string, olds: Outputs, news: Inputs): Promise<pulumi.dynamic.UpdateResult<Outputs>> {
        return { outs: await this.apply(currentForm(olds), news.users, news, id) };
    }

    async read(id: string, props?: Outputs): Promise<pulumi.dynamic.ReadResult<Outputs>> {
        const old = currentForm(props ?? {});
        const members = byLogin(old.users);
        const userIds = byLogin(old.userIds);
        const ctx = this.context(old.tenant);
        // One GET /user for the whole set (single reads for a set of fewer than four).
        const reads = await ctx.tenant.reader.readFresh([...members.keys()], ctx.deadline);
        const users = new Map<string, Member>();
        const statuses = new Map<string, string>();
        const ids = new Map<string, string>();
        let dropped = 0;
        const drifts: [string, Drift][] = [];
        for (const [login, member] of members) {
            const live = reads.get(login);
            if (live instanceof Error) throw live;
            const expectedId = userIds.get(login);
            if (!live || (expectedId && live.id !== expectedId)) {
                dropped++; // gone, or the login is someone else's user now: the next `up` creates ours again
                drifts.push([login, live ? { kind: "recreated", id: live.id ?? "" } : { kind: "removed" }]);
                continue;
            }
            const current = memberOf(live, member);
            const changed = changedFields(current, member);
            if (changed.length > 0) drifts.push([login, { kind: "changed", fields: changed }]);
            users.set(login, current);
            if (live.status !== undefined) statuses.set(login, live.status);
            ids.set(login, live.id ?? expectedId ?? "");
        }
        const account = ctx.account;
        await Promise.all(drifts.map(([login, drift]) => reportDrift(ctx.tenant, account, login, drift, ctx.deadline)));
        const outs: UserSetOutputs = {
            users: Object.fromEntries(users),
            statuses: Object.fromEntries(statuses),
            userIds: Object.fromEntries(ids),
            ...(old.tenant !== undefined ? { tenant: old.tenant } : {}),
        };
        if (dropped > 0)
            progress(`UserSet ${id}: ${dropped} member(s) gone from the tenant (or replaced outside Pulumi); the next up creates them`);
        // The live inputs are the members as read: the outputs have the inputs' shape. The SDK types
        // `inputs` as the outputs' type, though they are the managed inputs; the host stores what it is given.
        const inputs: Inputs = { users: outs.users as Record<string, UserInputs>, tenant: outs.tenant };
        return readResult(id, plainJson(outs), plainJson(inputs));
    }

    async delete(_id: string, props: Outputs): Promise<void> {
        const ctx = this.context(props.tenant);
        const logins = Object.keys(props.users ?? {});
        const userIds = byLogin(props.userIds as Record<string, string> | undefined);
        const verb = ctx.deprovision ? "deprovision" : "delete";
        ctx.tenant.deletions.check(logins.length, `${verb} the ${logins.length} member(s) of this UserSet`);
        progress(`UserSet: ${ctx.deprovision ? "deprovisioning" : "deleting"} ${logins.length} user(s)`);
        const results = await Promise.allSettled(logins.map((l) => deleteUser(ctx, l, userIds.get(l))));
        const failed = results.flatMap((r, i) => (r.status === "rejected" ? [`${logins[i]}: ${(r.reason as Error).message}`] : []));
        if (failed.length > 0) {
            throw new PrimaveraError(
                `${failed.length} of ${logins.length} member(s) could not be ${verb}d; the set stays in the ` +
                    `state (run the command again: members already gone count as done):\n${quote(failed)}`,
            );
        }
    }

    /** One member checked like a User (shape, then role names); its failures named `users.LOGIN.field`. */
    private async checkMember(
        key: string,
        value: unknown,
        profile: string | undefined,
    ): Promise<{ inputs?: UserInputs; failures: pulumi.dynamic.CheckFailure[] }> {
        const declared = (value ?? {}) as Record<string, unknown>;
        const login = typeof declared.loginId === "string" ? declared.loginId : key;
        if (key !== login) {
            return {
                failures: [{ property: `users.${login}`, reason: `login '${login}' is listed twice in this UserSet: each login once` }],
            };
        }
        if (declared.password !== undefined) {
            const reason =
                "password is not supported in a UserSet (it would make the whole list a secret, hiding every change in " +
                "previews): set initial passwords with the vendor's reset, or declare that user as a User";
            return { failures: [{ property: `users.${login}.password`, reason }] };
        }
        if (declared.tenant !== undefined) {
            const reason = "tenant: set it on the UserSet, not on a member (a set lives on one tenant)";
            return { failures: [{ property: `users.${login}.tenant`, reason }] };
        }
        let checked = checkInputs(declared, "a UserSet member");
        if (!checked.failures?.length)
            checked = await checkRoleNames(
                checked,
                () => this.settings(profile),
                () => this.tenant(profile),
            );
        const failures = (checked.failures ?? []).map((f) => ({ property: `users.${login}.${f.property}`, reason: f.reason }));
        return { inputs: checked.inputs && withRolesSorted(checked.inputs), failures };
    }

    /** One owner per login in this run: the set declares every member (told apart from other sets by its members). */
    private declareMembers(olds: Inputs, logins: string[], profile: string | undefined): pulumi.dynamic.CheckFailure[] {
        const before = Object.keys(olds?.users ?? {});
        const identity = before.length ? `was:${before.sort().join("\n")}` : `new:${[...logins].sort().join("\n")}`;
        const claimant = { key: claimKey("UserSet", identity), describe: "a member of a UserSet" };
        const { ownership } = this.tenant(profile);
        return logins.flatMap((login) => {
            const problem = ownership.declare(login, claimant);
            return problem ? [{ property: `users.${login}.loginId`, reason: problem }] : [];
        });
    }

    /**
     * Throws when the change must not go ahead: it empties a set that had members, removes more
     * users than primavera:maxDeletions allows, or (at preview) adds a login someone else holds
     * without `adopt`, which would fail after the removals it may come with (a rename).
     */
    private async refusals(
        had: number,
        plan: Plan,
        declared: Record<string, UserInputs>,
        preview: boolean,
        profile: string | undefined,
    ): Promise<void> {
        if (had > 0 && plan.remove.length === had && plan.add.length === 0 && plan.change.length === 0) {
            throw new PrimaveraError(
                `this update would remove every member (${had}) of the UserSet: its member list is empty. Removing them all is ` +
                    `destroying the set: run \`pulumi destroy\` (or delete the resource from the program), which \`protect\` guards. ` +
                    `If the list came from a file, check that it was read.`,
            );
        }
        const ctx = this.context(profile);
        const verb = ctx.deprovision ? "deprovision" : "delete";
        ctx.tenant.deletions.check(plan.remove.length, `${verb} ${plan.remove.length} member(s) removed from this UserSet`);
        if (!preview) return;
        const members = byLogin(declared);
        const taken = [];
        const reads = await ctx.tenant.reader.readFresh(
            plan.add.filter((l) => members.get(l)?.adopt !== true),
            ctx.deadline,
        );
        for (const [login, live] of reads) if (live instanceof Error || live !== undefined) taken.push(login);
        if (taken.length > 0) {
            throw new PrimaveraError(
                `this update adds member(s) whose login already exists in the tenant, and this stack does not own them: ` +
                    `${taken.slice(0, QUOTED_ERRORS).join(", ")}${taken.length > QUOTED_ERRORS ? ` and ${taken.length - QUOTED_ERRORS} more` : ""}. ` +
                    `Nothing was changed. Give them \`adopt: true\` to take them over, or choose other logins.`,
            );
        }
    }

    /**
     * Brings the tenant from `olds` (the last outputs) to the declaration `declared`: added and
     * changed members at once through the one job runner, then the removed ones (with them when
     * nothing is added; after every add is confirmed otherwise). Members that failed are left as
     * they were in the outputs (or out of them, for a failed add), so the next `up` retries only
     * them; any failure makes the whole an init error that carries those outputs.
     */
    private async apply(olds: UserSetOutputs, declared: Record<string, UserInputs>, raw: Inputs, id: string): Promise<UserSetOutputs> {
        const ctx = this.context(raw.tenant);
        const members = byLogin(olds.users);
        const plan = planOf(members, declared);
        await this.refusals(members.size, plan, declared, false, raw.tenant);
        const state = new SetState(olds, declared);
        const total = plan.add.length + plan.change.length + plan.remove.length;
        if (total > 0)
            progress(
                `UserSet: ${plan.add.length} to create, ${plan.change.length} to update, ${plan.remove.length} to ${ctx.deprovision ? "deprovision" : "delete"}`,
            );
        const upserts = this.upserts(ctx, plan, declared, olds, state);
        // A removed login that another resource of this run declares is released (it moved there),
        // not deleted: held back, it would leave both resources holding the person.
        const released = plan.remove.filter((login) => ctx.tenant.ownership.isDeclared(login));
        const deleted = plan.remove.filter((login) => !ctx.tenant.ownership.isDeclared(login));
        if (plan.add.length === 0) await Promise.all([upserts, this.removals(ctx, plan.remove, olds, state)]);
        else {
            await Promise.all([upserts, this.removals(ctx, released, olds, state)]);
            if (state.failures.length === 0) await this.removals(ctx, deleted, olds, state);
            else state.heldBack(deleted);
        }
        const result = plainJson({ ...state.outputs(), ...(raw.tenant !== undefined ? { tenant: raw.tenant } : {}) });
        if (state.failures.length > 0) {
            throw new ResourceInitError(
                `${state.failures.length} of ${total} member change(s) failed; the others are done and recorded, and the next ` +
                    `\`pulumi up\` retries only these:\n${quote(state.failures)}`,
                id,
                { ...result, [PROVIDER_KEY]: raw[PROVIDER_KEY] },
            );
        }
        return result;
    }

    private upserts(
        ctx: OpContext,
        plan: Plan,
        declared: Record<string, UserInputs>,
        olds: UserSetOutputs,
        state: SetState,
    ): Promise<void[]> {
        const inputs = byLogin(declared);
        const ids = byLogin(olds.userIds);
        const members = byLogin(olds.users);
        return Promise.all([
            ...plan.add.map((login) => state.settle(login, () => createUser(ctx, inputs.get(login)!))),
            ...plan.change.map((login) =>
                state.settle(login, () =>
                    updateUser(ctx, inputs.get(login)!, ids.get(login), { sendPassword: false, wasDisabled: members.get(login)?.disabled }),
                ),
            ),
        ]);
    }

    private async removals(ctx: OpContext, logins: string[], olds: UserSetOutputs, state: SetState): Promise<void> {
        const ids = byLogin(olds.userIds);
        await Promise.all(logins.map((login) => state.settleRemoval(login, () => deleteUser(ctx, login, ids.get(login)))));
    }
}

/**
 * The UserSet provider as the engine runs it (stateEntry.ts). A change is answered "not known":
 * the engine then compares the old and new inputs itself and records the paths that differ, so
 * `preview --diff` and refresh print only the members that change (a plain "changes" makes them
 * print the whole map, every member). A state in the earlier form answers "changes": its rewrite
 * is no change of the inputs. Members whose update failed are retried whatever the answer (the
 * engine always updates a resource with an init error).
 */
export class EngineUserSetProvider extends UserSetProvider {
    async diff(id: string, olds: Outputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
        const result = await super.diff(id, olds, news);
        const replaces = (result.replaces ?? []).length > 0;
        return result.changes && !replaces && !isEarlierForm(olds) ? { ...result, changes: undefined } : result;
    }
}

/** The outputs a set's update builds up member by member, and the failures on the way. */
class SetState {
    readonly failures: string[] = [];
    private readonly users: Map<string, Member>;
    private readonly statuses: Map<string, string>;
    private readonly userIds: Map<string, string>;
    private readonly declared: Map<string, UserInputs>;

    constructor(olds: UserSetOutputs, declared: Record<string, UserInputs>) {
        this.users = byLogin(olds.users);
        this.statuses = byLogin(olds.statuses);
        this.userIds = byLogin(olds.userIds);
        this.declared = byLogin(declared);
        // Members this update leaves alone take their declaration's shape too (`adopt`, the roles' order).
        for (const [login, member] of this.users) {
            const d = this.declared.get(login);
            if (d) this.users.set(login, reshaped(member, d));
        }
    }

    async settle(login: string, op: () => Promise<Done>): Promise<void> {
        try {
            this.record(login, await op());
        } catch (e) {
            if (e instanceof PartlyFailed) this.record(login, e);
            this.failures.push(`${login}: ${(e as Error).message}`);
        }
    }

    async settleRemoval(login: string, op: () => Promise<unknown>): Promise<void> {
        try {
            await op();
            this.users.delete(login);
            this.statuses.delete(login);
            this.userIds.delete(login);
        } catch (e) {
            this.failures.push(`${login}: ${(e as Error).message}`);
        }
    }

    heldBack(logins: string[]): void {
        if (logins.length === 0) return;
        this.failures.push(
            `${logins.length} removal(s) held back (${logins.slice(0, 5).join(", ")}${logins.length > 5 ? ", ..." : ""}): a set that ` +
                `adds and removes members removes them only once every add is confirmed, so a rename never deletes a person ` +
                `whose new login could not be created`,
        );
    }

    outputs(): UserSetOutputs {
        return {
            users: Object.fromEntries(this.users),
            statuses: Object.fromEntries(this.statuses),
            userIds: Object.fromEntries(this.userIds),
        };
    }

    private record(login: string, done: Done): void {
        const declared = this.declared.get(login)!;
        this.users.set(login, memberOf(done.user, declared));
        if (done.user.status !== undefined) this.statuses.set(login, done.user.status);
        else this.statuses.delete(login);
        if (done.user.id) this.userIds.set(login, done.user.id);
    }
}

function strayKeys(news: Inputs): pulumi.dynamic.CheckFailure[] {
    const given = byLogin(news as object as Record<string, unknown>);
    return [...given]
        .filter(([key, value]) => key !== "users" && key !== "tenant" && key !== PROVIDER_KEY && value !== undefined && value !== null)
        .map(([key]) => ({ property: key, reason: `${key}: not a property of a UserSet; a UserSet takes: users, tenant` }));
}

/**
 * The state's view of a member, in its declaration's shape: the login it is declared under (a
 * tenant that folds case may spell it otherwise), the declared fields as the tenant holds them
 * (roles in the declared order, others after them), and `adopt` as declared.
 */
function memberOf(live: ServerUser, declared: Member): Member {
    const view = declaredView(managedView(live), declaredKeys(declared), declared.organization?.type);
    if (Array.isArray(view.roles)) view.roles = rolesInOrder(view.roles as string[], declared.roles);
    const adopt = declared.adopt === undefined ? {} : { adopt: declared.adopt };
    return { loginId: declared.loginId ?? live.loginId, ...view, ...adopt } as Member;
}

/**
 * A member's roles are a set: the inputs hold them sorted, so a reorder in the program is the same
 * inputs for the engine too, and a refresh (which knows only the recorded order) never shows one.
 */
function withRolesSorted(inputs: UserInputs): UserInputs {
    return Array.isArray(inputs.roles) && !containsUnknown(inputs.roles) ? { ...inputs, roles: [...inputs.roles].sort() } : inputs;
}

/** A recorded member in the shape of its (unchanged) declaration: its `adopt` and its roles' order. */
function reshaped(member: Member, declared: UserInputs): Member {
    const { adopt: _a, ...fields } = member;
    const roles = Array.isArray(fields.roles) ? { roles: rolesInOrder(fields.roles, declared.roles) } : {};
    return { ...fields, ...roles, ...(declared.adopt === undefined ? {} : { adopt: declared.adopt }) };
}

/**
 * A member's live roles in the order its declaration lists them, the others after them sorted, so
 * that a role added outside Pulumi reads as one addition and a reordered declaration as no change.
 */
function rolesInOrder(live: string[], declared: readonly string[] | undefined): string[] {
    const have = new Set(live);
    const first = (declared ?? []).filter((r) => have.has(r));
    const listed = new Set(first);
    return [...first, ...live.filter((r) => !listed.has(r)).sort()];
}

/**
 * A UserSet state in the current form. The earlier form kept each member's status inside its entry
 * (`users.LOGIN.status`), not its login, and had no `statuses`: it reads as the same members, and
 * isEarlierForm makes the next up write it again in this form.
 */
function currentForm(stored: Partial<Outputs>): Outputs {
    const users: Record<string, Member> = {};
    const statuses = new Map<string, string>(Object.entries((stored.statuses as Record<string, string> | undefined) ?? {}));
    for (const [login, entry] of byLogin(stored.users as Record<string, Member & { status?: unknown }> | undefined)) {
        const { status, ...fields } = entry ?? {};
        if (typeof status === "string" && !statuses.has(login)) statuses.set(login, status);
        users[login] = { loginId: login, ...fields };
    }
    return {
        ...stored,
        users,
        statuses: Object.fromEntries(statuses),
        userIds: (stored.userIds as Record<string, string> | undefined) ?? {},
    };
}

/** Whether a stored UserSet state is in the earlier form (currentForm), so the next up rewrites it. */
function isEarlierForm(stored: Partial<Outputs>): boolean {
    if (stored.users === undefined) return false;
    if (stored.statuses === undefined) return true;
    return Object.entries(stored.users).some(([login, m]) => m?.loginId !== login || "status" in (m ?? {}));
}

function quote(lines: string[]): string {
    const shown = lines.slice(0, QUOTED_ERRORS).map((l) => `  - ${l}`);
    if (lines.length > QUOTED_ERRORS) shown.push(`  ... and ${lines.length - QUOTED_ERRORS} more`);
    return shown.join("\n");
}

/** A read's answer: the SDK types its `inputs` as the outputs' type, though the host stores whatever inputs it is given. */
function readResult<O extends object>(id: string, props: O, inputs: object): pulumi.dynamic.ReadResult<O> {
    return { id, props, inputs: inputs as O };
}
