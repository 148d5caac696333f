// diff(): which managed properties change, and which force a replacement. `olds` are the last
// outputs (Pulumi gives diff the outputs, not the old inputs); `news` are the checked inputs.
// Fields the program leaves out are not managed and never cause a change (model/fields.ts).
import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown, PROVIDER_KEY } from "./check";
import { changedFields, UserInputs } from "../model/fields";
import { UserOutputs } from "./outputs";
import { passwordMatches } from "./passwordHash";

export function diffUser(
    olds: Partial<UserOutputs> & { [PROVIDER_KEY]?: string },
    news: Partial<UserInputs> & { [PROVIDER_KEY]?: string },
): pulumi.dynamic.DiffResult {
    const replaces: string[] = [];
    if (containsUnknown(news.loginId) || news.loginId !== olds.loginId) replaces.push("loginId");
    const changed = changedFields(olds, news, { unknown: containsUnknown });
    if (news.password !== undefined) {
        if (containsUnknown(news.password) || !passwordMatches(news.password, olds.passwordHash)) changed.push("password");
    }
    // New provider code must reach the state, or refresh and delete keep running the old code.
    if (news[PROVIDER_KEY] !== undefined && olds[PROVIDER_KEY] !== undefined && news[PROVIDER_KEY] !== olds[PROVIDER_KEY]) {
        changed.push(PROVIDER_KEY);
    }
    // A rename creates the new login before it deletes the old one, so a person is never deleted
    // for a login that turns out to be taken. A change of case alone is refused at preview by a
    // tenant that folds case (both spellings are one user there: the read of the new one fails).
    return {
        changes: changed.length > 0 || replaces.length > 0,
        replaces,
        deleteBeforeReplace: false,
    };
}
