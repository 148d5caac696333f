// One job's body, built anew right before every POST: the batch's users read fresh, each
// operation asked what to send from that read. Operations that settle while being prepared
// (nothing to send, or refused) leave the job; the rest are what the body carries.
import { JobRequest, ServerUser, UserRecord } from "../../api/schemas";
import { AuditLog, AuditSnapshot } from "../audits";
import { UserReader } from "../reads";
import { Pending, Prepared } from "./operation";

export type Sending = { p: Pending; live: ServerUser | undefined; prepared: Exclude<Prepared, { done: true }> };

export class JobBuild {
    /** The operations of the body built last, with what each sends. */
    sending: Sending[] = [];
    /** Epoch ms when the last read was answered. */
    readAt = 0;
    /** The audit log right before the last read, when an operation watches others. */
    auditsBefore: AuditSnapshot | undefined;
    private open: Pending[];

    constructor(
        batch: Pending[],
        private readonly reader: UserReader,
        private readonly lostAdds: Map<string, number>,
        private readonly deadline: number,
        private readonly audits?: AuditLog,
    ) {
        this.open = batch;
    }

    /** The body to POST now, or undefined when no operation has anything left to send. */
    async build(): Promise<JobRequest | undefined> {
        // Noted before the read: an event the log shows now happened before it, so the read saw it.
        this.auditsBefore = this.audits && this.open.some((p) => p.watchOthers) ? await this.audits.snapshot(this.deadline) : undefined;
        const reads = await this.reader.readFresh(
            this.open.map((p) => p.loginId),
            this.deadline,
        );
        this.readAt = Date.now();
        this.sending = this.open.flatMap((p) => this.prepareOne(p, reads.get(p.loginId)));
        this.open = this.sending.map((s) => s.p);
        return this.sending.length ? jobRequest(this.sending) : undefined;
    }

    /** The adds of the body may have landed although the answer was lost: remembered with the time first sent. */
    rememberLostAdds(): void {
        const now = Date.now();
        for (const s of this.sending) if (s.prepared.send === "add" && !this.lostAdds.has(s.p.loginId)) this.lostAdds.set(s.p.loginId, now);
    }

    /** Fails every operation still open. */
    rejectOpen(error: Error): void {
        for (const p of this.open) p.reject(error);
    }

    private prepareOne(p: Pending, live: ServerUser | undefined | Error): Sending[] {
        if (live instanceof Error) {
            p.reject(live);
            return [];
        }
        const lostAddAt = this.lostAdds.get(p.loginId);
        let prepared: Prepared;
        try {
            prepared = p.prepare(live, { lostAddAt });
        } catch (e) {
            p.reject(e as Error);
            return [];
        }
        if ("done" in prepared) {
            p.resolve({ live, readAt: this.readAt, doneAt: this.readAt, lostAddAt, auditsBefore: this.auditsBefore });
            return [];
        }
        return [{ p, live, prepared }];
    }
}

function jobRequest(sending: Sending[]): JobRequest {
    const body: JobRequest = {};
    const records = (kind: "add" | "modify"): UserRecord[] =>
        sending.flatMap((s) => (s.prepared.send === kind && "record" in s.prepared ? [s.prepared.record] : []));
    const added = records("add");
    const modified = records("modify");
    const deleted = sending.filter((s) => s.prepared.send === "delete").map((s) => s.p.loginId);
    if (added.length) body.added = added;
    if (modified.length) body.modified = modified;
    if (deleted.length) body.deleted = deleted;
    return body;
}
