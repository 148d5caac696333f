// A randomized, model-based test of the identity-safety invariants (docs/identity-safety.md).
//
// A seeded random sequence of steps runs against the real simulator. Our steps drive UserProvider
// and UserSetProvider the way the Pulumi engine would, each step one run in a new process
// (resetTenants): the run's resources are checked in program order and diffed (a failure there
// fails the preview, and nothing runs), then created or updated together, and what the run deletes
// (a replaced User's old login, a resource removed from the program) goes last, whatever failed
// before it, as with `pulumi up --continue-on-error`. The program declares Users (A1-A4) and renames
// them (a new loginId: a replacement, created before the old one is deleted unless only the case
// changes), declares UserSets (S1, S2) of a few members, some of them logins the Users use, empties a
// set (its member list comes back empty, as from a CSV that failed to read), and moves a login from
// one resource to another in one run (declared by the new one with `adopt: true`, the old
// declaration deleted last). The test keeps a model of what the Pulumi state holds per resource.
// A foreign actor works on the same tenant between our steps, while our job waits for a tenant it
// holds busy, and while our job runs (the simulator's duringJob: right before the job's work is
// applied): it creates case variants of our logins and the logins we are about to create, grants,
// sets and revokes roles, sets unmanaged fields, disables and deletes users. Some of our steps run
// with one result fault. Errors of our steps are allowed; after every step the invariants are
// checked against a read of the whole tenant, and against its audit events for what happened during
// the step:
//   1. a user no resource owns is exactly as the foreign actor left it (and a step touches only
//      the users its own resources own);
//   2. what a managed user's declaration leaves out (roles, disabled, employeeNumber, manager) is
//      what the actor last set, or what it was when we created or adopted it;
//   3. no two resources hold one user id;
//   4. every id in state belongs to exactly the login the state holds it under;
//   5. a create or update reported as done shows on the tenant, and no job ever overlapped;
//   6. no access is widened that the program does not declare: a user's undeclared roles never
//      gain a role the foreign actor did not leave it, also when it changed them while our job ran;
//   7. a user the foreign actor disabled, whose `disabled` the program does not declare, stays
//      disabled, and the audit events never show our account enabling it, not even for a moment;
//   8. a user the foreign actor deleted while our update ran does not come back through that update
//      (with deletionMode=deprovision it may stay behind disabled, without roles, owned by nobody);
//   9. an unmanaged field the foreign actor set while our job ran is never overwritten silently;
//  10. a user someone else created while our create ran becomes ours only with `adopt: true`;
//  11. nothing is removed in bulk: no step deletes (or deprovisions) more than maxDeletions users,
//      and a step that empties a set deletes nobody;
//  12. a rename never deletes the old user unless the new one exists and is the resource's (a
//      change of case only, which the engine runs delete-first, needs the new login free before);
//  13. a login moved between resources in one run is never deleted.
//
// Knobs (environment): MODEL_SEEDS="11,22" and MODEL_STEPS=40 replace the fixed seeds and step
// count; MODEL_DUPES=1 adds a second resource on MB1 and MB2 (see the skipped test at the end);
// MODEL_VERBOSE=1 prints every step and its outcome; MODEL_ALL=1 runs every seed and names each
// one's violation; MODEL_SHRINK=1 shrinks a failing sequence (slow: it reruns it many times). The
// fixed seeds together catch each of 16 rule breaks planted in the provider by hand (roles or
// employeeNumber dropped on update, adopt or update re-enabling, take-over without adopt,
// update/delete/read ignoring the id in state, a stale read at submission, success without
// confirmation, deprovision clearing a field; a modify record carrying `disabled` again, the access
// guard not undoing a re-creation, a rename deleting before it creates, a UserSet update allowed
// to empty the set, the audit interference check skipped).
import assert from "node:assert/strict";
import axios from "axios";
import fc from "fast-check";
import { resetTenants } from "pulumi-primavera-admin/provider/testing";
import { keyByLogin } from "pulumi-primavera-admin/provider/resource/userSet";
import { UserProvider, UserSetProvider } from "../support/untyped";
import { ADMIN, Sim, withSimulator } from "../support/sim";

const PROVIDER_TEXT = "exports.handler = () => ({})"; // what the dynamic provider host passes as __provider
/** The logins the foreign actor works on: the Users' logins, a rename target, UserSet members. */
const MANAGED = ["MB1", "MB2", "MB3", "MB4", "MB5", "SM1", "SM3"];
const VARIANTS = ["mb1", "mb2", "mb3", "mb4", "Mb2", "sm1"];
const ROLES = ["PrimaveraUnifierTest", "PrimaveraP6Test", "PrimaveraCloudAdmin"];
/** The User resources of the program and the login each declares at first (a rename or a move changes it). */
const RESOURCES: Record<string, string> = { A1: "MB1", A2: "MB2", A3: "MB3", A4: "MB4" };
/** With MODEL_DUPES: a second resource (another stack on the same account, or a later edit of the program) per login. */
const DUPES: Record<string, string> = { B1: "MB1", B2: "MB2" };
/** The UserSet resources of the program. */
const SETS = ["S1", "S2"];
/** What each set declares from: logins of its own, one the other set may hold, a case variant, and logins the Users use (MB4, and MB5 where renames go). */
const SET_LOGINS: Record<string, string[]> = { S1: ["SM1", "SM2", "sm1", "MB4", "MB5"], S2: ["SM3", "SM4", "SM1", "MB5"] };
/** Where a rename goes: a free login, one a User of the program declares, or the login it has in another case. */
const RENAME_TO = ["MB5", "MB6", "MB2", "@variant"];
/** primavera:maxDeletions of every run: below a set's largest size, so removing a whole set of 4 is refused. */
const MAX_DELETIONS = 3;
/** The account our provider signs in with, as the tenant names it in createdBy and audit grantors. */
const OURS = ADMIN.username.toUpperCase();
/** The state key of a replaced User's old resource, kept until its delete is done (the engine's pending delete). */
const OLD = "~old";
/** Errors our steps may end with: the provider's own, each with a message a user can act on, and the program's own refusal. */
const ALLOWED_ERRORS = new Set([
    "PrimaveraError",
    "ApiError",
    "DeadlineError",
    "ResourceInitError",
    "LoginCaseError",
    "DeletionLimitError",
    "ProgramError",
]);

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

interface Member {
    login: string;
    decl: Decl;
}

/** `login` "@self" is the login of the step it runs during, "@variant" its case variant. */
type Foreign =
    | { a: "create"; login: string; lastName: string; roles: string[]; disabled?: boolean; employeeNumber?: string }
    /** The user deleted and created again under its login (a new id), as in the vendor UI. */
    | { a: "replace"; login: string; lastName: string; roles: string[]; disabled?: boolean; employeeNumber?: string }
    | { a: "roles"; login: string; roles: string[] }
    | { a: "employee"; login: string; value: string }
    | { a: "manager"; login: string; value: string }
    | { a: "disable"; login: string; disabled: boolean }
    | { a: "remove"; login: string };

/** What another administrator does right before our job's work (the simulator's duringJob), to the step's login or its case variant. */
type During = { on: "self" | "variant" } & (
    | { op: "disable" }
    | { op: "delete" }
    | { op: "create"; roles: string[]; disabled?: boolean }
    | { op: "setRoles"; roles: string[] }
    | { op: "set"; field: "employeeNumber" | "manager"; value: string }
);

type FaultKind = "skipUsers" | "dropFromResult" | "jobException" | "renameIds" | "failUsers" | "failRoles";

interface Env {
    /** A foreign job holds the tenant this long when the step starts. */
    busyMs?: number;
    /** A foreign action taken while our job waits for the busy tenant. */
    during?: Foreign;
    /** A foreign action fired by the tenant right before the work of our job naming its login. */
    duringJob?: During;
    /** One result fault for this step's login. */
    fault?: { kind: FaultKind; role: string };
}

type Step =
    | { s: "declare"; res: string; decl: Decl; env: Env }
    | { s: "rename"; res: string; to: string; decl: Decl; env: Env }
    | { s: "set"; res: string; members: Member[]; pick: number; env: Env }
    | { s: "empty"; res: string }
    | { s: "move"; from: string; to: string; pick: number; decl: Decl; env: Env }
    | { s: "destroy"; res: string; pick: number; env: Env }
    | { s: "refresh"; res: string }
    | { s: "up"; items: { res: string; decl: Decl }[] }
    | { s: "foreign"; act: Foreign };

type OurStep = Exclude<Step, { s: "foreign" }>;

function opt<T>(arb: fc.Arbitrary<T>, weight: number, absentWeight: number): fc.Arbitrary<T | undefined> {
    return fc.oneof({ weight: absentWeight, arbitrary: fc.constant(undefined) }, { weight, arbitrary: arb });
}

/** Drops keys whose value is undefined (a declaration leaves the property out). */
function compact<T extends object>(o: T): T {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The action as it can apply to the user as found: a create of a login we are about to create,
 * else a change of the user (its roles set instead of a create of one that exists).
 */
function applicable(d: During, exists: boolean): During {
    if (d.op === "create" && exists) return { on: d.on, op: "setRoles", roles: d.roles };
    if (d.op !== "create" && !exists)
        return compact({
            on: d.on,
            op: "create" as const,
            roles: d.op === "setRoles" ? d.roles : [],
            disabled: d.op === "disable" || undefined,
        });
    return d;
}

/** The login in the other case: the lower-case one, or the upper-case one when it is lower-case already. */
function otherCase(login: string): string {
    return login === login.toLowerCase() ? login.toUpperCase() : login.toLowerCase();
}

function arbitraries(users: string[]) {
    const res = fc.constantFrom(...users);
    const setRes = fc.constantFrom(...SETS);
    const anyRes = fc.constantFrom(...users, ...SETS);
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
    const duringJob: fc.Arbitrary<During> = fc
        .tuple(
            fc.oneof({ weight: 5, arbitrary: fc.constant("self" as const) }, { weight: 1, arbitrary: fc.constant("variant" as const) }),
            fc.oneof(
                { weight: 3, arbitrary: fc.constant({ op: "disable" as const }) },
                { weight: 3, arbitrary: fc.constant({ op: "delete" as const }) },
                {
                    weight: 3,
                    arbitrary: fc
                        .record({ op: fc.constant("create" as const), roles: fc.subarray(ROLES), disabled: opt(fc.constant(true), 1, 2) })
                        .map(compact),
                },
                { weight: 3, arbitrary: fc.record({ op: fc.constant("setRoles" as const), roles: fc.subarray(ROLES) }) },
                {
                    weight: 3,
                    arbitrary: fc.record({
                        op: fc.constant("set" as const),
                        field: fc.constantFrom("employeeNumber" as const, "manager" as const),
                        value: fc.constantFrom("X-9", ""),
                    }),
                },
            ),
        )
        .map(([on, act]) => ({ on, ...act }));
    const fault = fc.record({
        kind: fc.constantFrom<FaultKind>("skipUsers", "dropFromResult", "jobException", "renameIds", "failUsers", "failRoles"),
        role: fc.constantFrom(...ROLES),
    });
    const busyMs = fc.integer({ min: 100, max: 300 });
    const env: fc.Arbitrary<Env> = fc.oneof(
        { weight: 14, arbitrary: fc.constant({}) },
        { weight: 2, arbitrary: fc.record({ busyMs }) },
        { weight: 4, arbitrary: fc.record({ busyMs, during: foreign(["@self", "@variant"]) }) },
        { weight: 5, arbitrary: fc.record({ fault }) },
        { weight: 2, arbitrary: fc.record({ busyMs, during: foreign(["@self"]), fault }) },
        { weight: 10, arbitrary: fc.record({ duringJob }) },
        { weight: 3, arbitrary: fc.record({ duringJob, fault }) },
    );
    const resDecl = fc.record({ res, decl });
    const pick = fc.nat(11);
    const step: fc.Arbitrary<Step> = fc.oneof(
        { weight: 16, arbitrary: fc.record({ rd: resDecl, env }).map(({ rd, env }) => ({ s: "declare" as const, ...rd, env })) },
        { weight: 4, arbitrary: fc.record({ s: fc.constant("rename" as const), res, to: fc.constantFrom(...RENAME_TO), decl, env }) },
        {
            weight: 7,
            arbitrary: setRes.chain((res) =>
                fc.record({
                    s: fc.constant("set" as const),
                    res: fc.constant(res),
                    members: fc.uniqueArray(fc.record({ login: fc.constantFrom(...SET_LOGINS[res]), decl }), {
                        minLength: 1,
                        maxLength: 4,
                        selector: (m) => m.login,
                    }),
                    pick,
                    env,
                }),
            ),
        },
        { weight: 2, arbitrary: fc.record({ s: fc.constant("empty" as const), res: setRes }) },
        { weight: 4, arbitrary: fc.record({ s: fc.constant("move" as const), from: anyRes, to: anyRes, pick, decl, env }) },
        { weight: 5, arbitrary: fc.record({ s: fc.constant("destroy" as const), res: anyRes, pick, env }) },
        { weight: 3, arbitrary: fc.record({ s: fc.constant("refresh" as const), res: anyRes }) },
        {
            weight: 3,
            arbitrary: fc.record({
                s: fc.constant("up" as const),
                items: fc.uniqueArray(resDecl, { minLength: 2, maxLength: 3, selector: (i) => i.res }),
            }),
        },
        { weight: 18, arbitrary: fc.record({ s: fc.constant("foreign" as const), act: foreign() }) },
    );
    return { step };
}

function describeStep(step: Step): string {
    const j = (v: unknown) => JSON.stringify(v);
    switch (step.s) {
        case "declare":
            return `declare ${step.res} ${j(step.decl)}${envText(step.env)}`;
        case "rename":
            return `rename ${step.res} to ${step.to} ${j(step.decl)}${envText(step.env)}`;
        case "set":
            return `set ${step.res} [${step.members.map((m) => `${m.login} ${j(m.decl)}`).join(", ")}]${envText(step.env)}`;
        case "empty":
            return `empty ${step.res} (its member list comes back empty)`;
        case "move":
            return `move a login of ${step.from} to ${step.to} ${j(step.decl)}${envText(step.env)}`;
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
    if (env.duringJob) parts.push(`during our job: ${JSON.stringify(env.duringJob)}`);
    if (env.fault) parts.push(`fault ${env.fault.kind}${env.fault.kind === "failRoles" ? ` ${env.fault.role}` : ""}`);
    return parts.length ? ` {${parts.join("; ")}}` : "";
}

// ---------------------------------------------------------------------------------------------
// The world: the simulator, and the model of the Pulumi state and of what the foreign actor did.

interface UserEntry {
    kind: "user";
    /** The login the state holds for the resource (the program may declare another: a rename to come). */
    login: string;
    id: string;
    outs: Record<string, unknown>;
    /** The engine keeps a create's or update's init error and updates the resource at the next `up`. */
    initError: boolean;
}

interface SetEntry {
    kind: "set";
    id: string;
    outs: Record<string, any>;
    /** The inputs the engine keeps (check gets them as `olds`). */
    inputs: Record<string, unknown>;
    initError: boolean;
}

type Entry = UserEntry | SetEntry;

/** One login a resource holds in state, under the id it holds it by. */
interface Holding {
    res: string;
    login: string;
    id: string;
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

/** The provider's own refusal of a program that declares one login twice (the SDK's declareLogin, before anything registers). */
class ProgramError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProgramError";
    }
}

/** The id the provider takes for a User's user: the outputs' userId, else the state id. */
function effId(e: UserEntry): string {
    return (typeof e.outs.userId === "string" && e.outs.userId) || e.id;
}

/** The logins a resource's state holds: a User's one, a set's members. */
function loginsOf(e: Entry): string[] {
    return e.kind === "user" ? [e.login] : Object.keys(e.outs.users ?? {}).sort();
}

function roleNames(u: any): string[] {
    return (u?.roles ?? []).map((r: any) => r.name).sort();
}

function unmanagedOf(u: any): Unmanaged {
    return {
        roles: roleNames(u),
        disabled: u.disabled === true,
        employeeNumber: u.employeeNumber ?? null,
        manager: u.manager ?? null,
    };
}

/** Disabled and without a role: what a deprovisioned user looks like. */
function stripped(u: any): boolean {
    return u.disabled === true && roleNames(u).length === 0;
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

/** A resource the program declares in a run, in program order. */
type Declared = { res: string; kind: "user"; login: string; decl: Decl } | { res: string; kind: "set"; members: Member[] };

/** What one of our steps runs: the program's declarations, what it removes, destroys or refreshes. */
interface Plan {
    declares: Declared[];
    /** Resources no longer in the program (and replaced Users' old resources): the engine deletes them last. */
    removed: string[];
    destroy?: string;
    refresh?: string;
    /** The login a fault or a foreign action of the step aims at. */
    self?: string;
    /** The login a move hands from one resource to another. */
    moved?: string;
    /** The set whose member list came back empty. */
    emptied?: string;
    notes: string[];
}

/** What a step does to one login, and for which resource. `alt`: the key of a replaced User's old resource. */
interface LoginOp {
    login: string;
    res: string;
    alt?: string;
    kind: "declare" | "destroy" | "refresh" | "release";
    decl?: Decl;
    /** A User's new login, with the one it replaces. */
    renamedFrom?: string;
}

interface Outcome {
    ok: boolean;
    text: string;
    err?: any;
}

/** The tenant around one of our steps. */
interface StepView {
    /** The users as the step found them. */
    start: Users;
    /** The same, with what the foreign actor did while our job waited for a busy tenant. */
    before: Users;
    after: Users;
    ownedAfter: Map<string, string>;
    /** The duringJob action that fired, and what it left of its user. */
    during?: { login: string; left: ForeignLeft };
    /** The last audit event before the step. */
    auditMark: number;
}

/** What a duringJob action left, predicted from the user as the step found it: undefined when it deleted the user. */
type ForeignLeft = { unmanaged: Unmanaged } | undefined;

class World {
    readonly state = new Map<string, Entry>();
    /** The login each User resource of the program declares now. */
    readonly program = new Map<string, string>();
    /** The members each UserSet of the program declares now. */
    readonly sets = new Map<string, Member[]>();
    /** Users no resource owns, as the foreign actor (or the seed) left them, by exact login. */
    readonly foreign = new Map<string, any>();
    /** Owned users: what their declarations leave out, as it must be. */
    readonly expected = new Map<string, Unmanaged>();
    readonly log: string[] = [];

    constructor(
        readonly sim: Sim,
        readonly opts: RunOptions,
    ) {
        for (const [res, login] of Object.entries(opts.resources)) this.program.set(res, login);
    }

    async users(): Promise<Users> {
        return new Map((await this.sim.users()).map((u) => [u.loginId as string, u]));
    }

    /** Every login every resource holds in state, with the id it holds it by. */
    holdings(state: Map<string, Entry> = this.state): Holding[] {
        const out: Holding[] = [];
        for (const [res, e] of state) {
            if (e.kind === "user") out.push({ res, login: e.login, id: effId(e) });
            else for (const [login, id] of Object.entries(e.outs.userIds ?? {})) out.push({ res, login, id: String(id) });
        }
        return out;
    }

    /** Owned logins: the user holds the id a resource holds for exactly its login. Login -> resource. */
    owners(users: Users, state: Map<string, Entry> = this.state): Map<string, string> {
        const byId = new Map([...users.values()].map((u) => [u.id as string, u]));
        const owned = new Map<string, string>();
        for (const h of this.holdings(state)) {
            const u = byId.get(h.id);
            if (u && u.loginId === h.login) owned.set(h.login, h.res);
        }
        return owned;
    }

    memberLogins(res: string): string[] {
        const e = this.state.get(res);
        return e ? loginsOf(e) : [];
    }

    fail(message: string): never {
        throw new Violation(message);
    }

    async audits(): Promise<any[]> {
        const r = await axios.get(`${this.sim.url}/cloudapi/restapi/audits`, { auth: ADMIN, validateStatus: () => true });
        assert.equal(r.status, 200, `GET /audits answered ${r.status}`);
        return r.data;
    }

    // -----------------------------------------------------------------------------------------
    // The foreign actor

    /** Takes one foreign action; `before` (during one of our steps) learns what it did. */
    async foreignAct(act: Foreign, selfLogin: string | undefined, before?: Users): Promise<string> {
        const users = await this.users();
        const self = selfLogin ?? "MB1";
        let login = act.login === "@self" ? self : act.login === "@variant" ? self.toLowerCase() : act.login;
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

    /** The simulator's duringJob action for `d` on `login`. */
    duringAction(d: During, login: string): Record<string, unknown> {
        switch (d.op) {
            case "disable":
            case "delete":
                return { op: d.op, loginId: login };
            case "create":
                return compact({
                    op: "create",
                    loginId: login,
                    firstName: "Someone",
                    lastName: "Else",
                    emailAddress: `${login.toLowerCase()}@elsewhere.example.com`,
                    organization: "nyc",
                    roles: d.roles,
                    disabled: d.disabled,
                });
            case "setRoles":
                return { op: "setRoles", loginId: login, roles: d.roles };
            case "set":
                return { op: "set", loginId: login, fields: { [d.field]: d.value } };
        }
    }

    /** What the duringJob action `d` leaves of `b` (the user as the step found it); "noop" when it cannot apply. */
    foreignLeft(d: During, b: any): ForeignLeft | "noop" {
        if (d.op === "create") {
            if (b) return "noop";
            return { unmanaged: { roles: [...d.roles].sort(), disabled: d.disabled === true, employeeNumber: null, manager: null } };
        }
        if (!b) return "noop";
        const u = unmanagedOf(b);
        switch (d.op) {
            case "disable":
                return { unmanaged: { ...u, disabled: true } };
            case "delete":
                return undefined;
            case "setRoles":
                return { unmanaged: { ...u, roles: [...d.roles].sort() } };
            case "set":
                return { unmanaged: { ...u, [d.field]: d.value || null } };
        }
    }

    // -----------------------------------------------------------------------------------------
    // Our steps, as the engine drives the providers

    /** Both providers of one run: one process (resetTenants), so they share its registries (ownership, deletion budget). */
    providers(): { p: UserProvider; sp: UserSetProvider } {
        resetTenants(); // every step is a new `pulumi` process
        const config = {
            baseUrl: this.sim.url,
            ...ADMIN,
            timeoutSeconds: 15,
            deletionMode: this.opts.deletionMode,
            maxDeletions: MAX_DELETIONS,
        };
        return { p: new UserProvider(config), sp: new UserSetProvider(config) };
    }

    inputsOf(login: string, decl: Decl): Record<string, unknown> {
        return compact({
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
    }

    /**
     * The declaration without `adopt` when another resource holds the login in state: a program asks to
     * take over a user another of its resources holds only by moving it (then the old one is removed).
     */
    sane(res: string, login: string, decl: Decl): Decl {
        if (!decl.adopt) return decl;
        const other = this.holdings().some((h) => h.login === login && h.res !== res && h.res !== res + OLD);
        return other ? compact({ ...decl, adopt: undefined }) : decl;
    }

    /** What the step runs, from the program as it now stands; a text when there is nothing to run. */
    plan(step: OurStep): Plan | string {
        const plan: Plan = { declares: [], removed: [...this.state.keys()].filter((k) => k.endsWith(OLD)), notes: [] };
        const setMembers = (res: string, members: Member[]): Declared => ({
            res,
            kind: "set",
            members: members.map((m) => ({ login: m.login, decl: this.sane(res, m.login, m.decl) })),
        });
        switch (step.s) {
            case "rename":
            case "declare": {
                if (step.s === "rename") {
                    const was = this.program.get(step.res)!;
                    const to = step.to === "@variant" ? otherCase(was) : step.to;
                    if (to !== was) {
                        this.program.set(step.res, to);
                        plan.notes.push(`program: ${step.res} declares '${to}' instead of '${was}'`);
                    }
                }
                const login = this.program.get(step.res)!;
                plan.declares.push({ res: step.res, kind: "user", login, decl: this.sane(step.res, login, step.decl) });
                plan.self = login;
                break;
            }
            case "up":
                for (const it of step.items) {
                    const login = this.program.get(it.res)!;
                    plan.declares.push({ res: it.res, kind: "user", login, decl: this.sane(it.res, login, it.decl) });
                }
                plan.self = this.program.get(step.items[0].res);
                break;
            case "set": {
                this.sets.set(step.res, step.members);
                plan.declares.push(setMembers(step.res, step.members));
                const pool = [...new Set([...step.members.map((m) => m.login), ...this.memberLogins(step.res)])].sort();
                plan.self = pool[step.pick % pool.length];
                break;
            }
            case "empty":
                if (this.memberLogins(step.res).length === 0) return "no members in state: nothing to empty";
                this.sets.set(step.res, []);
                plan.declares.push({ res: step.res, kind: "set", members: [] });
                plan.emptied = step.res;
                break;
            case "move": {
                const from = this.state.get(step.from);
                const logins = from ? loginsOf(from) : [];
                if (step.from === step.to || logins.length === 0) return `${step.from} holds no login to move to ${step.to}`;
                const login = logins[step.pick % logins.length];
                // Taking over what a third resource holds is not a move (see sane()).
                if (this.holdings().some((h) => h.login === login && ![step.from, step.to, step.to + OLD].includes(h.res)))
                    return `'${login}' of ${step.from} is held by a third resource too: not moved`;
                const decl = { ...step.decl, adopt: true };
                // The new declaration first, then what is left of the old one (or its removal, deleted last).
                if (SETS.includes(step.to)) {
                    const members = [...(this.sets.get(step.to) ?? []).filter((m) => m.login !== login), { login, decl }];
                    this.sets.set(step.to, members);
                    const d = setMembers(step.to, members) as Extract<Declared, { kind: "set" }>;
                    d.members = d.members.map((m) => (m.login === login ? { login, decl } : m));
                    plan.declares.push(d);
                } else {
                    this.program.set(step.to, login);
                    plan.declares.push({ res: step.to, kind: "user", login, decl });
                }
                const rest = from!.kind === "set" ? (this.sets.get(step.from) ?? []).filter((m) => m.login !== login) : [];
                if (from!.kind === "set") this.sets.set(step.from, rest);
                if (rest.length > 0) plan.declares.push(setMembers(step.from, rest));
                else plan.removed.push(step.from);
                plan.notes.push(`program: '${login}' moves from ${step.from} to ${step.to} (adopt)`);
                plan.self = login;
                plan.moved = login;
                break;
            }
            case "destroy":
            case "refresh": {
                const e = this.state.get(step.res);
                if (!e) break;
                const logins = loginsOf(e);
                if (step.s === "destroy") {
                    plan.destroy = step.res;
                    plan.self = logins.length ? logins[step.pick % logins.length] : undefined;
                } else plan.refresh = step.res;
                break;
            }
        }
        if (!plan.declares.length && !plan.removed.length && !plan.destroy && !plan.refresh) return "nothing to do (not in state)";
        return plan;
    }

    /** What the step does to each login, from the state before it runs; declarations first. */
    loginOps(plan: Plan): LoginOp[] {
        const ops: LoginOp[] = [];
        const gone: LoginOp[] = [];
        const declaredBy = new Map<string, string>();
        for (const d of plan.declares)
            for (const l of d.kind === "user" ? [d.login] : d.members.map((m) => m.login)) declaredBy.set(l, d.res);
        // A login another resource of the run declares is released by the delete, not deleted (it moved).
        const leaves = (login: string, res: string, alt?: string) => {
            const moved = declaredBy.has(login) && declaredBy.get(login) !== res && declaredBy.get(login) !== alt;
            gone.push({ login, res, alt, kind: moved ? "release" : "destroy" });
        };
        for (const d of plan.declares) {
            const e = this.state.get(d.res);
            if (d.kind === "user") {
                const was = e?.kind === "user" && e.login !== d.login ? e.login : undefined;
                ops.push({ login: d.login, res: d.res, kind: "declare", decl: d.decl, renamedFrom: was });
                if (was !== undefined) leaves(was, d.res, d.res + OLD);
            } else {
                for (const m of d.members) ops.push({ login: m.login, res: d.res, kind: "declare", decl: m.decl });
                const now = new Set(d.members.map((m) => m.login));
                for (const l of e ? loginsOf(e) : []) if (!now.has(l)) leaves(l, d.res);
            }
        }
        for (const key of plan.removed) for (const l of loginsOf(this.state.get(key)!)) leaves(l, key);
        if (plan.destroy)
            for (const l of loginsOf(this.state.get(plan.destroy)!)) gone.push({ login: l, res: plan.destroy, kind: "destroy" });
        if (plan.refresh)
            for (const l of loginsOf(this.state.get(plan.refresh)!)) gone.push({ login: l, res: plan.refresh, kind: "refresh" });
        return [...ops, ...gone];
    }

    async checkUser(p: UserProvider, login: string, decl: Decl): Promise<Record<string, unknown>> {
        const inputs = this.inputsOf(login, decl);
        const c = await p.check({}, inputs);
        assert.deepEqual(c.failures ?? [], [], `check failed for ${JSON.stringify(inputs)}`);
        return { ...(c.inputs as Record<string, unknown>), __provider: PROVIDER_TEXT };
    }

    async checkSet(sp: UserSetProvider, res: string, members: Member[]): Promise<Record<string, unknown>> {
        const e = this.state.get(res) as SetEntry | undefined;
        const news = { users: keyByLogin(members.map((m) => this.inputsOf(m.login, m.decl))), __provider: PROVIDER_TEXT };
        const c = await sp.check(e?.inputs ?? {}, news);
        assert.deepEqual(c.failures ?? [], [], `check of ${res} failed for ${JSON.stringify(members)}`);
        return { ...(c.inputs as Record<string, unknown>), __provider: PROVIDER_TEXT };
    }

    async userCreate(p: UserProvider, res: string, news: Record<string, unknown>): Promise<string> {
        const login = String(news.loginId);
        try {
            const r = await p.create(news);
            this.state.set(res, { kind: "user", login, id: r.id, outs: { ...r.outs, __provider: PROVIDER_TEXT }, initError: false });
            return `created id ${r.id}`;
        } catch (err: any) {
            // Like the engine: the id and the properties go to the state, with the init error.
            if (err?.name === "ResourceInitError" && err.id)
                this.state.set(res, { kind: "user", login, id: err.id, outs: err.properties, initError: true });
            throw err;
        }
    }

    async userUpdate(p: UserProvider, e: UserEntry, news: Record<string, unknown>): Promise<string> {
        try {
            const r = await p.update(e.id, e.outs, news);
            e.outs = { ...r.outs, __provider: PROVIDER_TEXT };
            e.initError = false;
            return `updated id ${effId(e)}`;
        } catch (err: any) {
            if (err?.name === "ResourceInitError" && err.id) Object.assign(e, { outs: err.properties, initError: true });
            throw err;
        }
    }

    /**
     * A replacement (a new loginId), as the engine runs it: the new user created first and the old
     * resource kept for a delete at the end of the run, unless diff asked to delete it first.
     */
    async replace(p: UserProvider, res: string, old: UserEntry, news: Record<string, unknown>, deleteFirst: boolean): Promise<string> {
        if (deleteFirst) {
            await p.delete(old.id, old.outs);
            this.state.delete(res);
            return `${await this.userCreate(p, res, news)} (after deleting '${old.login}' first)`;
        }
        try {
            return `${await this.userCreate(p, res, news)} (replacing '${old.login}', deleted last)`;
        } finally {
            // Created (also with an init error): the old resource waits for its delete.
            if (this.state.get(res) !== old) this.state.set(res + OLD, old);
        }
    }

    async setCreate(sp: UserSetProvider, res: string, news: Record<string, unknown>): Promise<string> {
        try {
            const r = await sp.create(news);
            this.state.set(res, { kind: "set", id: r.id, outs: { ...r.outs, __provider: PROVIDER_TEXT }, inputs: news, initError: false });
            return `created set ${res} (${Object.keys(r.outs.users ?? {}).length} members)`;
        } catch (err: any) {
            if (err?.name === "ResourceInitError" && err.id)
                this.state.set(res, { kind: "set", id: err.id, outs: err.properties, inputs: news, initError: true });
            throw err;
        }
    }

    async setUpdate(sp: UserSetProvider, e: SetEntry, news: Record<string, unknown>): Promise<string> {
        try {
            const r = await sp.update(e.id, e.outs, news);
            Object.assign(e, { outs: { ...r.outs, __provider: PROVIDER_TEXT }, inputs: news, initError: false });
            return `updated set (${Object.keys(r.outs.users ?? {}).length} members)`;
        } catch (err: any) {
            if (err?.name === "ResourceInitError" && err.id) Object.assign(e, { outs: err.properties, inputs: news, initError: true });
            throw err;
        }
    }

    async destroyRes(p: UserProvider, sp: UserSetProvider, key: string): Promise<string> {
        const e = this.state.get(key)!;
        if (e.kind === "user") await p.delete(e.id, e.outs);
        else await sp.delete(e.id, e.outs);
        this.state.delete(key);
        return e.kind === "user" ? `deleted (state had '${e.login}' id ${effId(e)})` : `deleted set (${loginsOf(e).length} members)`;
    }

    async refreshRes(p: UserProvider, sp: UserSetProvider, key: string): Promise<string> {
        const e = this.state.get(key)!;
        if (e.kind === "set") {
            const r = await sp.read(e.id, e.outs);
            Object.assign(e, { outs: { ...r.props, __provider: PROVIDER_TEXT }, inputs: { ...r.inputs, __provider: PROVIDER_TEXT } });
            return `refreshed set (${loginsOf(e).length} members)`;
        }
        const r = await p.read(e.id, e.outs);
        if (!r.id) {
            this.state.delete(key);
            return `dropped from state (had id ${effId(e)})`;
        }
        e.id = r.id;
        e.outs = { ...(r.props ?? {}), __provider: PROVIDER_TEXT };
        return `refreshed id ${effId(e)}`;
    }

    /**
     * Preview of one declared resource: its diff (which may refuse), and what `up` then runs for it;
     * undefined when nothing changes.
     */
    async preview(
        p: UserProvider,
        sp: UserSetProvider,
        d: Declared,
        news: Record<string, unknown>,
        outcomes: Map<string, Outcome>,
    ): Promise<(() => Promise<string>) | undefined> {
        const e = this.state.get(d.res);
        if (d.kind === "user") {
            if (!e) return () => this.userCreate(p, d.res, news);
            const old = e as UserEntry;
            if (old.login !== d.login) {
                const diff = await p.diff(old.id, old.outs, news);
                assert.ok(diff.replaces?.includes("loginId"), "a new loginId replaces the user");
                return () => this.replace(p, d.res, old, news, diff.deleteBeforeReplace === true);
            }
            // A resource with an init error is updated whatever its diff says (the diff may still refuse).
            const diff = await p.diff(old.id, old.outs, news);
            assert.deepEqual(diff.replaces ?? [], [], "the login does not change, so nothing is replaced");
            if (!diff.changes && !old.initError) return void outcomes.set(d.res, { ok: true, text: "no changes" });
            return () => this.userUpdate(p, old, news);
        }
        if (!e) return () => this.setCreate(sp, d.res, news);
        const set = e as SetEntry;
        const diff = await sp.diff(set.id, set.outs, news);
        if (!diff.changes && !set.initError) return void outcomes.set(d.res, { ok: true, text: "no changes" });
        return () => this.setUpdate(sp, set, news);
    }

    /** One run of the engine for the plan; each resource's outcome lands in `outcomes` (by state key). */
    async engine(plan: Plan, outcomes: Map<string, Outcome>): Promise<void> {
        const { p, sp } = this.providers();
        const keys = [...plan.declares.map((d) => d.res), ...plan.removed, plan.destroy, plan.refresh].filter((k): k is string => !!k);
        const record = async (key: string, run: () => Promise<string>) => {
            try {
                outcomes.set(key, { ok: true, text: await run() });
            } catch (err: any) {
                outcomes.set(key, { ok: false, text: `${err?.name}: ${err?.message}`, err });
            }
        };
        // Preview: the program (one resource per login), each resource's check in program order, then the diffs.
        const work: [string, () => Promise<string>][] = [];
        try {
            const declaredBy = new Map<string, string>();
            for (const d of plan.declares) {
                for (const login of d.kind === "user" ? [d.login] : d.members.map((m) => m.login)) {
                    const other = declaredBy.get(login);
                    if (other !== undefined && other !== d.res)
                        throw new ProgramError(`user '${login}' is declared by two resources: ${other} and ${d.res}`);
                    declaredBy.set(login, d.res);
                }
            }
            const checked: [Declared, Record<string, unknown>][] = [];
            for (const d of plan.declares)
                checked.push([d, d.kind === "user" ? await this.checkUser(p, d.login, d.decl) : await this.checkSet(sp, d.res, d.members)]);
            for (const [d, news] of checked) {
                const run = await this.preview(p, sp, d, news, outcomes);
                if (run) work.push([d.res, run]);
            }
        } catch (err: any) {
            if (err instanceof assert.AssertionError) throw err;
            for (const k of keys) outcomes.set(k, { ok: false, text: `preview failed: ${err?.name}: ${err?.message}`, err });
            return;
        }
        if (plan.destroy) work.push([plan.destroy, () => this.destroyRes(p, sp, plan.destroy!)]);
        if (plan.refresh) work.push([plan.refresh, () => this.refreshRes(p, sp, plan.refresh!)]);
        await Promise.all(work.map(([key, run]) => record(key, run)));
        // Deletes go last: resources removed from the program, and the old resources of replaced Users.
        const last = new Set([...plan.removed, ...[...this.state.keys()].filter((k) => k.endsWith(OLD))]);
        await Promise.all([...last].filter((k) => this.state.has(k)).map((key) => record(key, () => this.destroyRes(p, sp, key))));
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

    async ourStep(step: OurStep): Promise<{ lines: string[]; errors: number; deferred?: Foreign; self?: string }> {
        const plan = this.plan(step);
        if (typeof plan === "string") return { lines: [`  ${plan}`], errors: 0 };
        const lines = plan.notes.map((n) => `  ${n}`);
        const env: Env = "env" in step ? step.env : {};
        const self = plan.self;
        const ops = this.loginOps(plan);

        const before = await this.users();
        const start = new Map(before); // `before` learns what the foreign actor does during the step; this stays as found
        const auditMark = Math.max(0, ...(await this.audits()).map((e) => Number(e.auditId)));
        let ownedBefore = this.owners(before);
        const stateBefore = new Map([...this.state].map(([k, e]) => [k, { ...e }]));
        const config: Record<string, unknown> = {};
        if (env.busyMs) config.foreignJobMs = env.busyMs;
        if (env.fault && self) {
            const k = env.fault.kind;
            if (k === "jobException") config.jobException = "IDM_UNAVAILABLE (injected)";
            else if (k === "renameIds") config.renameIds = true;
            else if (k === "failRoles") config.failRoles = [env.fault.role];
            else config[k] = [self];
        }
        // Another administrator right before the work of our job naming the login: what it leaves is predicted from the user as found.
        let during: { d: During; login: string; left: ForeignLeft } | undefined;
        if (env.duringJob && self) {
            const login = env.duringJob.on === "self" ? self : otherCase(self);
            const d = applicable(env.duringJob, before.has(login));
            config.duringJob = [this.duringAction(d, login)];
            const left = this.foreignLeft(d, before.get(login));
            if (left !== "noop") during = { d, login, left };
        }
        const faulted = Object.keys(config).length > 0 && (await this.setFaults(config));
        const refusals = (await this.sim.stats()).busyRefusals ?? 0;

        const outcomes = new Map<string, Outcome>();
        let settled = false;
        const all = this.engine(plan, outcomes).finally(() => (settled = true));

        // A foreign action while our job waits for the busy tenant: after a submission was refused
        // (so before the one that is accepted, whose read comes after the backoff).
        let deferred: Foreign | undefined;
        if (env.during) {
            let refused = false;
            for (let i = 0; i < 300 && !settled && !refused; i++) {
                refused = ((await this.sim.stats()).busyRefusals ?? 0) > refusals;
                if (!refused) await new Promise((resolve) => setTimeout(resolve, 2));
            }
            if (refused && !settled) {
                lines.push(`  during the busy wait: foreign ${await this.foreignAct(env.during, self, before)}`);
                ownedBefore = this.owners(before, stateBefore); // a user the actor replaced was not ours when our job began
            } else deferred = env.during;
        }
        await all;
        if (during) {
            const left = (await axios.get(`${this.sim.url}/__sim/faults`)).data.duringJob ?? [];
            if (left.length > 0) {
                lines.push(`  during our job: ${during.d.op} '${during.login}' not fired (no job of ours named it)`);
                during = undefined;
            } else lines.push(`  during our job: ${during.d.op} '${during.login}' fired`);
        }
        if (faulted) await this.sim.clearFaults();
        let errors = 0;
        for (const [key, r] of outcomes) {
            lines.push(`  ${key}: ${r.ok ? "ok" : "error"}: ${r.text.slice(0, 300)}`);
            if (!r.ok) {
                errors++;
                if (!ALLOWED_ERRORS.has(r.err?.name)) throw new Error(`unexpected error from ${key}: ${r.err?.stack ?? r.err}`);
            }
        }
        const outcomeOf = (o: LoginOp): Outcome | undefined => (o.alt && outcomes.get(o.alt)) || outcomes.get(o.res);

        // What this step did, against the model.
        const after = await this.users();
        const ownedAfter = this.owners(after);
        const held = new Set(this.holdings().map((h) => h.login));
        const logins = new Set([...before.keys(), ...after.keys()]);
        for (const login of logins) {
            const ownerBefore = ownedBefore.get(login);
            const ownerAfter = ownedAfter.get(login);
            const b = before.get(login);
            const a = after.get(login);
            if (during && login === during.login) {
                this.afterForeignDuringJob(during, a, ownerBefore, ownerAfter, ops, outcomeOf, lines);
                continue;
            }
            const owns = (o: LoginOp, r: string | undefined) => r !== undefined && (o.res === r || o.alt === r);
            const op = ops.find((o) => o.login === login && (owns(o, ownerBefore) || owns(o, ownerAfter)));
            if (!op) {
                // Only the owned user is touched: a user whose owner did not act on it in this step is as it was.
                assert.deepEqual(view(a), view(b), `invariant 1: user '${login}' changed in a step none of whose resources owns it`);
                continue;
            }
            const outcome = outcomeOf(op) ?? { ok: false, text: "not run" };
            if (ownerAfter) {
                if (!ownerBefore && b) {
                    // Taken over: needs adopt (the leftover rule may take a user our own account created).
                    const how = op.decl?.adopt ? "adopt" : `no adopt, createdBy ${b.createdBy}`;
                    lines.push(`  ${ownerAfter} took over existing user '${login}' (id ${b.id}, ${how})`);
                    if (!op.decl?.adopt && b.createdBy !== OURS)
                        this.fail(`one owner per login: ${ownerAfter} took over '${login}' (createdBy ${b.createdBy}) without adopt`);
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
                this.confirmed(op, outcome, a, stateBefore);
            } else {
                this.expected.delete(login);
                if (ownerBefore && a && op.kind === "destroy" && this.opts.deletionMode === "deprovision" && !held.has(login)) {
                    // Deprovisioned: left behind disabled and without roles, everything else as it was; nobody's now.
                    assert.equal(a.disabled, true, `deprovisioned '${login}' is disabled`);
                    assert.deepEqual(a.roles, [], `deprovisioned '${login}' has no roles`);
                    const keep = (u: any) => {
                        const { disabled: _d, roles: _r, status: _s, lastAction: _l, id: _i, ...rest } = view(u);
                        return rest;
                    };
                    assert.deepEqual(keep(a), keep(b), `deprovisioning '${login}' changed only disabled and roles`);
                    this.foreign.set(login, a);
                } else if (ownerBefore && a && op.kind === "release" && !held.has(login)) {
                    // Released by a move whose new resource did not take it: left behind as it is, nobody's now.
                    lines.push(`  '${login}' released by ${op.res}, not taken by the resource it moved to: left as it is`);
                    this.foreign.set(login, a);
                }
            }
        }
        await this.stepInvariants(plan, ops, { start, before, after, ownedAfter, during, auditMark });
        return { lines, errors, deferred, self };
    }

    /** Only what was confirmed is reported: a create or update that succeeded shows the declaration on the tenant. */
    confirmed(op: LoginOp, outcome: Outcome, a: any, stateBefore: Map<string, Entry>): void {
        if (!outcome.ok || op.kind !== "declare" || !op.decl || !/^(created|updated)/.test(outcome.text)) return;
        const d = op.decl;
        const e = stateBefore.get(op.res);
        if (e?.kind === "set") {
            // A set's update sends only the members that differ from its outputs; the others say nothing about the tenant.
            const m = e.outs.users?.[op.login];
            const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
            const differs =
                !m ||
                m.lastName !== d.lastName ||
                (d.roles !== undefined && !same([...(m.roles ?? [])].sort(), [...d.roles].sort())) ||
                (d.disabled !== undefined && m.disabled !== d.disabled);
            if (!differs) return;
        }
        assert.ok(a, `confirmed ${op.res}: '${op.login}' is on the tenant`);
        assert.equal(a.lastName, d.lastName, `confirmed ${op.res}: lastName of '${op.login}' on the tenant`);
        if (d.roles) assert.deepEqual(roleNames(a), [...d.roles].sort(), `confirmed ${op.res}: roles of '${op.login}' on the tenant`);
        if (d.disabled !== undefined) assert.equal(a.disabled === true, d.disabled, `confirmed ${op.res}: disabled of '${op.login}'`);
    }

    /**
     * The login another administrator changed while our job ran: what they left is the ceiling of
     * its access (invariants 6-10), and the model takes the tenant's user as it now is.
     */
    afterForeignDuringJob(
        during: { d: During; login: string; left: ForeignLeft },
        a: any,
        ownerBefore: string | undefined,
        ownerAfter: string | undefined,
        ops: LoginOp[],
        outcomeOf: (o: LoginOp) => Outcome | undefined,
        lines: string[],
    ): void {
        const { login, left, d } = during;
        const op = ops.find((o) => o.login === login && o.kind === "declare") ?? ops.find((o) => o.login === login);
        const outcome = op ? outcomeOf(op) : undefined;
        // The step's declaration of the login counts only for the resource that owns it afterwards.
        const owning = op && ownerAfter !== undefined && (op.res === ownerAfter || op.alt === ownerAfter) ? op : undefined;
        if (a && !left) {
            // They deleted it while our job ran: our update must not bring it back.
            const behind = this.opts.deletionMode === "deprovision" && stripped(a) && !ownerAfter;
            if (!behind)
                this.fail(
                    `invariant 8: '${login}' was deleted by another administrator while our job ran, and is back after the step ` +
                        `(id ${a.id}, ${a.disabled ? "disabled" : "ENABLED"}, roles [${roleNames(a)}], owned by ${ownerAfter ?? "nobody"})`,
                );
        } else if (a && left) {
            const ceiling = new Set([...left.unmanaged.roles, ...(owning?.decl?.roles ?? [])]);
            const widened = roleNames(a).filter((r) => !ceiling.has(r));
            if (widened.length)
                this.fail(
                    `invariant 6: '${login}' has roles [${widened}] that neither the program declares nor the other administrator ` +
                        `left it (they left [${left.unmanaged.roles}] while our job ran)`,
                );
            if (left.unmanaged.disabled && a.disabled !== true && owning?.decl?.disabled !== false)
                this.fail(`invariant 7: '${login}', disabled by another administrator while our job ran, is enabled after the step`);
            if (d.op === "set" && (a[d.field] ?? null) !== left.unmanaged[d.field] && outcome?.ok && op?.kind !== "refresh")
                this.fail(
                    `invariant 9: the ${d.field} another administrator set on '${login}' while our job ran was overwritten ` +
                        `('${left.unmanaged[d.field]}' -> '${a[d.field] ?? null}'), and ${op?.res} reported success`,
                );
            if (ownerAfter && !ownerBefore && a.createdBy !== OURS && !owning?.decl?.adopt)
                this.fail(
                    `invariant 10: ${ownerAfter} took over '${login}' (createdBy ${a.createdBy}), created while our job ran, without adopt`,
                );
        } else if (!a && left && !(op?.kind === "destroy" && ownerBefore)) {
            this.fail(
                `invariant 1: '${login}', as another administrator left it while our job ran, was deleted by a step that does not delete it`,
            );
        }
        // A job of ours named the login (the action fired), so a set's member counts as sent.
        if (op && outcome) this.confirmed(op, outcome, a, new Map());
        lines.push(
            `  '${login}' after the other administrator's ${d.op}: ${a ? `${a.disabled ? "disabled" : "enabled"}, roles [${roleNames(a)}]` : "gone"}`,
        );
        if (ownerAfter) {
            this.expected.set(login, unmanagedOf(a));
            this.foreign.delete(login);
        } else {
            this.expected.delete(login);
            if (a) this.foreign.set(login, a);
            else this.foreign.delete(login);
        }
    }

    /**
     * The step's own invariants: our account enables nobody the program does not declare enabled
     * (the audit events since the step began), nothing is removed in bulk, a rename deletes its old
     * user only once the new one is the resource's, a moved login is not deleted.
     */
    async stepInvariants(plan: Plan, ops: LoginOp[], t: StepView): Promise<void> {
        const { start, before, after, ownedAfter, during, auditMark } = t;
        // 7. Replayed from the user as the step found it: a change of `disabled` by our account while it was disabled enabled it.
        const events = (await this.audits())
            .filter((e) => Number(e.auditId) > auditMark)
            .sort((x, y) => Number(x.auditId) - Number(y.auditId));
        const disabled = new Map<string, boolean | undefined>([...start].map(([l, u]) => [l, u.disabled === true]));
        const declaredEnabled = (login: string) => ops.some((o) => o.login === login && o.kind === "declare" && o.decl?.disabled === false);
        for (const e of events) {
            const login = String(e.loginId);
            const text = String(e.description);
            const was = disabled.get(login);
            const fields = /\bupdated: (.*)$/.exec(text)?.[1].split(", ") ?? [];
            if (was === true && (/ enabled$/.test(text) || fields.includes("disabled")) && e.grantor === OURS && !declaredEnabled(login))
                this.fail(
                    `invariant 7: our account enabled '${login}', which was disabled and is not declared enabled (audit event ${e.auditId}: "${text}")`,
                );
            if (/ created$/.test(text)) disabled.set(login, undefined);
            else if (/ deleted$/.test(text)) disabled.delete(login);
            else if (/ disabled$/.test(text)) disabled.set(login, true);
            else if (/ enabled$/.test(text)) disabled.set(login, false);
            else if (fields.includes("disabled")) disabled.set(login, was === undefined ? undefined : !was);
        }
        // 11. What the step removed: users gone, or (deprovision) left stripped and nobody's, but for one the foreign actor deleted.
        const removed = [...before.keys()].filter((login) => {
            if (during?.login === login) return !during.left ? false : !after.has(login);
            const a = after.get(login);
            if (!a) return true;
            return this.opts.deletionMode === "deprovision" && !ownedAfter.has(login) && stripped(a) && !stripped(before.get(login));
        });
        if (removed.length > MAX_DELETIONS)
            this.fail(`invariant 11: the step removed ${removed.length} users [${removed}], more than maxDeletions (${MAX_DELETIONS})`);
        if (plan.emptied && removed.length > 0) this.fail(`invariant 11: emptying ${plan.emptied} removed [${removed}]`);
        // 12. A rename deletes its old user only when the new one is the resource's (or, a change of case, was free).
        for (const o of ops) {
            if (o.renamedFrom === undefined || !removed.includes(o.renamedFrom)) continue;
            if (o.renamedFrom.toLowerCase() === o.login.toLowerCase() && !start.has(o.login)) continue;
            if (ownedAfter.get(o.login) !== o.res)
                this.fail(
                    `invariant 12: renaming ${o.res} from '${o.renamedFrom}' to '${o.login}' removed '${o.renamedFrom}', but '${o.login}' ` +
                        `${after.has(o.login) ? `is owned by ${ownedAfter.get(o.login) ?? "nobody"}` : "is not on the tenant"}`,
                );
        }
        // 13. A moved login is released by its old resource, never deleted.
        if (plan.moved && removed.includes(plan.moved))
            this.fail(`invariant 13: '${plan.moved}', moved to another resource in this run, was removed`);
    }

    // -----------------------------------------------------------------------------------------
    // The invariants, from a read of the whole tenant

    async checkInvariants(): Promise<void> {
        const users = await this.users();
        const stats = await this.sim.stats();
        assert.equal(stats.overlappingJobs, 0, "the simulator saw overlapping jobs");
        // 3. No two resources own one user.
        const holder = new Map<string, string>();
        for (const h of this.holdings()) {
            const who = `${h.res} ('${h.login}')`;
            if (holder.has(h.id)) this.fail(`invariant 3: ${holder.get(h.id)} and ${who} both hold user id ${h.id}`);
            holder.set(h.id, who);
        }
        // 4. Every id in state belongs to the login it is held under.
        const byId = new Map([...users.values()].map((u) => [u.id as string, u]));
        for (const h of this.holdings()) {
            const u = byId.get(h.id);
            if (u && u.loginId !== h.login)
                this.fail(`invariant 4: ${h.res} holds '${h.login}' but its id ${h.id} is the user '${u.loginId}'`);
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
    const kind = /invariant \d+|one owner|confirmed|overlapping|deprovision/.exec(violation)?.[0] ?? violation;
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
        if ("env" in st && Object.keys(st.env).length > 0) simpler.push([{ ...st, env: {} }]);
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
const SEEDS = envSeeds?.length ? envSeeds : [10, 12, 13, 28, 30, 45];
const STEPS = Number(process.env.MODEL_STEPS) || 40;

async function runSeeds(sim: Sim, resources: Record<string, string>, seeds: number[]): Promise<void> {
    const failed: string[] = [];
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
            const text = `seed ${seed} (${deletionMode}): ${report.violation}`;
            // MODEL_ALL=1 runs every seed and names each one's violation (finding the seeds that catch a planted break).
            if (process.env.MODEL_ALL !== "1") assert.fail(`${text}\n${report.log.join("\n")}`);
            console.log(`      ${text.split("\n")[0]}`);
            failed.push(text);
        }
    }
    assert.deepEqual(failed, [], `${failed.length} of ${seeds.length} seeds broke an invariant`);
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

    it(`${SEEDS.length} seeds x ${STEPS} steps: only the owned user is touched, nothing unmanaged is lost, one owner per user, ids match logins, no access widened, nothing removed in bulk, renames and moves keep people`, async function () {
        this.timeout(Math.max(180_000, SEEDS.length * 20_000)); // a few seconds a seed; more seeds (MODEL_SEEDS) get more time
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
