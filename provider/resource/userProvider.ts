// The User resource's provider: configure / check / diff / create / read / update / delete over the
// vendor's job API. Usable directly as a pulumi.dynamic.ResourceProvider (tests and advanced users
// call it without the engine); Pulumi programs reach it through the fixed `__provider` text
// (providerText.ts) and the public entry point stateEntry.ts.
//
// Identity safety (README, Reliability): each operation decides what to send from a read taken
// right before its job is submitted (runner.ts), touches only the user with exactly its login and
// the id in state, takes over an existing user only with `adopt: true` (or the leftover rule
// below), and reports success only when the job result or a read-back confirms it.
import type * as pulumi from "@pulumi/pulumi";
import { checkInputs, containsUnknown, PROVIDER_KEY } from "./check";
import { checkRoleNames } from "./roleCheck";
import { ConfiguredProvider } from "./configured";
import { diffUser } from "./diff";
import { ResourceInitError } from "../api/errors";
import { declaredKeys, UserInputs } from "../model/fields";
import { warning } from "../api/progress";
import {
    declaredList,
    expandOutputs,
    liveInputs,
    orgTypeOf,
    outputsOf,
    plainJson,
    StoredUserOutputs,
    storedOutputs,
    toOutputs,
    UserOutputs,
} from "./outputs";
import { hashPassword, passwordMatches } from "./passwordHash";
import { ServerUser } from "../api/schemas";
import { createUser } from "../operations/create";
import { PartlyFailed } from "../operations/context";
import { PasswordNotConfirmed } from "../operations/confirmModify";
import { deleteUser } from "../operations/delete";
import { updateUser } from "../operations/update";
import { renameTargetProblem } from "../operations/rename";
import { changedFields, reportDrift } from "../operations/driftAuthor";
import { isPacked, packInputs, SPEC_FIELDS, SPEC_KEY, SpecError, specUnknown, unpackInputs } from "./spec";

/** What the host passes in: the declared inputs (flat, or packed in `spec`: spec.ts), and the serialized provider text. */
type Inputs = UserInputs & { [PROVIDER_KEY]?: string; [SPEC_KEY]?: string };
/** What the state holds (StoredUserOutputs) and the serialized provider text; each method reads it through expandOutputs. */
type Outputs = StoredUserOutputs & { [PROVIDER_KEY]?: string };

export class UserProvider extends ConfiguredProvider implements pulumi.dynamic.ResourceProvider<Inputs, Outputs> {
    protected readonly engineSteps = true;
    async check(_olds: Inputs, news: Inputs): Promise<pulumi.dynamic.CheckResult<Inputs>> {
        // The fields are checked unpacked, so every failure names its field; the answer comes in
        // the form the inputs came in (spec.ts). A spec not known yet (a preview) is checked at `up`.
        let flat: Partial<UserInputs>;
        try {
            flat = unpackInputs(news);
        } catch (e) {
            if (e instanceof SpecError) return { inputs: news, failures: [{ property: SPEC_KEY, reason: e.message }] };
            throw e;
        }
        const later = specUnknown(news);
        // Shape and settings first (no network), then role names against the tenant's catalog (one
        // GET /roles per process). Bad or missing settings fail every resource's preview, naming the key.
        const shape = checkInputs(flat, "a User", later ? SPEC_FIELDS : []);
        const settings = this.settingsFailures();
        let result: pulumi.dynamic.CheckResult<UserInputs>;
        if (settings.length > 0) {
            result = { inputs: shape.inputs, failures: [...(shape.failures ?? []), ...settings] };
        } else {
            // The engine checks a resource as a worker frees up, right before handing its operation
            // over: the job runner then knows more are coming (engineActivity.ts).
            const tenant = this.tenant();
            tenant.runner.engineChecked();
            // One owner per login in this run: every User's check declares its login.
            const login = shape.inputs?.loginId;
            const taken =
                typeof login === "string" && !containsUnknown(login) && (shape.failures ?? []).length === 0
                    ? tenant.ownership.declare(login, { key: "User", describe: `a User with loginId '${login}'` })
                    : undefined;
            if (taken) return { inputs: news, failures: [{ property: "loginId", reason: taken }] };
            result = await checkRoleNames(
                shape,
                () => this.settings(),
                () => this.tenant(),
            );
        }
        if (!isPacked(news)) return result as pulumi.dynamic.CheckResult<Inputs>;
        const failed = (result.failures ?? []).length > 0;
        const inputs = later || failed ? news : (packInputs(result.inputs ?? {}) as unknown as Inputs);
        return { inputs, failures: result.failures };
    }

    async diff(_id: string, olds: Outputs, news: Inputs): Promise<pulumi.dynamic.DiffResult> {
        const flat = unpackInputs(news);
        const result = diffUser(expandOutputs(olds), flat);
        // A rename creates the new login first: find out at preview that it is free.
        if (result.replaces?.includes("loginId") && typeof flat.loginId === "string" && !containsUnknown(flat.loginId)) {
            const problem = await renameTargetProblem(
                this.tenant(),
                String(expandOutputs(olds).loginId),
                flat.loginId,
                flat.adopt === true,
                this.deadline(),
            );
            if (problem) throw problem;
        }
        // A spec not known yet (a preview): its fields may change.
        return specUnknown(news) ? { ...result, changes: true } : result;
    }

    async create(packedOrFlat: Inputs): Promise<pulumi.dynamic.CreateResult<Outputs>> {
        const inputs = unpackInputs(packedOrFlat) as Inputs;
        try {
            const done = await createUser(this.context(), inputs);
            return { id: done.user.id!, outs: this.outputs(inputs, done, hashOf(inputs.password)) };
        } catch (e) {
            if (e instanceof PartlyFailed) {
                // A password the job did not confirm is not on record: the next up sends it again.
                const hash = e instanceof PasswordNotConfirmed ? undefined : hashOf(inputs.password);
                throw new ResourceInitError(e.message, e.user.id!, withProvider(this.outputs(inputs, e, hash), inputs));
            }
            throw e;
        }
    }

    async read(id: string, props?: Outputs): Promise<pulumi.dynamic.ReadResult<Outputs>> {
        const deadline = this.deadline();
        const old: Partial<UserOutputs> = expandOutputs(props ?? {});
        const loginId = typeof old.loginId === "string" ? old.loginId : undefined;
        const { reader } = this.tenant();
        // `User.get(name, id)`: the engine knows only the id.
        const live = loginId ? await reader.read(loginId, deadline) : await reader.readById(id, deadline);
        const tenant = this.tenant();
        const account = this.settings().username;
        // Gone: an empty id makes refresh drop the resource from state.
        if (!live) {
            if (loginId) await reportDrift(tenant, account, loginId, { kind: "removed" }, deadline);
            return { id: "" };
        }
        const expectedId = old.userId || id;
        if (loginId && expectedId && live.id && live.id !== expectedId) {
            await reportDrift(tenant, account, loginId, { kind: "recreated", id: live.id }, deadline);
            warning(
                `user '${loginId}' now has id ${live.id}, not ${expectedId} as in the state: the user this stack managed was ` +
                    `deleted and the login created again outside Pulumi. The new user is not this stack's; it is dropped from the state.`,
            );
            return { id: "" };
        }
        const declared = declaredList(old);
        const outs = outputsOf(live, { passwordHash: old.passwordHash, adopt: old.adopt, declared }, orgTypeOf(old));
        const changed = loginId ? changedFields(old, outs, declared) : [];
        if (loginId && changed.length > 0) await reportDrift(tenant, account, loginId, { kind: "changed", fields: changed }, deadline);
        // The managed inputs as the tenant holds them, in the engine's form: refresh and preview
        // then show drift by field (`~ spec: (json) { ~ firstName: ... }`).
        const inputs = declared ? packInputs(liveInputs(outs, declared)) : undefined;
        // The SDK types `inputs` as the outputs' type, though they are the managed inputs; the host
        // stores what it is given.
        return { id: live.id || id, props: storedOutputs(outs), ...(inputs ? { inputs: inputs as unknown as Outputs } : {}) };
    }

    async update(id: string, olds: Outputs, packedOrFlat: Inputs): Promise<pulumi.dynamic.UpdateResult<Outputs>> {
        const inputs = unpackInputs(packedOrFlat) as Inputs;
        const old: Partial<UserOutputs> = expandOutputs(olds);
        const passwordChanged = inputs.password !== undefined && !passwordMatches(inputs.password, old.passwordHash);
        const hash = inputs.password === undefined ? undefined : passwordChanged ? hashOf(inputs.password) : old.passwordHash;
        try {
            const done = await updateUser(this.context(), inputs, old.userId || id, {
                sendPassword: passwordChanged,
                wasDisabled: old.disabled,
            });
            return { outs: this.outputs(inputs, done, hash) };
        } catch (e) {
            if (e instanceof PartlyFailed) {
                // A password the job did not confirm is not on record: the old one's hash stays.
                const recorded = e instanceof PasswordNotConfirmed ? old.passwordHash : hash;
                throw new ResourceInitError(e.message, old.userId || id, withProvider(this.outputs(inputs, e, recorded), inputs));
            }
            throw e;
        }
    }

    async delete(id: string, props: Outputs): Promise<void> {
        const old: Partial<UserOutputs> = expandOutputs(props);
        const loginId = typeof old.loginId === "string" ? old.loginId : id;
        await deleteUser(this.context(), loginId, old.userId || id);
    }

    /** The outputs of a user as the job or a read-back confirmed it. */
    private outputs(inputs: UserInputs, done: { user: ServerUser }, passwordHash: string | undefined): StoredUserOutputs {
        return toOutputs(done.user, { passwordHash, adopt: inputs.adopt ?? false, declared: declaredKeys(inputs) }, orgTypeOf(inputs));
    }
}

/** The salted hash a state keeps of a password set. */
function hashOf(password: string | undefined): string | undefined {
    return password === undefined ? undefined : hashPassword(password);
}

/** Outputs plus the serialized provider: an init error's properties are stored as given (DESIGN 3.7). */
function withProvider(outs: StoredUserOutputs, raw: Inputs): Outputs {
    return plainJson({ ...outs, [PROVIDER_KEY]: raw[PROVIDER_KEY] });
}
