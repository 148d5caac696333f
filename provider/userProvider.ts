// The User resource's provider: configure / check / diff / create / read / update / delete over the
// vendor's job API. Usable directly as a pulumi.dynamic.ResourceProvider (tests and advanced users
// call it without the engine); Pulumi programs reach it through the serialized shim (shim.ts).
import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { checkInputs, PROVIDER_KEY } from "./check";
import { checkRoleNames } from "./roleCheck";
import { ConfigLookup, resolveConfig } from "./config";
import { diffUser } from "./diff";
import { PrimaveraError, ResourceInitError } from "./errors";
import { entryProblem, Outcome, resolvedId } from "./jobs/outcome";
import { hashPassword, overlay, passwordMatches, recordFromInputs, recordFromLive, toOutputs, UserOutputs } from "./normalize";
import { ProviderConfig, ProviderConfigInput, ServerUser, UserInputs, UserRecord } from "./schemas";
import { Tenant, tenantFor } from "./tenant";

type Props = Record<string, unknown>;

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
        // Shape first (no network), then role names against the tenant's catalog (one GET /roles per process).
        return checkRoleNames(
            checkInputs(news),
            () => this.settings(),
            () => this.tenant(),
        );
    }

    async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
        return diffUser(olds, news);
    }

    async create(raw: Props): Promise<pulumi.dynamic.CreateResult> {
        const inputs = raw as unknown as UserInputs;
        const deadline = this.deadline();
        const { reader, runner } = this.tenant();
        const existing = await reader.read(inputs.loginId, deadline);
        if (existing) {
            if (!inputs.adopt && !leftByInterruptedCreate(existing, inputs, this.settings().username)) {
                throw new PrimaveraError(
                    `user '${inputs.loginId}' already exists in the tenant (id ${existing.id ?? "unknown"}), and this program did not create it. ` +
                        `To bring it under this program, set \`adopt: true\` on the resource: its declared fields are then applied and ` +
                        `everything else (roles you do not list, other fields) is kept. Or choose another loginId.`,
                );
            }
            return this.modify(existing, inputs, deadline, "adopting");
        }
        // A client-side id that is not a server id: updatedIdMap tells which id the server assigned.
        const clientId = `pulumi-${randomUUID()}`;
        const record: UserRecord = { ...recordFromInputs(inputs), id: clientId, ...(inputs.password ? { password: inputs.password } : {}) };
        const outcome = await runner.run({ kind: "add", loginId: inputs.loginId, record, deadline });
        const id = resolvedId(outcome, clientId) ?? (await reader.read(inputs.loginId, deadline))?.id;
        const problem = entryProblem(outcome.entry) ?? (id ? undefined : outcome.jobException);
        if (!id) {
            throw new PrimaveraError(
                `creating user '${inputs.loginId}' failed in job ${outcome.jobId}: ${problem ?? "the job result does not mention the user and the tenant does not have it"}`,
            );
        }
        const outs = await this.outputsAfterJob(inputs, outcome, id, undefined, deadline);
        if (problem) {
            throw new ResourceInitError(
                `user '${inputs.loginId}' was created (id ${id}) but job ${outcome.jobId} reported: ${problem}. ` +
                    `Fix the cause (for example a role name that is not in the tenant's catalog: see GET /roles) and run \`pulumi up\` again.`,
                id,
                outs as unknown as Props,
            );
        }
        return { id, outs };
    }

    async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
        const loginId = (props.loginId as string | undefined) ?? id;
        const live = await this.tenant().reader.read(loginId, this.deadline());
        // Gone: an empty id makes refresh drop the resource from state.
        if (!live) return { id: "", props: {} };
        const old = props as Partial<UserOutputs>;
        const outs = toOutputs(live, { lastJobId: old.lastJobId, passwordHash: old.passwordHash, adopt: old.adopt });
        return { id: live.id || id, props: outs as unknown as Props };
    }

    async update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
        const inputs = news as unknown as UserInputs;
        const deadline = this.deadline();
        const live = await this.tenant().reader.read(inputs.loginId, deadline);
        if (!live) {
            throw new PrimaveraError(
                `user '${inputs.loginId}' (id ${id}) no longer exists in the tenant: it was deleted outside Pulumi. ` +
                    `Run \`pulumi refresh\` to drop it from the state, then \`pulumi up\` creates it again.`,
            );
        }
        const old = olds as Partial<UserOutputs>;
        const { outs } = await this.modify(live, inputs, deadline, "updating", old.passwordHash, old.userId || id);
        return { outs };
    }

    async delete(id: string, props: Props): Promise<void> {
        const loginId = (props.loginId as string | undefined) ?? id;
        const settings = this.settings();
        const deadline = this.deadline();
        const { reader, runner } = this.tenant();
        if (settings.deletionMode === "deprovision") {
            const live = await reader.read(loginId, deadline);
            if (!live) return;
            const record: UserRecord = { ...recordFromLive(live), disabled: true, roles: [] };
            const outcome = await runner.run({ kind: "modify", loginId, record, deadline });
            const problem = entryProblem(outcome.entry);
            if (problem) throw new PrimaveraError(`deprovisioning user '${loginId}' failed in job ${outcome.jobId}: ${problem}`);
            return;
        }
        const outcome = await runner.run({ kind: "delete", loginId, deadline });
        const after = await reader.read(loginId, deadline);
        if (!after) return; // deleted now, or already gone before: either way the user is gone.
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

    /** Read-modify-write of an existing user through a `modified` job. */
    private async modify(
        live: ServerUser,
        inputs: UserInputs,
        deadline: number,
        verb: "updating" | "adopting",
        oldPasswordHash?: string,
        knownId?: string,
    ): Promise<{ id: string; outs: UserOutputs }> {
        const sentId = knownId ?? live.id;
        const record: UserRecord = overlay({ ...recordFromLive(live), id: sentId }, inputs);
        const passwordChanged = inputs.password !== undefined && !passwordMatches(inputs.password, oldPasswordHash);
        if (passwordChanged) record.password = inputs.password;
        const outcome = await this.tenant().runner.run({ kind: "modify", loginId: inputs.loginId, record, deadline });
        const id = resolvedId(outcome, sentId) ?? sentId ?? "";
        const problem = entryProblem(outcome.entry) ?? (outcome.entry ? undefined : outcome.jobException);
        const hash = inputs.password === undefined ? undefined : passwordChanged ? undefined : oldPasswordHash;
        const outs = await this.outputsAfterJob(inputs, outcome, id, hash, deadline);
        if (problem) {
            throw new ResourceInitError(
                `${verb} user '${inputs.loginId}' (id ${id}): job ${outcome.jobId} reported: ${problem}`,
                id,
                outs as unknown as Props,
            );
        }
        return { id, outs };
    }

    /** Outputs from the record the job echoed, or from a fresh read when it echoed none. */
    private async outputsAfterJob(
        inputs: UserInputs,
        outcome: Outcome,
        id: string,
        keepHash: string | undefined,
        deadline: number,
    ): Promise<UserOutputs> {
        let user = outcome.entry && outcome.entry.organization ? outcome.entry : await this.tenant().reader.read(inputs.loginId, deadline);
        if (!user) user = { loginId: inputs.loginId, id };
        const passwordHash = inputs.password === undefined ? undefined : (keepHash ?? hashPassword(inputs.password));
        const outs = toOutputs({ ...user, id }, { lastJobId: outcome.jobId, passwordHash, adopt: inputs.adopt ?? false });
        return outs;
    }

    private deadline(): number {
        return Date.now() + this.settings().timeoutSeconds * 1000;
    }
}

/**
 * A user that already holds exactly the declared fields and was created by this provider's own
 * account is what an earlier run of this create left behind when it could not record it: the
 * engine was killed while the job ran, or the job outlived primavera:timeoutSeconds and finished
 * later. Taking it over is then safe (it is the user this program asked for), and it is what
 * makes the next `pulumi up` converge instead of failing with "already exists". Any difference
 * (a field, a role, another creator) still needs an explicit `adopt: true`.
 */
function leftByInterruptedCreate(live: ServerUser, inputs: UserInputs, account: string): boolean {
    // Without a creator we cannot tell whose user it is: only an explicit adopt takes it over.
    if (!live.createdBy || live.createdBy.toLowerCase() !== account.toLowerCase()) return false;
    const declared: Record<string, unknown> = { ...inputs, password: undefined, [PROVIDER_KEY]: undefined };
    return !diffUser(toOutputs(live, {}) as unknown as Record<string, unknown>, declared).changes;
}
