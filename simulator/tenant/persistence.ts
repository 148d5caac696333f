/**
 * The data file (`--data FILE`): the users, the audit events and the id counters, read once at
 * start and written whole after every change (a temporary file, then a rename, so a reader never sees
 * half a file). Organizations and roles are not in it: they come from the seed at every start.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { AuditEventSchema, AuditEventWire } from "../http/wire";
import { StoredUser, StoredUserSchema } from "./user";
import { validate } from "./validate";

const DATA_FORMAT = "primavera-simulator/1" as const;

/** `--data FILE` contents. */
export const DataFileSchema = z.object({
    format: z.literal(DATA_FORMAT),
    nextUserId: z.number().int(),
    nextJobId: z.number().int(),
    users: z.array(StoredUserSchema),
    /** Absent in files written before the simulator kept audit events. */
    audits: z.array(AuditEventSchema).optional(),
    nextAuditId: z.number().int().optional(),
});
export type DataFile = z.infer<typeof DataFileSchema>;

/** What the data file keeps (the audit fields are absent in older files). */
export interface PersistedState {
    nextUserId: number;
    nextJobId: number;
    users: StoredUser[];
    audits?: AuditEventWire[];
    nextAuditId?: number;
}

/** The file's state; undefined when the file does not exist. Throws, naming the file, when it cannot be read or is invalid. */
export function readDataFile(file: string): PersistedState | undefined {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw e;
    }
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (e) {
        throw new Error(`data file ${file}: not valid JSON (${(e as Error).message})`);
    }
    const v = validate(DataFileSchema, raw);
    if (!v.ok) throw new Error(`data file ${file}: ${v.problems.slice(0, 5).join("; ")}`);
    return v.value;
}

/** Writes the whole state to `file` atomically (temporary file, then rename). */
export function writeDataFile(file: string, state: PersistedState): void {
    const data: DataFile = {
        format: DATA_FORMAT,
        nextUserId: state.nextUserId,
        nextJobId: state.nextJobId,
        users: state.users,
        audits: state.audits,
        nextAuditId: state.nextAuditId,
    };
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, file);
}
