// diff(): which managed properties change, and which force a replacement. `olds` are the last
// outputs (Pulumi gives diff the outputs, not the old inputs); `news` are the checked inputs.
// Fields the program does not set are not managed and never cause a change.
import type * as pulumi from "@pulumi/pulumi";
import { containsUnknown, PROVIDER_KEY } from "./check";
import { normalizeDate, passwordMatches, UserOutputs } from "./normalize";
import { UserInputs } from "./schemas";

const STRING_FIELDS = ["firstName", "middleName", "lastName", "emailAddress", "userType", "employeeNumber", "manager"] as const;

export function diffUser(
    olds: Partial<UserOutputs> & Record<string, unknown>,
    news: Partial<UserInputs> & Record<string, unknown>,
): pulumi.dynamic.DiffResult {
    const changed: string[] = [];
    const replaces: string[] = [];

    if (containsUnknown(news.loginId) || news.loginId !== olds.loginId) replaces.push("loginId");

    for (const k of STRING_FIELDS) {
        const v = news[k];
        if (v === undefined) continue;
        if (containsUnknown(v) || v !== (olds[k] ?? "")) changed.push(k);
    }
    for (const k of ["startDate", "endDate"] as const) {
        const v = news[k];
        if (v === undefined) continue;
        if (containsUnknown(v) || normalizeDate(v) !== olds[k]) changed.push(k);
    }
    if (news.organization !== undefined) {
        const n = news.organization,
            o = olds.organization;
        // The type is compared only where the server reports one: it may echo none.
        if (containsUnknown(n) || n.name !== o?.name || (n.type !== undefined && o?.type !== undefined && n.type !== o.type)) {
            changed.push("organization");
        }
    }
    if (news.roles !== undefined) {
        if (containsUnknown(news.roles) || !sameSet(news.roles, olds.roles ?? [])) changed.push("roles");
    }
    if (containsUnknown(news.disabled) || (news.disabled ?? false) !== (olds.disabled ?? false)) changed.push("disabled");
    if (news.password !== undefined) {
        if (containsUnknown(news.password) || !passwordMatches(news.password, olds.passwordHash)) changed.push("password");
    }
    // New provider code must reach the state, or refresh and delete keep running the old code.
    if (news[PROVIDER_KEY] !== undefined && olds[PROVIDER_KEY] !== undefined && news[PROVIDER_KEY] !== olds[PROVIDER_KEY]) {
        changed.push(PROVIDER_KEY);
    }
    return {
        changes: changed.length > 0 || replaces.length > 0,
        replaces,
        deleteBeforeReplace: true,
    };
}

function sameSet(a: string[], b: string[]): boolean {
    if (a.length !== b.length) return false;
    const s = new Set(b);
    return a.every((x) => s.has(x));
}
