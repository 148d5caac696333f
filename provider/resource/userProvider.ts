// The User resource's provider: configure / check / diff / create / read / update / delete over the
// vendor's job API. Usable directly as a pulumi.dynamic.ResourceProvider (tests and advanced users
// call it without the engine); Pulumi programs reach it through the fixed `__provider` text
// (providerText.ts) and the public entry point stateEntry.ts.
//
// Identity safety (docs/identity-safety.md): each operation decides what to send from a read taken
// right before its job is submitted (runner.ts), touches only the user with exactly its login and
// the id in state, takes over an existing user only with `adopt: true` (or the leftover rule
// below), and reports success only when the job result or a read-back confirms it.
import type * as pulumi from "@pulumi/pulumi";
import { checkInputs, containsUnknown } from "./check";
import { checkRoleNames } from "./roleCheck";
import { ConfiguredProvider } from "./configured";
import { diffUser } from "./diff";
import { ResourceInitError } from "../api/errors";
import { changedFields, declaredKeys, declaredView, UserInputs } from "../model/fields";
import { liveInputs, orgTypeOf, outputsOf } from "./outputs";
import { decodeInputs, decodeNews, decodeOutputs, encodeOutputs, plainJson, PropertyBag, providerTextOf } from "./codec";
import { hashPassword, passwordMatches } from "./passwordHash";
import { ServerUser } from "../api/schemas";
import { createUser } from "../operations/create";
import { PartlyFailed } from "../operations/context";
import { PasswordNotConfirmed } from "../operations/confirmModify";
import { deleteUser } from "../operations/delete";
import { updateUser } from "../operations/update";
import { renameTargetProblem } from "../operations/rename";
import { Drift, reportDrift } from "../operations/driftAuthor";

/**
 * What the host passes in and stores: property bags (codec.ts turns them into typed inputs and
 * outputs, and typed outputs back into the flat form the state holds).
 */
export class UserProvider extends ConfiguredProvider implements pulumi.dynamic.ResourceProvider<PropertyBag, PropertyBag> {
    protected readonly engineSteps = true;
    async check(_olds: PropertyBag, news: PropertyBag): Promise<pulumi.dynamic.CheckResult<PropertyBag>> {
        // Shape and settings first (no network), then role names against the tenant's catalog (one
        // GET /roles per process). Bad or missing settings fail the first resource checked, as
        // settings (configured.ts); values not known yet (a preview) are checked at `up`.
        const shape = checkInputs(news, "a User");
        const profile = typeof news.tenant === "string" ? news.tenant : undefined;
        // A tenant not known yet (a preview) or not a profile name: its settings are checked at `up`.
        if (containsUnknown(news.tenant) || (shape.failures ?? []).some((f) => f.property === "tenant"))
            return { inputs: news, failures: shape.failures };
        const settings = this.settingsFailures(profile);
        if (settings.length > 0) return { inputs: news, failures: [...settings, ...(shape.failures ?? [])] };
        // The engine checks a resource as a worker frees up, right before handing its operation
        // over: the job runner then knows more are coming (engineActivity.ts).
        const tenant = this.tenant(profile);
        tenant.runner.engineChecked();
        // One owner per login in this run: every User's check declares its login.
        const login = shape.inputs?.loginId;
        const taken =
            typeof login === "string" && !containsUnknown(login) && (shape.failures ?? []).length === 0
                ? tenant.ownership.declare(login, { key: "User", describe: `a User with loginId '${login}'` })
                : undefined;
        if (taken) return { inputs: news, failures: [{ property: "loginId", reason: `loginId: ${taken}` }] };
        const result = await checkRoleNames(
            shape,
            () => this.settings(profile),
            () => this.tenant(profile),
        );
        return { inputs: { ...(result.inputs ?? news) }, failures: result.failures };
    }

    async diff(_id: string, olds: PropertyBag, news: PropertyBag): Promise<pulumi.dynamic.DiffResult> {
        const { outputs: old, form } = decodeOutputs(olds);
        const { known, unknown, provider } = decodeNews(news);
        const result = diffUser(old, known, { unknown, providerTexts: { old: providerTextOf(olds), new: provider } });
        // A rename creates the new login first: find out at preview that it is free.
        if (result.replaces?.includes("loginId") && !result.replaces.includes("tenant") && known.loginId !== undefined) {
            const problem = await renameTargetProblem(
                this.tenant(known.tenant),
                String(old.loginId),
                known.loginId,
                known.adopt === true,
                this.deadline(known.tenant),
            );
            if (problem) throw problem;
        }
        // A state written in an earlier form is written flat by the next up (an update that sends
        // no job when the user already matches).
        return form === "flat" ? result : { ...result, changes: true };
    }

    async create(raw: PropertyBag): Promise<pulumi.dynamic.CreateResult<PropertyBag>> {
        const inputs = decodeInputs(raw);
        try {
            const done = await createUser(this.context(inputs.tenant), inputs);
            return { id: done.user.id!, outs: this.outputs(inputs, done, hashOf(inputs.password)) };
        } catch (e) {
            if (e instanceof PartlyFailed) {
                // A password the job did not confirm is not on record: the next up sends it again.
                const hash = e instanceof PasswordNotConfirmed ? undefined : hashOf(inputs.password);
                throw new ResourceInitError(e.message, e.user.id!, withProvider(this.outputs(inputs, e, hash), raw));
            }
            throw e;
        }
    }

    async read(id: string, props?: PropertyBag): Promise<pulumi.dynamic.ReadResult<PropertyBag>> {
        const { outputs: old } = decodeOutputs(props);
        const { tenant, account, deadline } = this.context(old.tenant);
        const loginId = old.loginId;
        // `User.get(name, id)`: the engine knows only the id.
        const live = loginId ? await tenant.reader.read(loginId, deadline) : await tenant.reader.readById(id, deadline);
        // Gone, or the login is someone else's user now: an empty id makes refresh drop the resource from state.
        const expectedId = old.userId || id;
        if (!live || (loginId && expectedId && live.id && live.id !== expectedId)) {
            const drift: Drift = live ? { kind: "recreated", id: live.id ?? "" } : { kind: "removed" };
            if (loginId) await reportDrift(tenant, account, loginId, drift, deadline);
            return { id: "" };
        }
        const managed = old.managedFields;
        // The roles keep the order the state has them in when they are managed (the declared order).
        const roleOrder = managed?.includes("roles") ? old.roles : undefined;
        const outs = outputsOf(
            live,
            { passwordHash: old.passwordHash, adopt: old.adopt, managedFields: managed, tenant: old.tenant },
            orgTypeOf(old),
            roleOrder,
        );
        const changed = loginId && managed ? changedFields(outs, declaredView(old, managed)) : [];
        if (loginId && changed.length > 0) await reportDrift(tenant, account, loginId, { kind: "changed", fields: changed }, deadline);
        // The outputs are what the tenant holds; the inputs only the managed fields, as the tenant
        // holds them, so refresh and preview show drift by field (`~ emailAddress`).
        const inputs = managed ? liveInputs(outs, managed) : undefined;
        return { id: live.id || id, props: encodeOutputs(outs), ...(inputs ? { inputs } : {}) };
    }

    async update(id: string, olds: PropertyBag, raw: PropertyBag): Promise<pulumi.dynamic.UpdateResult<PropertyBag>> {
        const inputs = decodeInputs(raw);
        const { outputs: old } = decodeOutputs(olds);
        const passwordChanged = inputs.password !== undefined && !passwordMatches(inputs.password, old.passwordHash);
        const hash = inputs.password === undefined ? undefined : passwordChanged ? hashOf(inputs.password) : old.passwordHash;
        try {
            const done = await updateUser(this.context(inputs.tenant), inputs, old.userId || id, {
                sendPassword: passwordChanged,
                wasDisabled: old.disabled,
            });
            return { outs: this.outputs(inputs, done, hash) };
        } catch (e) {
            if (e instanceof PartlyFailed) {
                // A password the job did not confirm is not on record: the old one's hash stays.
                const recorded = e instanceof PasswordNotConfirmed ? old.passwordHash : hash;
                throw new ResourceInitError(e.message, old.userId || id, withProvider(this.outputs(inputs, e, recorded), raw));
            }
            throw e;
        }
    }

    async delete(id: string, props: PropertyBag): Promise<void> {
        const { outputs: old } = decodeOutputs(props);
        await deleteUser(this.context(old.tenant), old.loginId ?? id, old.userId || id);
    }

    /** The outputs of a user as the job or a read-back confirmed it, in the stored form. */
    private outputs(inputs: UserInputs, done: { user: ServerUser }, passwordHash: string | undefined): PropertyBag {
        const extra = { passwordHash, adopt: inputs.adopt ?? false, managedFields: declaredKeys(inputs), tenant: inputs.tenant };
        return encodeOutputs(outputsOf(done.user, extra, orgTypeOf(inputs), inputs.roles));
    }
}

/** The salted hash a state keeps of a password set. */
function hashOf(password: string | undefined): string | undefined {
    return password === undefined ? undefined : hashPassword(password);
}

/** Outputs plus the serialized provider: an init error's properties are stored as given, provider text included. */
function withProvider(outs: PropertyBag, raw: PropertyBag): PropertyBag {
    return plainJson({ ...outs, __provider: providerTextOf(raw) });
}
