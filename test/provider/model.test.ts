// A randomized, model-based test of the identity-safety invariants (DESIGN.md section 4).
//
// A seeded random sequence of steps runs against the real simulator. Our steps drive UserProvider
// the way the Pulumi engine would (check, then create / diff+update / delete / read), each as a new
// process (resetTenants), and keep a model of what the Pulumi state would hold per resource. A
// foreign actor works on the same tenant between our steps, and sometimes during one (while our
// job waits for a tenant it holds busy): it creates case variants of our logins and the logins we
// are about to create, grants and revokes roles, sets unmanaged fields, disables and deletes users.
// Some of our steps run with one result fault. Errors of our steps are allowed; after every step
// the invariants are checked against a read of the whole tenant:
//   1. a user no resource owns is exactly as the foreign actor left it (and a step touches only
//      the users its own resources own);
//   2. what a managed user's declaration leaves out (roles, disabled, employeeNumber, manager) is
//      what the actor last set, or what it was when we created or adopted it;
//   3. no two resources hold one user id;
//   4. every id in state that the tenant has belongs to exactly the declared login;
//   5. (also) a create or update reported as done shows on the tenant, and no job ever overlapped.
//
// Knobs (environment): MODEL_SEEDS="11,22" and MODEL_STEPS=40 replace the fixed seeds and step
// count; MODEL_DUPES=1 adds a second resource on MB1 and MB2 (see the skipped test at the end);
// MODEL_VERBOSE=1 prints every step and its outcome; MODEL_SHRINK=1 shrinks a failing sequence
// (slow: it reruns it many times). The fixed seeds together catch each of 11 rule breaks planted
// in the provider by hand (roles or employeeNumber dropped on update, adopt or update re-enabling,
// take-over without adopt, update/delete/read ignoring the id in state, a stale read at
// submission, success without confirmation, deprovision clearing a field).
import assert from "node:assert/strict";
import axios from "axios";
import fc from "fast-check";
import { resetTenants } from "pulumi-primavera-admin";
import { UserProvider } from "../support/untyped";
import { ADMIN, Sim, withSimulator } from "../support/sim";

const PROVIDER_TEXT = "exports.handler = () => ({})"; // what the dynamic provider host passes as __provider
const MANAGED = ["MB1", "MB2", "MB3", "MB4"];
const VARIANTS = ["mb1", "mb2", "mb3", "mb4", "Mb2"];
const ROLES = ["PrimaveraUnifierTest", "PrimaveraP6Test", "PrimaveraCloudAdmin"];
/** The resources of the program and the login each declares. */
const RESOURCES: Record<string, string> = { A1: "MB1", A2: "MB2", A3: "MB3", A4: "MB4" };
/** With MODEL_DUPES: a second resource (another stack on the same account, or a later edit of the program) per login. */
const DUPES: Record<string, string> = { B1: "MB1", B2: "MB2" };
/** Errors our steps may end with: the provider's own, each with a message a user can act on. */
const ALLOWED_ERRORS = new Set(["PrimaveraError", "ApiError", "DeadlineError", "ResourceInitError", "LoginCaseError"]);

// ---------------------------------------------------------------------------------------------
// Steps

interface Decl {
    lastName: string;
    /** Absent: roles not managed. */
    roles?: string[];
    /** Absent: not managed. */
    disabled?: boolean;
    adopt?: boolean;
}

/** `login` "@self" is the login of the step it runs during, "@variant" its lower-case variant. */
type Foreign =
    | { a: "create"; login: string; lastName: string; roles: string[]; disabled?: boolean; employeeNumber?: string }
    /** The user deleted and created again under its login (a new id), as in the vendor UI. */
    | { a: "replace"; login: string; lastName: string; roles: string[]; disabled?: boolean; employeeNumber?: string }
    | { a: "roles"; login: string; roles: string[] }
    | { a: "employee"; login: string; value: string }
    | { a: "manager"; login: string; value: string }
    | { a: "disable"; login: string; disabled: boolean }
    | { a: "remove"; login: string };

type FaultKind = "skipUsers" | "dropFromResult" | "jobException" | "renameIds" | "failUsers" | "failRoles";

interface Env {
    /** A foreign job holds the tenant this long when the step starts. */
    busyMs?: number;
    /** A foreign action taken while our job waits for the busy tenant. */
    during?: Foreign;
    /** One result fault for this step's login. */
    fault?: { kind: FaultKind; role: string };
}

type Step =
    | { s: "declare"; res: string; decl: Decl; env: Env }
    | { s: "destroy"; res: string; env: Env }
    | { s: "refresh"; res: string }
    | { s: "up"; items: { res: string; decl: Decl }[] }
    | { s: "foreign"; act: Foreign };

function opt<T>(arb: fc.Arbitrary<T>, weight: number, absentWeight: number): fc.Arbitrary<T | undefined> {
    return fc.oneof({ weight: absentWeight, arbitrary: fc.constant(undefined) }, { weight, arbitrary: arb });
}

/** Drops keys whose value is undefined (a declaration leaves the property out). */
function compact<T extends object>(o: T): T {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function arbitraries(resources: string[]) {
    const res = fc.constantFrom(...resources);
    const decl: fc.Arbitrary<Decl> = fc
        .record({
            lastName: fc.constantFrom("Alpha", "Beta", "Gamma"),
            roles: opt(fc.subarray(ROLES), 1, 1),
            disabled: opt(fc.boolean(), 1, 2),
            adopt: opt(fc.constant(true), 1, 3),
        })
        .map(compact);
    const login = (extra: string[] = [], variants = 4) =>
        fc.oneof(
            { weight: 6, arbitrary: fc.constantFrom(...MANAGED) },
            ...(variants ? [{ weight: variants, arbitrary: fc.constantFrom(...VARIANTS) }] : []),
            ...(extra.length ? [{ weight: 10, arbitrary: fc.constantFrom(...extra) }] : []),
        );
    const whole = <A extends "create" | "replace">(a: A, variants: number, extra: string[]) =>
        fc
            .record({
                a: fc.constant(a),
                login: login(extra, variants),
                lastName: fc.constantFrom("Else", "Other"),
                roles: fc.subarray(ROLES),
                disabled: opt(fc.constant(true), 1, 2),
                employeeNumber: opt(fc.constantFrom("E-1", "E-2"), 1, 2),
            })
            .map(compact);
    const foreign = (extra: string[] = []): fc.Arbitrary<Foreign> =>
        fc.oneof(
            { weight: 6, arbitrary: whole("create", 4, extra) },
            { weight: 3, arbitrary: whole("replace", 0, extra) },
            { weight: 6, arbitrary: fc.record({ a: fc.constant("roles" as const), login: login(extra), roles: fc.subarray(ROLES) }) },
            {
                weight: 4,
                arbitrary: fc.record({
                    a: fc.constant("employee" as const),
                    login: login(extra),
                    value: fc.constantFrom("E-7", "E-8", ""),
                }),
            },
            {
                weight: 2,
                arbitrary: fc.record({ a: fc.constant("manager" as const), login: login(extra), value: fc.constantFrom("BOSS", "") }),
            },
            {
                weight: 4,
                arbitrary: fc.record({
                    a: fc.constant("disable" as const),
                    login: login(extra),
                    disabled: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 2, arbitrary: fc.constant(false) }),
                }),
            },
            { weight: 3, arbitrary: fc.record({ a: fc.constant("remove" as const), login: login(extra, 1) }) },
        );
    const fault = fc.record({
        kind: fc.constantFrom<FaultKind>("skipUsers", "dropFromResult", "jobException", "renameIds", "failUsers", "failRoles"),
        role: fc.constantFrom(...ROLES),
    });
    const busyMs = fc.integer({ min: 100, max: 300 });
    const env: fc.Arbitrary<Env> = fc.oneof(
        { weight: 20, arbitrary: fc.constant({}) },
        { weight: 2, arbitrary: fc.record({ busyMs }) },
        { weight: 6, arbitrary: fc.record({ busyMs, during: foreign(["@self", "@variant"]) }) },
        { weight: 6, arbitrary: fc.record({ fault }) },
        { weight: 2, arbitrary: fc.record({ busyMs, during: foreign(["@self"]), fault }) },
    );
    // A second resource on a login never adopts: taking over a user another resource holds is
    // what `adopt: true` asks for, so only a take-over without it breaks invariant 3.
    const resDecl = fc
        .record({ res, decl })
        .map(({ res, decl }) => ({ res, decl: DUPES[res] ? compact({ ...decl, adopt: undefined }) : decl }));
    const step: fc.Arbitrary<Step> = fc.oneof(
        { weight: 20, arbitrary: fc.record({ rd: resDecl, env }).map(({ rd, env }) => ({ s: "declare" as const, ...rd, env })) },
        { weight: 5, arbitrary: fc.record({ s: fc.constant("destroy" as const), res, env }) },
        { weight: 4, arbitrary: fc.record({ s: fc.constant("refresh" as const), res }) },
        {
            weight: 3,
            arbitrary: fc.record({
                s: fc.constant("up" as const),
                items: fc.uniqueArray(resDecl, { minLength: 2, maxLength: 3, selector: (i) => i.res }),
            }),
        },
        { weight: 20, arbitrary: fc.record({ s: fc.constant("foreign" as const), act: foreign() }) },
    );
    return { step };
}

function describeStep(step: Step): string {
    const j = (v: unknown) => JSON.stringify(v);
    switch (step.s) {
        case "declare":
            return `declare ${step.res}=${RESOURCES[step.res] ?? DUPES[step.res]} ${j(step.decl)}${envText(step.env)}`;
        case "destroy":
            return `destroy ${step.res}${envText(step.env)}`;
        case "refresh":
            return `refresh ${step.res}`;
        case "up":
            return `up [${step.items.map((i) => `${i.res} ${j(i.decl)}`).join(", ")}]`;
        case "foreign":
            return `foreign ${j(step.act)}`;
    }
}

function envText(env: Env): string {
    const parts = [];
    if (env.busyMs) parts.push(`busy ${env.busyMs} ms`);
    if (env.during) parts.push(`during: ${JSON.stringify(env.during)}`);
    if (env.fault) parts.push(`fault ${env.fault.kind}${env.fault.kind === "failRoles" ? ` ${env.fault.role}` : ""}`);
    return parts.length ? ` {${parts.join("; ")}}` : "";
}

// ---------------------------------------------------------------------------------------------
// The world: the simulator, and the model of the Pulumi state and of what the foreign actor did.

interface Entry {
    id: string;
    outs: Record<string, unknown>;
    /** The engine keeps a create's or update's init error and updates the resource at the next `up`. */
    initError: boolean;
}

interface Unmanaged {
    roles: string[];
    disabled: boolean;
    employeeNumber: string | null;
    manager: string | null;
}

/** What a create leaves in the fields its declaration leaves out. */
const CREATE_DEFAULTS: Unmanaged = { roles: [], disabled: false, employeeNumber: null, manager: null };

type Users = Map<string, any>;

class Violation extends Error {}

/** The id the provider takes for the resource's user: the outputs' userId, else the state id. */
function effId(e: Entry): string {
    return (typeof e.outs.userId === "string" && e.outs.userId) || e.id;
}

function unmanagedOf(u: any): Unmanaged {
    return {
        roles: (u.roles ?? []).map((r: any) => r.name).sort(),
        disabled: u.disabled === true,
        employeeNumber: u.employeeNumber ?? null,
        manager: u.manager ?? null,
    };
}

/** The whole user, as compared: everything but the time of the last change. */
function view(u: any): any {
    if (!u) return undefined;
    const { updatedDate: _u, ...rest } = u;
    return rest;
}

interface RunOptions {
    seed: number;
    steps: Step[];
    resources: Record<string, string>;
    deletionMode: "delete" | "deprovision";
}

interface RunResult {
    ran: number;
    ours: number;
    foreign: number;
    errors: number;
    log: string[];
    violation?: string;
}

class World {
    readonly state = new Map<string, Entry>();
    /** Users no resource owns, as the foreign actor (or the seed) left them, by exact login. */
    readonly foreign = new Map<string, any>();
    /** Owned users: what their declarations leave out, as it must be. */
    readonly expected = new Map<string, Unmanaged>();
    readonly log: string[] = [];

    constructor(
        readonly sim: Sim,
        readonly opts: RunOptions,
    ) {}

    login(res: string): string {
        return this.opts.resources[res];
    }

    async users(): Promise<Users> {
        return new Map((await this.sim.users()).map((u) => [u.loginId as string, u]));
    }

    /** Owned logins: the user holds the id of a resource declaring exactly its login. Login -> resource. */
    owners(users: Users): Map<string, string> {
        const byId = new Map([...users.values()].map((u) => [u.id as string, u]));
        const owned = new Map<string, string>();
        for (const [res, e] of this.state) {
            const u = byId.get(effId(e));
            if (u && u.loginId === this.login(res)) owned.set(u.loginId, res);
        }
        return owned;
    }

    fail(message: string): never {
        throw new Violation(message);
    }

    // -----------------------------------------------------------------------------------------
    // The foreign actor

    /** Takes one foreign action; `before` (during one of our steps) learns what it did. */
    async foreignAct(act: Foreign, selfLogin: string | undefined, before?: Users): Promise<string> {
        const users = await this.users();
        let login = act.login === "@self" ? selfLogin! : act.login === "@variant" ? selfLogin!.toLowerCase() : act.login;
        if (act.a !== "create" && act.a !== "replace" && !users.has(login)) {
            // A change needs a user: the next one of the universe that exists (in order, from the one drawn).
            const universe = [...MANAGED, ...VARIANTS];
            const from = Math.max(0, universe.indexOf(login));
            const next = [...universe.slice(from), ...universe.slice(0, from)].find((l) => users.has(l));
            if (!next) return `${act.a} ${login}: no such user (nor any other of the universe), nothing done`;
            login = next;
        }
        const owned = this.owners(users);
        const current = users.get(login);
        let patch: Record<string, unknown> | undefined;
        switch (act.a) {
            case "create":
            case "replace":
                patch = compact({
                    firstName: "Someone",
                    lastName: act.lastName,
                    emailAddress: `${login.toLowerCase()}@elsewhere.example.com`,
                    organization: "nyc",
                    roles: act.roles,
                    disabled: act.disabled,
                    employeeNumber: act.employeeNumber,
                });
                break;
            case "roles":
                patch = { roles: act.roles };
                break;
            case "employee":
                patch = { employeeNumber: act.value };
                break;
            case "manager":
                patch = { manager: act.value };
                break;
            case "disable":
                patch = { disabled: act.disabled };
                break;
            case "remove":
                break;
        }
        let after: any;
        if (act.a === "replace" && current) {
            const r = await axios.delete(`${this.sim.url}/__sim/users/${encodeURIComponent(login)}`, { validateStatus: () => true });
            if (r.status !== 204) throw new Error(`remove ${login} failed: ${r.status}`);
        }
        if (patch) {
            const r = await axios.put(`${this.sim.url}/__sim/users/${encodeURIComponent(login)}`, patch, { validateStatus: () => true });
            if (r.status >= 300) throw new Error(`drift ${login} failed: ${r.status} ${JSON.stringify(r.data)}`);
            after = r.data;
        } else {
            const r = await axios.delete(`${this.sim.url}/__sim/users/${encodeURIComponent(login)}`, { validateStatus: () => true });
            if (r.status !== 204) throw new Error(`remove ${login} failed: ${r.status}`);
        }
        if (after && owned.get(login) !== undefined && after.id === current?.id) {
            this.expected.set(login, unmanagedOf(after));
        } else if (after) {
            this.foreign.set(login, after);
            this.expected.delete(login);
        } else {
            this.foreign.delete(login);
            this.expected.delete(login);
        }
        if (before) {
            if (after) before.set(login, after);
            else before.delete(login);
        }
        const whose = owned.get(login) ? `owned by ${owned.get(login)}` : current ? "not ours" : "new";
        return `${act.a} ${login} (${whose}) done${after ? `: id ${after.id}` : ""}`;
    }

    // -----------------------------------------------------------------------------------------
    // Our steps, as the engine drives the provider

    provider(): UserProvider {
        resetTenants(); // every step is a new `pulumi` process
        return new UserProvider({ baseUrl: this.sim.url, ...ADMIN, timeoutSeconds: 15, deletionMode: this.opts.deletionMode });
    }

    async checked(p: UserProvider, res: string, decl: Decl): Promise<Record<string, unknown>> {
        const login = this.login(res);
        const inputs = compact({
            loginId: login,
            firstName: "Ida",
            lastName: decl.lastName,
            emailAddress: `${login.toLowerCase()}@example.com`,
            userType: "EMP",
            organization: { name: "sfo" },
            roles: decl.roles,
            disabled: decl.disabled,
            adopt: decl.adopt,
        });
        const c = await p.check({}, inputs);
        assert.deepEqual(c.failures ?? [], [], `check failed for ${JSON.stringify(inputs)}`);
        return { ...(c.inputs as Record<string, unknown>), __provider: PROVIDER_TEXT };
    }

    /** `pulumi up` for one resource: create when the state has none, else diff and update. */
    async declare(p: UserProvider, res: string, decl: Decl): Promise<string> {
        const news = await this.checked(p, res, decl);
        const e = this.state.get(res);
        try {
            if (!e) {
                const r = await p.create(news);
                this.state.set(res, { id: r.id, outs: { ...r.outs, __provider: PROVIDER_TEXT }, initError: false });
                return `created id ${r.id}`;
            }
            if (!e.initError) {
                const d = await p.diff(e.id, e.outs, news);
                if (!d.changes) return "no changes";
                assert.deepEqual(d.replaces ?? [], [], "the login never changes, so nothing is replaced");
            }
            const r = await p.update(e.id, e.outs, news);
            e.outs = { ...r.outs, __provider: PROVIDER_TEXT };
            e.initError = false;
            return `updated id ${effId(e)}`;
        } catch (err: any) {
            if (err?.name === "ResourceInitError" && err.id) {
                // Like the engine: the id and the properties go to the state, with the init error.
                if (e) Object.assign(e, { outs: err.properties, initError: true });
                else this.state.set(res, { id: err.id, outs: err.properties, initError: true });
            }
            throw err;
        }
    }

    async destroy(p: UserProvider, res: string): Promise<string> {
        const e = this.state.get(res)!;
        await p.delete(e.id, e.outs);
        this.state.delete(res);
        return `deleted (state had id ${effId(e)})`;
    }

    async refresh(p: UserProvider, res: string): Promise<string> {
        const e = this.state.get(res)!;
        const r = await p.read(e.id, e.outs);
        if (!r.id) {
            this.state.delete(res);
            return `dropped from state (had id ${effId(e)})`;
        }
        e.id = r.id;
        e.outs = { ...(r.props ?? {}), __provider: PROVIDER_TEXT };
        return `refreshed id ${effId(e)}`;
    }

    /** Sets the fault configuration (it replaces the previous one); 409 while a foreign job still runs: bounded retries. */
    async setFaults(config: Record<string, unknown>): Promise<boolean> {
        for (let i = 0; i < 100; i++) {
            const r = await axios.post(`${this.sim.url}/__sim/faults`, config, { validateStatus: () => true });
            if (r.status === 200) return true;
            if (r.status !== 409) throw new Error(`faults failed: ${r.status} ${JSON.stringify(r.data)}`);
            await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return false;
    }

    async ourStep(step: Exclude<Step, { s: "foreign" }>): Promise<{ lines: string[]; errors: number; deferred?: Foreign; self?: string }> {
        // The operations of the step, each with what its declaration manages.
        type Op = { res: string; kind: "declare" | "destroy" | "refresh"; decl?: Decl };
        const ops: Op[] =
            step.s === "up"
                ? step.items.map((i) => ({ res: i.res, kind: "declare" as const, decl: i.decl }))
                : [{ res: step.res, kind: step.s, decl: step.s === "declare" ? step.decl : undefined }];
        // The engine runs update/delete/refresh only for resources in state, create only for those not.
        const runnable = ops.filter((o) => o.kind === "declare" || this.state.has(o.res));
        if (runnable.length === 0) return { lines: ["nothing to do (not in state)"], errors: 0 };
        const env: Env = step.s === "declare" || step.s === "destroy" ? step.env : {};
        const self = this.login(runnable[0].res);

        const before = await this.users();
        const ownedBefore = this.owners(before);
        const p = this.provider();
        const config: Record<string, unknown> = {};
        if (env.busyMs) config.foreignJobMs = env.busyMs;
        if (env.fault) {
            const k = env.fault.kind;
            if (k === "jobException") config.jobException = "IDM_UNAVAILABLE (injected)";
            else if (k === "renameIds") config.renameIds = true;
            else if (k === "failRoles") config.failRoles = [env.fault.role];
            else config[k] = [self];
        }
        const faulted = Object.keys(config).length > 0 && (await this.setFaults(config));
        const refusals = (await this.sim.stats()).busyRefusals ?? 0;

        const lines: string[] = [];
        let errors = 0;
        const results = runnable.map((o) => {
            const run = async (): Promise<string> => {
                switch (o.kind) {
                    case "declare":
                        return this.declare(p, o.res, o.decl!);
                    case "destroy":
                        return this.destroy(p, o.res);
                    case "refresh":
                        return this.refresh(p, o.res);
                }
            };
            return run().then(
                (text): { o: Op; ok: boolean; text: string; err?: any } => ({ o, ok: true, text }),
                (err: any) => ({ o, ok: false, text: `${err?.name}: ${err?.message}`, err }),
            );
        });
        let settled = false;
        const all = Promise.all(results).finally(() => (settled = true));

        // A foreign action while our job waits for the busy tenant: after a submission was refused
        // (so before the one that is accepted, whose read comes after the backoff).
        let deferred: Foreign | undefined;
        if (env.during) {
            let refused = false;
            for (let i = 0; i < 300 && !settled && !refused; i++) {
                refused = ((await this.sim.stats()).busyRefusals ?? 0) > refusals;
                if (!refused) await new Promise((resolve) => setTimeout(resolve, 2));
            }
            if (refused && !settled) lines.push(`  during the busy wait: foreign ${await this.foreignAct(env.during, self, before)}`);
            else deferred = env.during;
        }
        const outcomes = await all;
        if (faulted) await this.sim.clearFaults();
        for (const r of outcomes) {
            lines.push(`  ${r.o.res}: ${r.ok ? "ok" : "error"}: ${r.text.slice(0, 300)}`);
            if (!r.ok) {
                errors++;
                if (!ALLOWED_ERRORS.has(r.err?.name))
                    throw new Error(`unexpected error from ${r.o.kind} ${r.o.res}: ${r.err?.stack ?? r.err}`);
            }
        }

        // What this step did, against the model.
        const after = await this.users();
        const ownedAfter = this.owners(after);
        const logins = new Set([...before.keys(), ...after.keys()]);
        for (const login of logins) {
            const ownerBefore = ownedBefore.get(login);
            const ownerAfter = ownedAfter.get(login);
            const op = runnable.find((o) => o.res === ownerBefore || o.res === ownerAfter);
            const b = before.get(login);
            const a = after.get(login);
            if (!op) {
                // Only the owned user is touched: a user whose owner did not act in this step is as it was.
                assert.deepEqual(view(a), view(b), `invariant 1: user '${login}' changed in a step none of whose resources owns it`);
                continue;
            }
            const outcome = outcomes.find((r) => r.o === op)!;
            if (ownerAfter) {
                if (!ownerBefore && b) {
                    // Taken over: needs adopt (the leftover rule may take a user our own account created).
                    const how = op.decl?.adopt ? "adopt" : `no adopt, createdBy ${b.createdBy}`;
                    lines.push(`  ${op.res} took over existing user '${login}' (id ${b.id}, ${how})`);
                    if (!op.decl?.adopt && b.createdBy !== ADMIN.username.toUpperCase())
                        this.fail(
                            `one owner per login (DESIGN 4.2): ${op.res} took over '${login}' (createdBy ${b.createdBy}) without adopt`,
                        );
                }
                const base = b ? unmanagedOf(b) : CREATE_DEFAULTS;
                const now = unmanagedOf(a);
                const deprovisioning = op.kind === "destroy" && this.opts.deletionMode === "deprovision";
                this.foreign.delete(login);
                let roles = op.decl?.roles !== undefined || deprovisioning ? now.roles : base.roles;
                const failing = env.fault?.kind === "failRoles" ? env.fault.role : undefined;
                if (roles === base.roles && failing && base.roles.includes(failing)) {
                    // The vendor replaces the role set with the record's; a record that carries the user's roles
                    // over loses a role whose provisioning fails (failRoles). The tenant's doing, not ours, but
                    // never silent: the entry says "Application Access failed", so the step must not succeed.
                    const without = base.roles.filter((r) => r !== failing);
                    if (JSON.stringify(now.roles) === JSON.stringify(without)) {
                        if (outcome.ok)
                            this.fail(`invariant 2: ${op.res} reported success while the tenant dropped ${failing} from '${login}'`);
                        lines.push(`  the tenant dropped ${failing} from '${login}' (failRoles), reported as an error`);
                        roles = now.roles;
                    }
                }
                this.expected.set(login, {
                    roles,
                    disabled: op.decl?.disabled !== undefined || deprovisioning ? now.disabled : base.disabled,
                    employeeNumber: base.employeeNumber,
                    manager: base.manager,
                });
                // Only what was confirmed is reported: a create or update that succeeded shows on the tenant.
                if (outcome.ok && op.kind === "declare" && /^(created|updated)/.test(outcome.text)) {
                    const d = op.decl!;
                    assert.equal(a.lastName, d.lastName, `confirmed ${op.res}: lastName on the tenant`);
                    if (d.roles) assert.deepEqual(now.roles, [...d.roles].sort(), `confirmed ${op.res}: roles on the tenant`);
                    if (d.disabled !== undefined) assert.equal(now.disabled, d.disabled, `confirmed ${op.res}: disabled on the tenant`);
                }
            } else {
                this.expected.delete(login);
                if (ownerBefore && a && op.kind === "destroy" && this.opts.deletionMode === "deprovision" && !this.state.has(op.res)) {
                    // Deprovisioned: left behind disabled and without roles, everything else as it was; nobody's now.
                    assert.equal(a.disabled, true, `deprovisioned '${login}' is disabled`);
                    assert.deepEqual(a.roles, [], `deprovisioned '${login}' has no roles`);
                    const keep = (u: any) => {
                        const { disabled: _d, roles: _r, status: _s, lastAction: _l, id: _i, ...rest } = view(u);
                        return rest;
                    };
                    assert.deepEqual(keep(a), keep(b), `deprovisioning '${login}' changed only disabled and roles`);
                    this.foreign.set(login, a);
                }
            }
        }
        return { lines, errors, deferred, self };
    }

    // -----------------------------------------------------------------------------------------
    // The invariants, from a read of the whole tenant

    async checkInvariants(): Promise<void> {
        const users = await this.users();
        const stats = await this.sim.stats();
        assert.equal(stats.overlappingJobs, 0, "the simulator saw overlapping jobs");
        // 3. No two resources own one user.
        const holder = new Map<string, string>();
        for (const [res, e] of this.state) {
            const id = effId(e);
            if (holder.has(id)) this.fail(`invariant 3: resources ${holder.get(id)} and ${res} both hold user id ${id}`);
            holder.set(id, res);
        }
        // 4. Every id in state belongs to its declared login.
        const byId = new Map([...users.values()].map((u) => [u.id as string, u]));
        for (const [res, e] of this.state) {
            const u = byId.get(effId(e));
            if (u && u.loginId !== this.login(res))
                this.fail(`invariant 4: ${res} declares '${this.login(res)}' but its id ${effId(e)} is the user '${u.loginId}'`);
        }
        // 1. Users no resource owns are exactly as the foreign actor left them.
        const owned = this.owners(users);
        for (const login of new Set([...users.keys(), ...this.foreign.keys()])) {
            if (owned.has(login)) continue;
            const u = users.get(login);
            const f = this.foreign.get(login);
            if (!f)
                this.fail(
                    `invariant 1: user '${login}' (id ${u.id}, createdBy ${u.createdBy}) is owned by no resource and the foreign actor never made it`,
                );
            assert.deepEqual(view(u), view(f), `invariant 1: user '${login}' (owned by no resource) is not as the foreign actor left it`);
        }
        // 2. Nothing unmanaged of a managed user is lost.
        for (const [login, res] of owned) {
            const want = this.expected.get(login);
            assert.ok(want, `model: no expected values for '${login}' (owned by ${res})`);
            assert.deepEqual(
                unmanagedOf(users.get(login)),
                want,
                `invariant 2: what ${res}'s declaration leaves out of '${login}' changed`,
            );
        }
    }

    async run(): Promise<RunResult> {
        await this.sim.reset(); // also drops a foreign job still running
        resetTenants();
        for (const u of (await this.users()).values()) this.foreign.set(u.loginId, u);
        await this.checkInvariants();
        const result: RunResult = { ran: 0, ours: 0, foreign: 0, errors: 0, log: this.log };
        for (const [i, step] of this.opts.steps.entries()) {
            this.log.push(`#${i} ${describeStep(step)}`);
            result.ran++;
            try {
                if (step.s === "foreign") {
                    result.foreign++;
                    this.log.push(`  ${await this.foreignAct(step.act, undefined)}`);
                    await this.checkInvariants();
                    continue;
                }
                result.ours++;
                const { lines, errors, deferred, self } = await this.ourStep(step);
                this.log.push(...lines);
                result.errors += errors;
                await this.checkInvariants();
                if (deferred) {
                    this.log.push(`  after the step (no busy wait to act in): foreign ${await this.foreignAct(deferred, self)}`);
                    await this.checkInvariants();
                }
            } catch (e) {
                if (e instanceof Violation || e instanceof assert.AssertionError) {
                    result.violation = `step #${i}: ${e.message}`;
                    this.log.push(`  VIOLATION: ${e.message}`);
                    return result;
                }
                throw e;
            }
        }
        return result;
    }
}

// ---------------------------------------------------------------------------------------------

function generate(seed: number, count: number, resources: Record<string, string>): Step[] {
    const { step } = arbitraries(Object.keys(resources));
    return fc.sample(fc.array(step, { minLength: count, maxLength: count }), { seed, numRuns: 1 })[0];
}

/** Greedy shrinking against the real simulator: drop chunks of steps, then single steps, while the same invariant still fails. */
async function shrink(sim: Sim, opts: RunOptions, violation: string, budget = 150): Promise<{ steps: Step[]; result: RunResult }> {
    const kind = /invariant \d|one owner|confirmed|overlapping|deprovision/.exec(violation)?.[0] ?? violation;
    let steps = opts.steps;
    let last: RunResult | undefined;
    const fails = async (candidate: Step[]) => {
        budget--;
        const r = await new World(sim, { ...opts, steps: candidate }).run();
        if (r.violation?.includes(kind)) last = r;
        return !!r.violation?.includes(kind);
    };
    for (let chunk = Math.ceil(steps.length / 2); chunk >= 1 && budget > 0; chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
        for (let i = 0; i + chunk <= steps.length && budget > 0;) {
            const candidate = [...steps.slice(0, i), ...steps.slice(i + chunk)];
            if (await fails(candidate)) steps = candidate;
            else i += chunk;
        }
    }
    // Then simpler steps: without their busy tenant, fault or foreign action, and an `up` of several as single steps.
    for (let i = 0; i < steps.length && budget > 0; i++) {
        const st = steps[i];
        const simpler: Step[][] = [];
        if ((st.s === "declare" || st.s === "destroy") && Object.keys(st.env).length > 0) simpler.push([{ ...st, env: {} }]);
        if (st.s === "up") simpler.push(st.items.map((it) => ({ s: "declare" as const, res: it.res, decl: it.decl, env: {} })));
        for (const replacement of simpler) {
            const candidate = [...steps.slice(0, i), ...replacement, ...steps.slice(i + 1)];
            if (budget > 0 && (await fails(candidate))) {
                steps = candidate;
                break;
            }
        }
    }
    for (let i = 0; i < steps.length && budget > 0;) {
        const candidate = [...steps.slice(0, i), ...steps.slice(i + 1)];
        if (await fails(candidate)) steps = candidate;
        else i++;
    }
    if (!last) last = await new World(sim, { ...opts, steps }).run();
    return { steps, result: last };
}

const envSeeds = process.env.MODEL_SEEDS?.split(",").map(Number);
const SEEDS = envSeeds?.length ? envSeeds : [1, 2, 3, 6, 7, 12];
const STEPS = Number(process.env.MODEL_STEPS) || 40;

async function runSeeds(sim: Sim, resources: Record<string, string>, seeds: number[]): Promise<void> {
    for (const seed of seeds) {
        // Seeds divisible by 3 delete by deprovisioning (disable and strip roles, leave the user).
        const deletionMode = seed % 3 === 0 ? "deprovision" : "delete";
        const opts: RunOptions = { seed, steps: generate(seed, STEPS, resources), resources, deletionMode };
        const started = Date.now();
        const r = await new World(sim, opts).run();
        console.log(
            `      model: seed ${seed} (${deletionMode}), ${r.ran}/${opts.steps.length} steps run (${r.ours} ours, ${r.foreign} foreign, ` +
                `${r.errors} errors of ours), ${Date.now() - started} ms${r.violation ? ", VIOLATION" : ""}`,
        );
        if (process.env.MODEL_VERBOSE === "1") console.log(r.log.join("\n"));
        if (r.violation) {
            let report = r;
            if (process.env.MODEL_SHRINK === "1") {
                const small = await shrink(sim, opts, r.violation);
                report = small.result;
                console.log(`      shrunk to ${small.steps.length} steps:\n${JSON.stringify(small.steps, null, 1)}`);
            }
            assert.fail(`seed ${seed} (${deletionMode}): ${report.violation}\n${report.log.join("\n")}`);
        }
    }
}

describe("identity safety, model-based: random steps of ours and of a foreign actor on one tenant keep the invariants", function () {
    let sim: Sim;
    const quiet = process.env.PRIMAVERA_QUIET;

    before(async () => {
        process.env.PRIMAVERA_QUIET = "1"; // the provider's busy-wait progress lines, hundreds of them
        sim = await withSimulator({ jobMs: 10 });
    });
    after(async () => {
        if (quiet === undefined) delete process.env.PRIMAVERA_QUIET;
        else process.env.PRIMAVERA_QUIET = quiet;
        resetTenants();
        await sim?.stop();
    });

    it(`${SEEDS.length} seeds x ${STEPS} steps: only the owned user is touched, nothing unmanaged is lost, one owner per user, ids match logins`, async function () {
        this.timeout(180_000);
        const resources = process.env.MODEL_DUPES === "1" ? { ...RESOURCES, ...DUPES } : RESOURCES;
        await runSeeds(sim, resources, SEEDS);
    });

    // Found by this test with MODEL_DUPES=1 MODEL_SEEDS=7411 MODEL_STEPS=40, shrunk to these two steps: the
    // leftover rule of create() used to take an existing user for this resource's own, without `adopt: true`,
    // when its declared fields matched and the provider's account had created it; it could not tell an
    // interrupted create of this resource from a user another resource holds (another stack on the same
    // account, or a later run of the program). Since then only a create of this process whose answer was lost
    // is recognised; anything else needs adopt (userOps.ts, ours()).
    it("a second resource declaring the same login and the same fields, without adopt, does not take over the first one's user", async () => {
        const steps: Step[] = [
            { s: "declare", res: "B2", decl: { lastName: "Gamma" }, env: {} },
            { s: "declare", res: "A2", decl: { lastName: "Gamma" }, env: {} },
        ];
        const r = await new World(sim, { seed: 0, steps, resources: { A2: "MB2", B2: "MB2" }, deletionMode: "delete" }).run();
        assert.equal(r.violation, undefined, r.log.join("\n"));
    });
});
