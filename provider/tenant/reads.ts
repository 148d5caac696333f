// Reads users, coalescing many concurrent reads into one `GET /user` list.
//
// A single read stays a single `GET /user/{loginId}`. When several reads are pending in the same
// few milliseconds (a refresh of a big stack, the existence checks of a bulk create), one list
// answers them all, and the list is kept as a snapshot for a short while so that the reads the
// engine sends as its slots free up are answered too. Any job we run makes the snapshot stale,
// so the job runner calls invalidate() when a job is submitted and when it ends.
//
// A list answers a few reads as often as many (8 pending reads at --parallel 8, round after round
// of a bulk create), so its cost must not grow with the tenant beyond the transfer itself: the
// list is indexed by login, and only the entries a read asks for are validated (zod over 1,000
// users costs ~60 ms; over 8, well under 1 ms). A malformed entry fails only the read that asks for it.
import { z } from "zod";
import { PrimaveraClient } from "../api/client";
import { ApiError, excerpt } from "../api/errors";
import { assertSameLogin, caseVariant } from "../model/identity";
import { issuesText, validateEach } from "../api/bounds";
import { ServerUser, serverUser } from "../api/schemas";

/**
 * The users of one `GET /user`, by exact login (identity.ts); entries are validated when first
 * asked for. Logins are also grouped ignoring case, so a read can tell "absent" from "only a case
 * variant is here", which the list alone cannot settle (see UserReader.fromList).
 */
class UserIndex {
    private readonly parsed = new Map<string, ServerUser>();
    private readonly folded = new Map<string, string[]>();

    constructor(private readonly raw: Map<string, unknown>) {
        for (const login of raw.keys()) {
            const key = login.toLowerCase();
            const list = this.folded.get(key);
            if (list) list.push(login);
            else this.folded.set(key, [login]);
        }
    }

    /** The user with exactly this login, undefined when the list does not hold it; throws when its entry is not a user record. */
    get(loginId: string): ServerUser | undefined {
        const done = this.parsed.get(loginId);
        if (done) return done;
        const entry = this.raw.get(loginId);
        if (entry === undefined) return undefined;
        const r = serverUser.safeParse(entry);
        if (!r.success)
            throw new ApiError(
                `reading user '${loginId}': its entry in GET /user is not a user record: ${excerpt(issuesText(r.error))}`,
                200,
            );
        this.parsed.set(loginId, r.data);
        return r.data;
    }

    /** Logins of the list that differ from `loginId` only in case. */
    variants(loginId: string): string[] {
        return (this.folded.get(loginId.toLowerCase()) ?? []).filter((l) => caseVariant(l, loginId));
    }
}

/** A list whose entries are validated one by one, when asked for (see UserIndex). */
const ANY_LIST = z.array(z.unknown());

/** Pending reads at or above this count are served by one list instead of one GET each. */
const LIST_THRESHOLD = 4;
/** How long a list snapshot answers later reads. */
const SNAPSHOT_TTL_MS = 3_000;
const GATHER_MS = 2;

interface Waiter {
    resolve(user: ServerUser | undefined): void;
    reject(error: Error): void;
    deadline: number;
}

export class UserReader {
    private pending = new Map<string, Waiter[]>();
    private flushScheduled = false;
    private snapshot: { at: number; users: UserIndex } | undefined;
    private generation = 0;

    constructor(private readonly client: PrimaveraClient) {}

    /** The live user with exactly this login, or undefined when the tenant has none. */
    read(loginId: string, deadline: number): Promise<ServerUser | undefined> {
        if (this.snapshot && Date.now() - this.snapshot.at < SNAPSHOT_TTL_MS) {
            return this.fromList(this.snapshot.users, loginId, deadline);
        }
        return new Promise((resolve, reject) => {
            const list = this.pending.get(loginId) ?? [];
            list.push({ resolve, reject, deadline });
            this.pending.set(loginId, list);
            if (!this.flushScheduled) {
                this.flushScheduled = true;
                setTimeout(() => void this.flush(), GATHER_MS);
            }
        });
    }

    /**
     * Reads taken now, for a job about to be submitted: never from a snapshot or a read already in
     * flight. One list for many logins, single GETs for a few. Each login gets its user, undefined,
     * or the error that concerns it alone.
     */
    readFresh(loginIds: string[], deadline: number): Promise<Map<string, ServerUser | undefined | Error>> {
        return this.readMany(loginIds, deadline);
    }

    /**
     * One list for many logins, single GETs for a few; `listed` sees the list when one was taken.
     * A failed list fails the whole read; any other failure concerns its login alone.
     */
    private async readMany(
        loginIds: string[],
        deadline: number,
        listed: (users: UserIndex) => void = () => undefined,
    ): Promise<Map<string, ServerUser | undefined | Error>> {
        const out = new Map<string, ServerUser | undefined | Error>();
        const settle = async (loginId: string, read: () => Promise<ServerUser | undefined>) => {
            try {
                out.set(loginId, await read());
            } catch (e) {
                out.set(loginId, e as Error);
            }
        };
        if (loginIds.length >= LIST_THRESHOLD) {
            const users = await this.index(deadline);
            listed(users);
            await Promise.all(loginIds.map((l) => settle(l, () => this.fromList(users, l, deadline))));
        } else {
            await Promise.all(loginIds.map((l) => settle(l, () => this.readOne(l, deadline))));
        }
        return out;
    }

    /** The user whose server id is `id` (one `GET /user`), or undefined. */
    async readById(id: string, deadline: number): Promise<ServerUser | undefined> {
        return (await this.list(deadline)).find((u) => u.id === id);
    }

    /** Every user of the tenant (one `GET /user`), each validated (stopping at the first that is not a user record). */
    async list(deadline: number): Promise<ServerUser[]> {
        const checked = validateEach(serverUser, await this.fetchList(deadline));
        if ("bad" in checked)
            throw new ApiError(`listing users: entry ${checked.bad} of GET /user is not a user record: ${excerpt(checked.why)}`, 200);
        return checked.ok;
    }

    /**
     * A login's user from a list. When the list holds only a case variant of the login, the list
     * cannot tell a case-sensitive tenant (the login is absent) from a case-insensitive one (the
     * variant IS the login): the single read settles it, and fails naming both in the second case.
     */
    private async fromList(users: UserIndex, loginId: string, deadline: number): Promise<ServerUser | undefined> {
        const user = users.get(loginId);
        if (user || users.variants(loginId).length === 0) return user;
        return this.readOne(loginId, deadline);
    }

    /** One `GET /user`, checked to be a list; its entries are validated by whoever uses them. */
    private async fetchList(deadline: number): Promise<unknown[]> {
        const list = await this.client.getJson(this.client.path("/user"), ANY_LIST, { deadline, purpose: "listing users" });
        return list!;
    }

    /** The list indexed by login; an entry without a string loginId cannot be asked for, and is left out. */
    private async index(deadline: number): Promise<UserIndex> {
        const raw = new Map<string, unknown>();
        for (const entry of await this.fetchList(deadline)) {
            const loginId = (entry as { loginId?: unknown } | null)?.loginId;
            if (typeof loginId === "string") raw.set(loginId, entry);
        }
        return new UserIndex(raw);
    }

    invalidate(): void {
        this.snapshot = undefined;
        this.generation++;
    }

    private async flush(): Promise<void> {
        this.flushScheduled = false;
        const batch = this.pending;
        this.pending = new Map();
        const deadline = Math.max(...[...batch.values()].flat().map((w) => w.deadline));
        const generation = this.generation;
        let read: Map<string, ServerUser | undefined | Error>;
        try {
            read = await this.readMany([...batch.keys()], deadline, (users) => {
                if (generation === this.generation) this.snapshot = { at: Date.now(), users };
            });
        } catch (e) {
            for (const waiters of batch.values()) for (const w of waiters) w.reject(e as Error);
            return;
        }
        for (const [loginId, waiters] of batch) {
            const user = read.get(loginId);
            for (const w of waiters) {
                if (user instanceof Error) w.reject(user);
                else w.resolve(user);
            }
        }
    }

    private async readOne(loginId: string, deadline: number): Promise<ServerUser | undefined> {
        const path = this.client.path(`/user/${encodeURIComponent(loginId)}`);
        const user = await this.client.getJson(path, serverUser, { deadline, purpose: `reading user '${loginId}'`, absent: [404] });
        if (user) assertSameLogin(loginId, user.loginId, `GET ${path}`);
        return user;
    }
}
