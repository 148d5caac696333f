// The User resource's provider: configure / check / diff / create / read / update / delete over the
// vendor's job API. Usable directly as a pulumi.dynamic.ResourceProvider (tests and advanced users
// call it without the engine); Pulumi programs reach it through the serialized shim (shim.ts).
//
// Identity safety (README, Reliability): each operation decides what to send from a read taken
// right before its job is submitted (runner.ts), touches only the user with exactly its login and
// the id in state, takes over an existing user only with `adopt: true` (or the leftover rule
// below), and reports success only when the job result or a read-back confirms it.
import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { checkInputs, PROVIDER_KEY } from "./check";
import { checkRoleNames } from "./roleCheck";
import { configFailures, ConfigLookup, resolveConfig } from "./config";
import { diffUser } from "./diff";
import { PrimaveraError, ResourceInitError } from "./errors";
import { changedFields, declaredOnto, managedView, recordFromLive, UserInputs } from "./fields";
import { LoginCaseError } from "./identity";
import { addedWasUpdate, entryProblem, resolvedId } from "./jobs/outcome";
import { Prepared, PrepareContext, Settled } from "./jobs/runner";
import { progress } from "./jobs/progress";
import { declaredKeys, hashPassword, liveInputs, orgTypeOf, passwordMatches, plainJson, toOutputs, UserOutputs } from "./normalize";
import { ProviderConfig, ProviderConfigInput, ServerUser, UserRecord } from "./schemas";
import { Tenant, tenantFor } from "./tenant";

type Props = Record<string, unknown>;

/** Declared values compared with a live record. */
const LIVE = { live: true };

export class UserProvider implements pulumi.dynamic.ResourceProvider {
    private stackConfig: ConfigLookup = () => undefined;
    private resolved: ProviderConfig | undefined;

    /** `config` overrides stack config and environment variables, key by key. */
    constructor(private readonly explicit: Partial<ProviderConfigInput> = {}) {}

    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        this.stackConfig = (key) => req.config.get(key);
        this.resolved = undefined;
    }

    /** The settings in force; throws a ConfigError that names what is missing and how to set it. */
    settings(): ProviderConfig {
        return (this.resolved ??= resolveConfig(this.explicit, this.stackConfig));
    }

    tenant(): Tenant {
        return tenantFor(this.settings());
    }

    async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
        // Shape and settings first (no network), then role names against the tenant's catalog (one
        // GET /roles per process). Bad or missing settings fail every resource's preview, naming the key.
        const shape = checkInputs(news);
        const settings = configFailures(this.explicit, this.stackConfig);
        if (settings.length > 0) return { inputs: shape.inputs, failures: [...(shape.failures ?? []), ...settings] };
        return checkRoleNames(
            shape,
            () => this.settings(),
            () => this.tenant(),
        );
    }

    async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
        return diffUser(olds, news);
    }

    async create(raw: Props): Promise<pulumi.dynamic.CreateResult> {
        const inputs = raw as unknown as UserInputs;
        const login = inputs.loginId;
        const deadline = this.deadline();
        const tenant = this.tenant();
        // One owner per login: a second resource of this program declaring the same login fails.
        if (tenant.created.has(login)) {
            throw new PrimaveraError(
                `user '${login}' is declared by two resources of this program: each login may be managed by one resource only. ` +
                    `Remove one of them (or give it another loginId).`,
            );
        }
        tenant.created.add(login);
        try {
            return await this.createClaimed(raw, inputs, tenant, deadline);
        } catch (e) {
            // A create that made nothing (refused, not ours) leaves the login free for another try.
            if (!(e instanceof ResourceInitError)) tenant.created.delete(login);
            throw e;
        }
    }

    private async createClaimed(raw: Props, inputs: UserInputs, tenant: Tenant, deadline: number): Promise<pulumi.dynamic.CreateResult> {
        const login = inputs.loginId;
        const account = this.settings().username;
        // A client-side id that is not a server id: updatedIdMap tells which id the server assigned.
        const clientId = `pulumi-${randomUUID()}`;
        const settled = await tenant.runner.run({
            loginId: login,
            deadline,
            prepare: (live, ctx) => {
                if (!live) {
                    const record = declaredOnto({ loginId: login, id: clientId }, inputs, true);
                    return { send: "add", record: withPassword(record, inputs.password) };
                }
                if (ours(live, inputs, ctx, account)) {
                    // Already exactly as declared: nothing to send, unless a password must be set.
                    return inputs.password
                        ? { send: "modify", record: withPassword(recordFromLive(live), inputs.password) }
                        : { done: true };
                }
                if (!inputs.adopt) throw exists(login, live);
                return this.prepareModify(live, inputs, live.id, true);
            },
        });
        if (!settled.sent) return this.finish(inputs, settled, settled.live, "creating");
        if (settled.sent === "modify") {
            // Adopted (or our own leftover given its password): confirmed like an update.
            const user = await this.confirmModify(settled, inputs, deadline, settled.live?.id);
            return this.finish(inputs, settled, user, "adopting");
        }
        const outcome = settled.outcome!;
        if (outcome.caseVariant) throw new LoginCaseError(login, outcome.caseVariant, `the result of job ${outcome.jobId}`);
        if (outcome.entry && addedWasUpdate(outcome) && !settled.maybeSentBefore) {
            // The login appeared between our read and the job (another administrator, another stack):
            // the vendor's upsert applied our record to it. Say so; do not claim it as created.
            throw new PrimaveraError(
                `user '${login}' (id ${outcome.entry.id ?? "unknown"}) already existed when job ${outcome.jobId} ran: someone created it ` +
                    `after this program checked, and the vendor's upsert applied this program's fields to it. It is NOT recorded as ` +
                    `created by this stack. Check the account in the vendor UI; to manage it from this program, set \`adopt: true\` ` +
                    `and run \`pulumi up\` again.`,
            );
        }
        let user: ServerUser | undefined = outcome.entry;
        const id = resolvedId(outcome, clientId);
        if (!user) {
            // No entry for us in the result: only a read-back showing the declared user confirms it.
            const back = await this.readNow(login, deadline);
            if (!back || changedFields(managedView(back), inputs, LIVE).length > 0) {
                throw new PrimaveraError(
                    `creating user '${login}': job ${outcome.jobId} finished without an entry for the user` +
                        `${outcome.jobException ? ` (job error: ${outcome.jobException})` : ""}, and ` +
                        (back
                            ? `the tenant holds it with other values (${changedFields(managedView(back), inputs, LIVE).join(", ")}).`
                            : "the tenant does not have it.") +
                        " Nothing is recorded; run `pulumi up` again once the cause is fixed.",
                );
            }
            user = back;
        }
        const problem = entryProblem(outcome.entry);
        const finalId = id ?? user.id;
        if (problem) {
            if (!finalId) throw new PrimaveraError(`creating user '${login}' failed in job ${outcome.jobId}: ${problem}`);
            const outs = await this.outputsOf(inputs, { ...user, id: finalId }, outcome.jobId, undefined, deadline);
            throw new ResourceInitError(
                `user '${login}' was created (id ${finalId}) but job ${outcome.jobId} reported: ${problem}. ` +
                    `Fix the cause (for example a role name that is not in the tenant's catalog: see GET /roles) and run \`pulumi up\` again.`,
                finalId,
                withProvider(outs, raw),
            );
        }
        return this.finish(inputs, settled, { ...user, id: finalId }, "creating");
    }

    async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
        const deadline = this.deadline();
        const old = props as Partial<UserOutputs>;
        const loginId = typeof props.loginId === "string" ? props.loginId : undefined;
        const { reader } = this.tenant();
        // `User.get(name, id)`: the engine knows only the id.
        const live = loginId ? await reader.read(loginId, deadline) : await reader.readById(id, deadline);
        // Gone: an empty id makes refresh drop the resource from state.
        if (!live) return { id: "", props: {} };
        const expectedId = old.userId || id;
        if (loginId && expectedId && live.id && live.id !== expectedId) {
            progress(
                `warning: user '${loginId}' now has id ${live.id}, not ${expectedId} as in the state: the user this stack managed was ` +
                    `deleted and the login created again outside Pulumi. The new user is not this stack's; it is dropped from the state.`,
            );
            return { id: "", props: {} };
        }
        const outs = toOutputs(
            live,
            { lastJobId: old.lastJobId, passwordHash: old.passwordHash, adopt: old.adopt, declared: old.declared },
            orgTypeOf(old),
        );
        // The managed inputs as the tenant holds them: refresh and preview then show drift by field.
        const inputs = old.declared ? liveInputs(outs, old.declared) : undefined;
        return { id: live.id || id, props: outs as unknown as Props, ...(inputs ? { inputs } : {}) };
    }

    async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
        const inputs = news as unknown as UserInputs;
        const deadline = this.deadline();
        const old = olds as Partial<UserOutputs>;
        const expectedId = old.userId || id;
        const passwordChanged = inputs.password !== undefined && !passwordMatches(inputs.password, old.passwordHash);
        const settled = await this.tenant().runner.run({
            loginId: inputs.loginId,
            deadline,
            prepare: (live) => {
                if (!live) {
                    throw new PrimaveraError(
                        `user '${inputs.loginId}' (id ${expectedId}) no longer exists in the tenant: it was deleted outside Pulumi. ` +
                            `Run \`pulumi refresh\` to drop it from the state, then \`pulumi up\` creates it again.`,
                    );
                }
                if (expectedId && live.id !== expectedId) throw replacedOutside(inputs.loginId, expectedId, live);
                return this.prepareModify(live, inputs, expectedId, passwordChanged);
            },
        });
        const user = settled.sent ? await this.confirmModify(settled, inputs, deadline, expectedId, news) : settled.live;
        const hash = inputs.password === undefined ? undefined : passwordChanged ? undefined : old.passwordHash;
        const outs = await this.outputsOf(inputs, user!, settled.outcome?.jobId ?? old.lastJobId, hash, deadline);
        return { outs };
    }

    async delete(id: string, props: Props): Promise<void> {
        const old = props as Partial<UserOutputs>;
        const loginId = typeof props.loginId === "string" ? props.loginId : id;
        const expectedId = old.userId || id;
        const settings = this.settings();
        const deadline = this.deadline();
        const deprovision = settings.deletionMode === "deprovision";
        const settled = await this.tenant().runner.run({
            loginId,
            deadline,
            prepare: (live): Prepared => {
                if (!live) return { done: true }; // already gone
                if (expectedId && live.id !== expectedId) {
                    // Our user is gone; the login now belongs to someone else's user: not ours to touch.
                    progress(
                        `warning: user '${loginId}' now has id ${live.id}, not ${expectedId} as in the state: the user this stack ` +
                            `managed is gone and the login belongs to another user, which is left alone.`,
                    );
                    return { done: true };
                }
                this.guardOwnAccount(live, deprovision ? "deprovision" : "delete");
                if (!deprovision) return { send: "delete" };
                if (live.disabled && (live.roles ?? []).length === 0) return { done: true };
                return { send: "modify", record: { ...recordFromLive(live), disabled: true, roles: [] } };
            },
        });
        if (!settled.sent) return;
        const outcome = settled.outcome!;
        const after = await this.readNow(loginId, deadline);
        const stillOurs = after && (!expectedId || after.id === expectedId);
        if (deprovision) {
            if (!stillOurs) return; // gone altogether: more than asked, and nobody has the account
            const roles = (after.roles ?? []).map((r) => r.name);
            if (after.disabled && roles.length === 0) return;
            throw new PrimaveraError(
                `deprovisioning user '${loginId}' is not confirmed: after job ${outcome.jobId} ` +
                    `(${entryProblem(outcome.entry) ?? outcome.jobException ?? (outcome.entry ? "entry reported no problem" : "no entry for the user in the result")}) ` +
                    `the tenant shows it ${after.disabled ? "disabled" : "ENABLED"} with roles [${roles.join(", ")}]. ` +
                    `It stays in the state; run \`pulumi destroy\` (or \`up\`) again.`,
            );
        }
        if (!stillOurs) return; // deleted now, or already gone before: either way our user is gone.
        if (outcome.caseVariant) throw new LoginCaseError(loginId, outcome.caseVariant, `the result of job ${outcome.jobId}`);
        if (outcome.deleteFailedReason !== undefined) {
            throw new PrimaveraError(
                `deleting user '${loginId}' failed in job ${outcome.jobId}: the tenant answered "${outcome.deleteFailedReason}". ` +
                    `If this tenant does not allow deleting users, set primavera:deletionMode=deprovision (disable and remove all roles).`,
            );
        }
        throw new PrimaveraError(
            `deleting user '${loginId}': job ${outcome.jobId} finished${outcome.jobException ? ` (${outcome.jobException})` : ""} but the user is still present. ` +
                `Consider primavera:deletionMode=deprovision.`,
        );
    }

    /** The modify record for `live` with the declared fields laid over it; nothing to send when it already matches. */
    private prepareModify(live: ServerUser, inputs: UserInputs, id: string | undefined, sendPassword: boolean): Prepared {
        const current = recordFromLive(live);
        const record = declaredOnto({ ...current, ...(id ? { id } : {}) }, inputs, false);
        this.guardOwnAccount(live, record);
        if (!sendPassword && changedFields(managedView(live), inputs, LIVE).length === 0) return { done: true };
        return { send: "modify", record: withPassword(record, sendPassword ? inputs.password : undefined) };
    }

    /**
     * A modify job's outcome, confirmed: the user's entry without a problem, or (no entry) a
     * read-back that shows every declared field as declared. Returns the user as it now is.
     */
    private async confirmModify(
        settled: Settled,
        inputs: UserInputs,
        deadline: number,
        expectedId?: string,
        raw?: Props,
    ): Promise<ServerUser> {
        const outcome = settled.outcome!;
        const login = inputs.loginId;
        if (outcome.caseVariant) throw new LoginCaseError(login, outcome.caseVariant, `the result of job ${outcome.jobId}`);
        const id = resolvedId(outcome, settled.record?.id) ?? expectedId ?? settled.live?.id ?? "";
        if (outcome.entry) {
            const problem = entryProblem(outcome.entry);
            if (problem) {
                const outs = await this.outputsOf(inputs, { ...outcome.entry, id }, outcome.jobId, undefined, deadline);
                throw new ResourceInitError(
                    `updating user '${login}' (id ${id}): job ${outcome.jobId} reported: ${problem}`,
                    id,
                    withProvider(outs, raw ?? {}),
                );
            }
            return { ...outcome.entry, id };
        }
        const back = await this.readNow(login, deadline);
        const differs = back ? changedFields(managedView(back), inputs, LIVE) : [];
        if (!back || differs.length > 0) {
            throw new PrimaveraError(
                `updating user '${login}' (id ${id}) is not confirmed: job ${outcome.jobId} finished without an entry for the user` +
                    `${outcome.jobException ? ` (job error: ${outcome.jobException})` : ""}, and ` +
                    (back ? `a read-back shows ${differs.join(", ")} not as declared.` : "the user is no longer in the tenant.") +
                    " Run `pulumi up` again; `pulumi refresh` shows what the tenant holds.",
            );
        }
        return back;
    }

    /** Refuses to delete, disable or strip roles from the account this provider signs in with. */
    private guardOwnAccount(live: ServerUser, change: UserRecord | "delete" | "deprovision"): void {
        const account = this.settings().username;
        if (live.loginId.toLowerCase() !== account.toLowerCase()) return;
        const refuse = (what: string) => {
            throw new PrimaveraError(
                `refusing to ${what} user '${live.loginId}': it is the account this provider signs in with (primavera:username). ` +
                    `Doing it would lock Pulumi (and maybe every administrator) out of the tenant. Do it in the vendor UI, ` +
                    `signed in as another administrator, if you really mean it.`,
            );
        };
        if (change === "delete") return refuse("delete");
        if (change === "deprovision") return refuse("deprovision (disable and remove all roles of)");
        if (change.disabled === true && !live.disabled) refuse("disable");
        const keep = new Set((change.roles ?? []).map((r) => r.name));
        const lost = (live.roles ?? []).map((r) => r.name).filter((r) => !keep.has(r));
        if (lost.length > 0) refuse(`remove roles [${lost.join(", ")}] from`);
    }

    /** A read taken now (no snapshot): the user with exactly this login, or undefined. */
    private async readNow(login: string, deadline: number): Promise<ServerUser | undefined> {
        const got = (await this.tenant().reader.readFresh([login], deadline)).get(login);
        if (got instanceof Error) throw got;
        return got;
    }

    private async finish(inputs: UserInputs, settled: Settled, user: ServerUser | undefined, verb: string) {
        if (!user?.id) throw new PrimaveraError(`${verb} user '${inputs.loginId}': the tenant reports no id for it`);
        const outs = await this.outputsOf(inputs, user, settled.outcome?.jobId, undefined, this.deadline());
        return { id: user.id, outs };
    }

    /** Outputs from the user as the job echoed it, or from a fresh read when the echo lacks the record's fields. */
    private async outputsOf(
        inputs: UserInputs,
        user: ServerUser,
        jobId: string | undefined,
        keepHash: string | undefined,
        deadline: number,
    ): Promise<UserOutputs> {
        let full: ServerUser = user;
        if (!user.organization) full = (await this.readNow(inputs.loginId, deadline)) ?? user;
        const passwordHash = inputs.password === undefined ? undefined : (keepHash ?? hashPassword(inputs.password));
        return toOutputs(
            { ...full, id: user.id },
            { lastJobId: jobId, passwordHash, adopt: inputs.adopt ?? false, declared: declaredKeys(inputs) },
            orgTypeOf(inputs),
        );
    }

    private deadline(): number {
        return Date.now() + this.settings().timeoutSeconds * 1000;
    }
}

function withPassword(record: UserRecord, password: string | undefined): UserRecord {
    return password ? { ...record, password } : record;
}

/** Outputs plus the serialized provider: an init error's properties are stored as given (DESIGN 3.7). */
function withProvider(outs: UserOutputs, raw: Props): Props {
    return plainJson({ ...outs, [PROVIDER_KEY]: raw[PROVIDER_KEY] }) as Props;
}

function exists(login: string, live: ServerUser): PrimaveraError {
    return new PrimaveraError(
        `user '${login}' already exists in the tenant (id ${live.id ?? "unknown"}), and this program did not create it. ` +
            `To bring it under this program, set \`adopt: true\` on the resource: its declared fields are then applied and ` +
            `everything else (roles you do not list, other fields, whether it is disabled) is kept. Or choose another loginId.`,
    );
}

function replacedOutside(login: string, expectedId: string, live: ServerUser): PrimaveraError {
    return new PrimaveraError(
        `user '${login}' now has id ${live.id}, not ${expectedId} as in the state: the user this stack managed was deleted and the ` +
            `login created again outside Pulumi, so it is someone else's user now and is left alone. Run \`pulumi refresh\` to drop ` +
            `ours from the state; then \`adopt: true\` takes the new one over if that is what you want.`,
    );
}

/**
 * Whether an existing user may be taken for this create's own: an earlier job of this process sent
 * it and lost the answer, or (across processes) the leftover rule holds: it holds exactly the
 * declared fields and was created by this provider's own account. That is what an interrupted
 * run of this create leaves behind (the engine killed while the job ran, or a job that outlived
 * primavera:timeoutSeconds), and taking it over makes the next `pulumi up` converge. Any
 * difference (a field, a role, another creator, no creator) needs an explicit `adopt: true`.
 */
function ours(live: ServerUser, inputs: UserInputs, ctx: PrepareContext, account: string): boolean {
    if (changedFields(managedView(live), inputs, LIVE).length > 0) return false;
    if (ctx.maybeSentBefore) return true;
    return !!live.createdBy && live.createdBy.toLowerCase() === account.toLowerCase();
}
