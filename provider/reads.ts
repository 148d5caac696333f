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
import { PrimaveraClient, serverMessage } from "./client";
import { ApiError, excerpt } from "./errors";
import { ServerUser, serverUser, serverUserList } from "./schemas";

/** The users of one `GET /user`, by lower-cased login; entries are validated when first asked for. */
class UserIndex {
    private readonly parsed = new Map<string, ServerUser>();

    constructor(private readonly raw: Map<string, unknown>) {}

    /** The user, undefined when the list does not hold the login; throws when its entry is not a user record. */
    get(loginId: string): ServerUser | undefined {
        const key = loginId.toLowerCase();
        const done = this.parsed.get(key);
        if (done) return done;
        const entry = this.raw.get(key);
        if (entry === undefined) return undefined;
        const r = serverUser.safeParse(entry);
        if (!r.success)
            throw new ApiError(`reading user '${loginId}': its entry in GET /user is not a user record: ${excerpt(r.error.message)}`, 200);
        this.parsed.set(key, r.data);
        return r.data;
    }
}

/** Pending reads at or above this count are served by one list instead of one GET each. */
export const LIST_THRESHOLD = 4;
/** How long a list snapshot answers later reads. */
export const SNAPSHOT_TTL_MS = 3_000;
const GATHER_MS = 2;

interface Waiter {
    resolve(user: ServerUser | undefined): void;
    reject(error: Error): void;
    deadline: number;
}

export interface ReaderStats {
    singleReads: number;
    listReads: number;
    servedFromSnapshot: number;
}

export class UserReader {
    readonly stats: ReaderStats = { singleReads: 0, listReads: 0, servedFromSnapshot: 0 };
    private pending = new Map<string, Waiter[]>();
    private flushScheduled = false;
    private snapshot: { at: number; users: UserIndex } | undefined;
    private generation = 0;

    constructor(private readonly client: PrimaveraClient) {}

    /** The live user, or undefined when the tenant has no such login. */
    read(loginId: string, deadline: number): Promise<ServerUser | undefined> {
        if (this.snapshot && Date.now() - this.snapshot.at < SNAPSHOT_TTL_MS) {
            this.stats.servedFromSnapshot++;
            const users = this.snapshot.users;
            return new Promise((resolve) => resolve(users.get(loginId)));
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

    /** Every user of the tenant (one `GET /user`), each validated. */
    async list(deadline: number): Promise<ServerUser[]> {
        const parsed = serverUserList.safeParse(await this.fetchList(deadline));
        if (!parsed.success) throw new ApiError(`listing users: the answer is not a list of users: ${excerpt(parsed.error.message)}`, 200);
        return parsed.data;
    }

    /** One `GET /user`, checked to be a list; its entries are validated by whoever uses them. */
    private async fetchList(deadline: number): Promise<unknown[]> {
        const res = await this.client.request("GET", this.client.path("/user"), { deadline, purpose: "listing users" });
        if (res.status !== 200)
            throw new ApiError(
                `listing users: HTTP ${res.status} on GET /user: ${excerpt(serverMessage(res.json ?? res.text))}`,
                res.status,
            );
        if (!Array.isArray(res.json)) throw new ApiError(`listing users: the answer to GET /user is not a list: ${excerpt(res.text)}`, 200);
        this.stats.listReads++;
        return res.json;
    }

    /** The list indexed by login; an entry without a string loginId cannot be asked for, and is left out. */
    private async index(deadline: number): Promise<UserIndex> {
        const raw = new Map<string, unknown>();
        for (const entry of await this.fetchList(deadline)) {
            const loginId = (entry as { loginId?: unknown } | null)?.loginId;
            if (typeof loginId === "string") raw.set(loginId.toLowerCase(), entry);
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
        if (batch.size >= LIST_THRESHOLD) {
            const generation = this.generation;
            try {
                const users = await this.index(deadline);
                if (generation === this.generation) this.snapshot = { at: Date.now(), users };
                for (const [loginId, waiters] of batch) {
                    try {
                        const user = users.get(loginId);
                        for (const w of waiters) w.resolve(user);
                    } catch (e) {
                        for (const w of waiters) w.reject(e as Error);
                    }
                }
            } catch (e) {
                for (const waiters of batch.values()) for (const w of waiters) w.reject(e as Error);
            }
            return;
        }
        await Promise.all(
            [...batch].map(async ([loginId, waiters]) => {
                try {
                    const user = await this.readOne(loginId, deadline);
                    for (const w of waiters) w.resolve(user);
                } catch (e) {
                    for (const w of waiters) w.reject(e as Error);
                }
            }),
        );
    }

    private async readOne(loginId: string, deadline: number): Promise<ServerUser | undefined> {
        this.stats.singleReads++;
        const path = this.client.path(`/user/${encodeURIComponent(loginId)}`);
        const res = await this.client.request("GET", path, { deadline, purpose: `reading user '${loginId}'` });
        if (res.status === 404) return undefined;
        if (res.status !== 200)
            throw new ApiError(
                `reading user '${loginId}': HTTP ${res.status} on GET ${path}: ${excerpt(serverMessage(res.json ?? res.text))}`,
                res.status,
            );
        const parsed = serverUser.safeParse(res.json);
        if (!parsed.success)
            throw new ApiError(`reading user '${loginId}': the answer is not a user record: ${excerpt(parsed.error.message)}`, 200);
        return parsed.data;
    }
}
