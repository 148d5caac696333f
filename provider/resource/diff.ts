// diff(): which managed properties change, and which force a replacement. `olds` are the last
// outputs (Pulumi gives diff the outputs, not the old inputs); `news` are the checked inputs.
// Fields the program leaves out are not managed and never cause a change (model/fields.ts); roles
// compare as a set, so a reordering is no change.
import { providerTextChanged } from "./check";
import type * as pulumi from "@pulumi/pulumi";
import { changedFields, UserInputs } from "../model/fields";
import { StoredOutputs } from "./codec";
import { passwordMatches } from "./passwordHash";

export interface DiffContext {
    /** The inputs not known yet (a preview): each counts as changed. */
    unknown?: readonly string[];
    /** The `__provider` texts of the state and of the program: new provider code must reach the state. */
    providerTexts?: { old?: string; new?: string };
}

export function diffUser(olds: StoredOutputs, news: Partial<UserInputs>, ctx: DiffContext = {}): pulumi.dynamic.DiffResult {
    const unknown = new Set(ctx.unknown ?? []);
    const replaces: string[] = [];
    if (unknown.has("loginId") || news.loginId !== olds.loginId) replaces.push("loginId");
    // Another tenant is another user: it is created there before the old one is deleted.
    if (unknown.has("tenant") || news.tenant !== olds.tenant) replaces.push("tenant");
    const changed = changedFields(olds, news);
    for (const k of unknown)
        if (k !== "loginId" && k !== "password" && k !== "adopt" && k !== "tenant" && !changed.includes(k)) changed.push(k);
    if (unknown.has("password") || (news.password !== undefined && !passwordMatches(news.password, olds.passwordHash)))
        changed.push("password");
    const { old: oldText, new: newText } = ctx.providerTexts ?? {};
    if (providerTextChanged(oldText, newText)) changed.push("__provider");
    // A rename creates the new login before it deletes the old one, so a person is never deleted
    // for a login that turns out to be taken. A change of case alone is refused at preview by a
    // tenant that folds case (both spellings are one user there: the read of the new one fails).
    return {
        changes: changed.length > 0 || replaces.length > 0,
        replaces,
        deleteBeforeReplace: false,
    };
}
