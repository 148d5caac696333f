/**
 * The tenant's state and its rules: organizations, the role catalog and the users (a Map keyed
 * by loginId, or by the lower-cased loginId on a case-insensitive tenant), the id counters, and
 * every change to them: a job's request, change-status, change-lock, drift and reset.
 *
 * Everything that changes users lives here, so jobs, the user routes and the drift routes share
 * one set of rules, and every change is recorded as an audit event (audit.ts) naming who made it.
 * How a user looks on the wire is render.ts's job; reading and writing the data file is
 * persistence.ts's (called after every change when there is a data file).
 */
import {
    OrganizationWire,
    RoleRefWire,
    RoleWire,
    UserDataStoreRequest,
    UserDataStoreResult,
    UserRecordWire,
    UserResultEntry,
    UserWire,
} from "../http/wire";
import { AuditLog, auditText } from "./audit";
import { readDataFile, writeDataFile } from "./persistence";
import { emptyResult, failedEntry, organizationWire, renderUser, roleRefWire, roleWire } from "./render";
import { SeedData } from "./seedData";
import { AppliedEntry, IdLie, lieAboutIds } from "./idLies";
import { changedFields, hashStoredPassword, StoredUser, userFromRecord, UserPatch } from "./user";

/** First server user id handed out on an empty tenant (the vendor's example id is "3336"). */
const FIRST_USER_ID = 3336;
/** First job id (the vendor's example job id). */
const FIRST_JOB_ID = 51571;

export interface StoreOptions {
    /** Logins that differ only in case are one user (keyed by the lower-cased login). */
    caseInsensitiveLogins?: boolean;
}

/** The fault counters a job can move (see `FaultCounters`). */
export type JobFaultCounter =
    "failedUsers" | "skippedUsers" | "droppedFromResult" | "jobExceptions" | "renamedIds" | "rolledBackJobs" | "liedIds" | "echoedSecrets";

/** The exception of a job result under `rollbackEcho`. */
export const ROLLED_BACK = "Job rolled back, nothing saved";

export interface JobContext {
    /** Upper-cased account name of the submitter: `createdBy` of the users it creates, `grantor` of its audit events. */
    grantor: string;
    /** Login ids whose create/modify/delete fails inside this job (fault injection). */
    failUsers: ReadonlySet<string>;
    /** Role names whose application access fails (the user is still stored, without them). */
    failRoles?: ReadonlySet<string>;
    /** Login ids the job silently does not process: not applied, not in the result. */
    skipUsers?: ReadonlySet<string>;
    /** Login ids whose entries (and `updatedIdMap` pairs) are left out of the result; their change is applied. */
    dropFromResult?: ReadonlySet<string>;
    /** When set, the job processes nothing and its result carries this text as `exception`. */
    jobException?: string;
    /** Every user the job updates gets a fresh id; `updatedIdMap` maps the sent (or old) id to it. */
    renameIds?: boolean;
    /** The job applies nothing but echoes every record as if applied, with the exception ROLLED_BACK. */
    rollbackEcho?: boolean;
    /** `updatedIdMap` ("map"), the entries' `id` ("entry") or both give each record another user's id. */
    lieIds?: IdLie;
    /** An entry whose record carried a password quotes it in its `statusInfo`. */
    echoSecrets?: boolean;
    /** Called once per injected fault, naming its counter. */
    onFault?: (counter: JobFaultCounter) => void;
}

/** A problem with a caller's input that the caller can fix; the server answers 400 with it. */
export class InputError extends Error {}

/** Plain local timestamp, server time in UTC, e.g. `2018-05-30T07:54:17` (vendor example format). */
export function timestamp(d = new Date()): string {
    return d.toISOString().slice(0, 19);
}

export class Store {
    private readonly users = new Map<string, StoredUser>();
    private readonly orgs = new Map<string, OrganizationWire>();
    private readonly roles = new Map<string, RoleWire>();
    private readonly roleRefs = new Map<string, RoleRefWire>();
    private nextUserId = FIRST_USER_ID;
    private nextJobId = FIRST_JOB_ID;
    private readonly caseInsensitive: boolean;
    /** One event per change to a user, oldest first. */
    readonly audit: AuditLog;

    constructor(
        private readonly seed: SeedData,
        private readonly dataFile?: string,
        opts: StoreOptions = {},
    ) {
        this.caseInsensitive = opts.caseInsensitiveLogins ?? false;
        for (const o of seed.organizations) this.orgs.set(o.name, organizationWire(o));
        for (const r of seed.roles) {
            const role = roleWire(r);
            this.roles.set(r.name, role);
            this.roleRefs.set(r.name, roleRefWire(role));
        }
        const fromFile = dataFile ? readDataFile(dataFile) : undefined;
        if (fromFile) {
            for (const u of fromFile.users) {
                const clash = this.users.get(this.key(u.loginId));
                if (clash) throw new Error(`data file ${dataFile}: logins ${clash.loginId} and ${u.loginId} differ only in case`);
                this.users.set(this.key(u.loginId), u);
            }
            this.nextUserId = fromFile.nextUserId;
            this.nextJobId = fromFile.nextJobId;
        } else {
            this.loadSeedUsers();
        }
        this.audit = new AuditLog(fromFile?.audits, fromFile?.nextAuditId);
    }

    /* ------------------------------------------------------------------ reads */

    get userCount(): number {
        return this.users.size;
    }

    roleCatalog(): RoleWire[] {
        return [...this.roles.values()];
    }

    hasUser(loginId: string): boolean {
        return this.users.has(this.key(loginId));
    }

    getUser(loginId: string): UserWire | undefined {
        const u = this.users.get(this.key(loginId));
        return u && this.render(u);
    }

    listUsers(): UserWire[] {
        const out: UserWire[] = new Array(this.users.size);
        let i = 0;
        for (const u of this.users.values()) out[i++] = this.render(u);
        return out;
    }

    allocateJobId(): string {
        return String(this.nextJobId++);
    }

    /* ------------------------------------------------------------------ the job */

    /**
     * Applies one job's request (added, then modified, then deleted) and returns its result.
     * Fault switches in `ctx`: `jobException` (nothing is processed), `rollbackEcho` (nothing is
     * applied, everything reported), `skipUsers` (not processed, not reported; wins over
     * `failUsers`), `failUsers`, `dropFromResult` (applied, or failed, but not reported),
     * `renameIds`, `lieIds`, `echoSecrets`. Login lists match by this store's key rule.
     */
    applyJob(req: UserDataStoreRequest, ctx: JobContext): UserDataStoreResult {
        const result = emptyResult();
        if (ctx.jobException !== undefined) {
            ctx.onFault?.("jobExceptions");
            return { ...result, exception: ctx.jobException };
        }
        if (ctx.rollbackEcho) {
            ctx.onFault?.("rolledBackJobs");
            return this.echoWithoutApplying(req, ctx.grantor);
        }
        const skip = this.keySet(ctx.skipUsers);
        const drop = this.keySet(ctx.dropFromResult);
        const fail = this.keySet(ctx.failUsers);
        const hit = (set: ReadonlySet<string>, loginId: string, counter: JobFaultCounter): boolean => {
            if (!set.has(this.key(loginId))) return false;
            ctx.onFault?.(counter);
            return true;
        };
        const applied: AppliedEntry[] = [];
        for (const [records, entries] of [
            [req.added, result.added],
            [req.modified, result.modified],
        ] as const) {
            for (const rec of records ?? []) {
                if (hit(skip, rec.loginId, "skippedUsers")) continue;
                const { entry, idChange, stored } = this.upsertRecord(rec, ctx, hit(fail, rec.loginId, "failedUsers"));
                if (hit(drop, rec.loginId, "droppedFromResult")) continue;
                entries.push(entry);
                if (idChange) result.updatedIdMap[idChange[0]] = idChange[1];
                if (stored) applied.push({ entry: stored, mapKey: idChange?.[0] ?? stored.id });
            }
        }
        for (const loginId of req.deleted ?? []) {
            if (hit(skip, loginId, "skippedUsers")) continue;
            const outcome = this.deleteRecord(loginId, ctx.grantor, hit(fail, loginId, "failedUsers"));
            if (hit(drop, loginId, "droppedFromResult")) continue;
            if (typeof outcome === "string") result.deleted.push(outcome);
            else result.deleteFailed.push(outcome);
        }
        if (ctx.lieIds) lieAboutIds(ctx.lieIds, applied, result, this.otherUserId(), () => ctx.onFault?.("liedIds"));
        this.persist();
        return result;
    }

    /** The `rollbackEcho` result: every record as if applied (fresh ids for `added`), nothing stored. */
    private echoWithoutApplying(req: UserDataStoreRequest, grantor: string): UserDataStoreResult {
        const result: UserDataStoreResult = { ...emptyResult(), exception: ROLLED_BACK };
        const now = timestamp();
        for (const [records, entries, lastAction] of [
            [req.added, result.added, "Created"],
            [req.modified, result.modified, "Updated"],
        ] as const) {
            for (const rec of records ?? []) {
                const existing = lastAction === "Updated" ? this.users.get(this.key(rec.loginId)) : undefined;
                const roles = [...new Set((rec.roles ?? []).map((r) => r.name))];
                const id = existing?.id ?? String(this.nextUserId++);
                const user = userFromRecord(rec, existing, { id, organization: rec.organization.name, roles, createdBy: grantor, now });
                user.lastAction = lastAction;
                entries.push({ ...this.render(user), statusInfoOK: true, processed: true });
                if (rec.id != null && rec.id !== id) result.updatedIdMap[rec.id] = id;
            }
        }
        result.deleted = [...(req.deleted ?? [])];
        // The fresh ids are spent: saving the counter keeps a restart from handing them out again.
        this.persist();
        return result;
    }

    /** For `lieIds`: the id of the first stored user whose login is not `loginId` (undefined when there is none). */
    private otherUserId(): (loginId: string) => string | undefined {
        const [first, second] = this.users.values();
        return (loginId) => (first && this.key(first.loginId) !== this.key(loginId) ? first.id : second?.id);
    }

    /** One login of `deleted`: the stored login id when it was deleted, else its `deleteFailed` entry. */
    private deleteRecord(loginId: string, grantor: string, injectedFailure: boolean): string | UserResultEntry {
        if (injectedFailure) return { loginId, statusInfo: injectedFailureText(loginId), statusInfoOK: false };
        const existing = this.users.get(this.key(loginId));
        if (!existing) return { loginId, statusInfo: `User ${loginId} does not exist.`, statusInfoOK: false };
        this.users.delete(this.key(loginId));
        this.audit.record(existing.loginId, auditText.deleted(existing.loginId), grantor);
        return existing.loginId;
    }

    /**
     * Upsert by loginId, vendor rules: the record's roles replace the user's role set.
     * `idChange` is the `updatedIdMap` pair [sent or old id, current id] the record causes.
     */
    private upsertRecord(
        rec: UserRecordWire,
        ctx: JobContext,
        injectedFailure: boolean,
    ): { entry: UserResultEntry; idChange?: [string, string]; stored?: UserWire & { statusInfoOK: boolean } } {
        if (injectedFailure) return { entry: failedEntry(rec, injectedFailureText(rec.loginId)) };
        const org = this.orgs.get(rec.organization.name);
        if (!org) return { entry: failedEntry(rec, `Organization "${rec.organization.name}" does not exist.`) };
        const roleNames: string[] = [];
        let unknownRoles = 0;
        for (const r of rec.roles ?? []) {
            if (!this.roles.has(r.name) || ctx.failRoles?.has(r.name)) unknownRoles++;
            else if (!roleNames.includes(r.name)) roleNames.push(r.name);
        }
        const existing = this.users.get(this.key(rec.loginId));
        const renamed = existing !== undefined && ctx.renameIds === true;
        if (renamed) ctx.onFault?.("renamedIds");
        const id = existing && !renamed ? existing.id : String(this.nextUserId++);
        const user = userFromRecord(rec, existing, {
            id,
            organization: org.name,
            roles: roleNames,
            createdBy: ctx.grantor,
            now: timestamp(),
        });
        this.users.set(this.key(user.loginId), user);
        this.recordChange(existing, user, ctx.grantor, rec.password);

        const from = rec.id ?? (renamed ? existing.id : undefined);
        const entry = { ...this.render(user), statusInfoOK: unknownRoles === 0, processed: true as const };
        const done = existing ? "updated" : "created";
        if (unknownRoles > 0) entry.statusInfo = `User ${done}, but Application Access failed`;
        if (ctx.echoSecrets && rec.password) {
            entry.statusInfo = `User ${done}, but password '${rec.password}' does not meet the password policy`;
            entry.statusInfoOK = false;
            ctx.onFault?.("echoedSecrets");
        }
        return { entry, idChange: from != null && from !== user.id ? [from, user.id] : undefined, stored: entry };
    }

    /* ------------------------------------------------- status / lock (not jobs) */

    /** `PUT /user/change-status` by `grantor`: loginId -> "" when done, else the reason. */
    changeStatus(items: { loginId: string; disabled: boolean }[], grantor: string): Record<string, string> {
        const out: Record<string, string> = {};
        let changed = false;
        for (const { loginId, disabled } of items) {
            const u = this.users.get(this.key(loginId));
            if (!u) {
                out[loginId] = `User ${loginId} does not exist.`;
                continue;
            }
            if (u.disabled !== disabled) {
                this.users.set(this.key(loginId), { ...u, disabled, updatedDate: timestamp() });
                this.audit.record(u.loginId, (disabled ? auditText.disabled : auditText.enabled)(u.loginId), grantor);
                changed = true;
            }
            out[loginId] = "";
        }
        if (changed) this.persist();
        return out;
    }

    /** `PUT /user/change-lock` by `grantor`: unlocks; loginId -> "" when done, else the reason. */
    unlock(loginIds: string[], grantor: string): Record<string, string> {
        const out: Record<string, string> = {};
        let changed = false;
        for (const loginId of loginIds) {
            const u = this.users.get(this.key(loginId));
            if (!u) {
                out[loginId] = `User ${loginId} does not exist.`;
                continue;
            }
            if (u.locked || u.loginAttemptsCtr !== "0") {
                this.users.set(this.key(loginId), { ...u, locked: false, loginAttemptsCtr: "0", updatedDate: timestamp() });
                this.audit.record(u.loginId, auditText.unlocked(u.loginId), grantor);
                changed = true;
            }
            out[loginId] = "";
        }
        if (changed) this.persist();
        return out;
    }

    /* ------------------------------------------------- drift (behind our back) */

    /**
     * Merges `patch` into the user, or creates the user when absent (then firstName, lastName,
     * emailAddress and organization are required), as the administrator `grantor` would in the
     * vendor's UI; a created user gets `createdBy`. Throws InputError on unknown org/role.
     */
    putUser(loginId: string, patch: UserPatch, grantor: string, createdBy = "SIMULATOR"): { user: UserWire; created: boolean } {
        const { before, after } = this.mergeUser(loginId, patch, createdBy);
        this.recordChange(before, after, grantor, patch.password);
        this.persist();
        return { user: this.render(after), created: !before };
    }

    /** Lays `patch` over the stored user (or creates it): the user before (absent when created) and after. */
    private mergeUser(loginId: string, patch: UserPatch, createdBy: string): { before?: StoredUser; after: StoredUser } {
        const existing = this.users.get(this.key(loginId));
        const org = patch.organization === undefined ? undefined : this.orgByRef(patch.organization);
        const roles = patch.roles === undefined ? undefined : this.roleNames(patch.roles);
        if (patch.id !== undefined) {
            for (const u of this.users.values()) {
                if (u.id === patch.id && this.key(u.loginId) !== this.key(loginId))
                    throw new InputError(`id ${patch.id} belongs to user ${u.loginId}`);
            }
        }
        const now = timestamp();
        let user: StoredUser;
        if (existing) {
            user = { ...existing, updatedDate: now };
        } else {
            const missing = (["firstName", "lastName", "emailAddress", "organization"] as const).filter((k) => patch[k] === undefined);
            if (missing.length) throw new InputError(`user ${loginId} does not exist; creating it needs ${missing.join(", ")}`);
            user = {
                id: patch.id ?? String(this.nextUserId++),
                loginId,
                firstName: "",
                lastName: "",
                emailAddress: "",
                userType: "EMP",
                organization: "",
                roles: [],
                disabled: false,
                locked: false,
                loginAttemptsCtr: "0",
                pwdCantChange: false,
                createdBy,
                createdDate: now,
                updatedDate: now,
                provisionedDate: now,
                lastAction: "Created",
            };
        }
        const { organization: _o, roles: _r, password, middleName, employeeNumber, manager, startDate, endDate, ...plain } = patch;
        Object.assign(user, stripUndefined(plain));
        for (const [k, v] of Object.entries({ middleName, employeeNumber, manager, startDate, endDate })) {
            if (v === undefined) continue;
            if (v === null || v === "") delete (user as Record<string, unknown>)[k];
            else (user as Record<string, unknown>)[k] = v;
        }
        if (org) user.organization = org;
        if (roles) user.roles = roles;
        if (password) user.passwordHash = hashStoredPassword(password);
        this.users.set(this.key(loginId), user);
        return { before: existing, after: user };
    }

    /** Deletes the user as the administrator `grantor` would in the vendor's UI; false when absent. */
    removeUser(loginId: string, grantor: string): boolean {
        const existing = this.users.get(this.key(loginId));
        if (!existing) return false;
        this.users.delete(this.key(loginId));
        this.audit.record(existing.loginId, auditText.deleted(existing.loginId), grantor);
        this.persist();
        return true;
    }

    /** Users back to the seed and no audit events; id counters keep counting so ids are never reused. */
    reset(): void {
        this.users.clear();
        this.loadSeedUsers();
        this.audit.clear();
        this.persist();
    }

    /* ------------------------------------------------------------ persistence */

    /** Writes the whole state to the data file, when there is one. */
    persist(): void {
        if (!this.dataFile) return;
        writeDataFile(this.dataFile, {
            nextUserId: this.nextUserId,
            nextJobId: this.nextJobId,
            users: [...this.users.values()],
            audits: this.audit.all(),
            nextAuditId: this.audit.nextAuditId,
        });
    }

    /** The audit event of a create (no `before`) or an update by `grantor`; `sentPassword` counts as a change when it is new. */
    private recordChange(before: StoredUser | undefined, after: StoredUser, grantor: string, sentPassword?: string | null): void {
        const description = before
            ? auditText.updated(after.loginId, changedFields(before, after, sentPassword))
            : auditText.created(after.loginId);
        this.audit.record(after.loginId, description, grantor);
    }

    /* --------------------------------------------------------------- helpers */

    /** The users map key of a login: itself, or lower-cased on a case-insensitive tenant (logins with one key are one user). */
    key(loginId: string): string {
        return this.caseInsensitive ? loginId.toLowerCase() : loginId;
    }

    private keySet(loginIds: ReadonlySet<string> | undefined): ReadonlySet<string> {
        if (!loginIds) return new Set();
        return this.caseInsensitive ? new Set([...loginIds].map((l) => this.key(l))) : loginIds;
    }

    private loadSeedUsers(): void {
        for (const u of this.seed.users) {
            const { loginId, ...patch } = u;
            try {
                this.mergeUser(loginId, patch, "SEED");
            } catch (e) {
                throw new Error(`seed user ${loginId}: ${(e as Error).message}`);
            }
        }
        const maxId = Math.max(0, ...[...this.users.values()].map((u) => Number(u.id)).filter(Number.isFinite));
        this.nextUserId = Math.max(this.nextUserId, maxId + 1);
    }

    private orgByRef(ref: string | { name: string }): string {
        const name = typeof ref === "string" ? ref : ref.name;
        if (!this.orgs.has(name)) throw new InputError(`organization "${name}" does not exist`);
        return name;
    }

    private roleNames(refs: (string | { name: string })[]): string[] {
        const names: string[] = [];
        for (const ref of refs) {
            const name = typeof ref === "string" ? ref : ref.name;
            if (!this.roles.has(name)) throw new InputError(`role "${name}" is not in the catalog`);
            if (!names.includes(name)) names.push(name);
        }
        return names;
    }

    private render(u: StoredUser): UserWire {
        return renderUser(u, this.orgs, this.roleRefs);
    }
}

function injectedFailureText(loginId: string): string {
    return `Underlying Identity Management System threw an error while processing user ${loginId} (injected fault).`;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
