// Reads users, coalescing many concurrent reads into one `GET /user` list.
//
// A single read stays a single `GET /user/{loginId}`. When several reads are pending in the same
// few milliseconds (a refresh of a big stack, the existence checks of a bulk create), one list
// answers them all, and the list is kept as a snapshot for a short while so that the reads the
// engine sends as its slots free up are answered too. Any job we run makes the snapshot stale,
// so the job runner calls invalidate() when a job is submitted and when it ends.
import { PrimaveraClient, serverMessage } from "./client";
import { ApiError, excerpt } from "./errors";
import { ServerUser, serverUser, serverUserList } from "./schemas";

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
    private snapshot: { at: number; users: Map<string, ServerUser> } | undefined;
    private generation = 0;

    constructor(private readonly client: PrimaveraClient) {}

    /** The live user, or undefined when the tenant has no such login. */
    read(loginId: string, deadline: number): Promise<ServerUser | undefined> {
        if (this.snapshot && Date.now() - this.snapshot.at < SNAPSHOT_TTL_MS) {
            this.stats.servedFromSnapshot++;
            return Promise.resolve(this.snapshot.users.get(loginId.toLowerCase()));
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

    /** Every user of the tenant (one `GET /user`). */
    async list(deadline: number): Promise<ServerUser[]> {
        const res = await this.client.request("GET", this.client.path("/user"), { deadline, purpose: "listing users" });
        if (res.status !== 200) throw new ApiError(`listing users: HTTP ${res.status} on GET /user: ${excerpt(serverMessage(res.json ?? res.text))}`, res.status);
        const parsed = serverUserList.safeParse(res.json);
        if (!parsed.success) throw new ApiError(`listing users: the answer is not a list of users: ${excerpt(parsed.error.message)}`, 200);
        this.stats.listReads++;
        return parsed.data;
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
                const users = new Map((await this.list(deadline)).map((u) => [u.loginId.toLowerCase(), u]));
                if (generation === this.generation) this.snapshot = { at: Date.now(), users };
                for (const [loginId, waiters] of batch) for (const w of waiters) w.resolve(users.get(loginId.toLowerCase()));
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
        if (res.status !== 200) throw new ApiError(`reading user '${loginId}': HTTP ${res.status} on GET ${path}: ${excerpt(serverMessage(res.json ?? res.text))}`, res.status);
        const parsed = serverUser.safeParse(res.json);
        if (!parsed.success) throw new ApiError(`reading user '${loginId}': the answer is not a user record: ${excerpt(parsed.error.message)}`, 200);
        return parsed.data;
    }
}
