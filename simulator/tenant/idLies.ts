/**
 * The `lieIds` fault switch: a job applied as usual whose result gives each applied record the id
 * of another existing user, in `updatedIdMap` ("map"), in the entry's `id` ("entry"), or both,
 * so a client that trusts either without checking the login it belongs to is caught.
 */
import { z } from "zod";
import { UserDataStoreResult, UserWire } from "../http/wire";

/** Where a result lies: `updatedIdMap`, the entries' `id`, or both. */
export const IdLieSchema = z.enum(["map", "entry", "both"]);
export type IdLie = z.infer<typeof IdLieSchema>;

/** An entry of an applied record as the result reports it, and the `updatedIdMap` key it has or would have. */
export interface AppliedEntry {
    entry: UserWire;
    /** The record's pair key when it caused one (sent or old id), else the user's own id. */
    mapKey: string;
}

/**
 * Rewrites `result` for `mode`: each applied entry gets `otherIdOf(its login)`; a record with no
 * other user to point at is left true. `onLie` is called once per record lied about.
 */
export function lieAboutIds(
    mode: IdLie,
    applied: readonly AppliedEntry[],
    result: UserDataStoreResult,
    otherIdOf: (loginId: string) => string | undefined,
    onLie: () => void,
): void {
    for (const { entry, mapKey } of applied) {
        const other = otherIdOf(entry.loginId);
        if (other === undefined) continue;
        if (mode !== "entry") result.updatedIdMap[mapKey] = other;
        if (mode !== "map") entry.id = other;
        onLie();
    }
}
