// Which members a UserSet update adds, changes and removes, between the last outputs and a
// declaration. Logins are Map keys and own-property lookups only, so logins such as
// `constructor` or `toString` are members like any other.
import { changedFields, UserInputs } from "../model/fields";

export interface Plan {
    add: string[];
    change: string[];
    remove: string[];
    /** Something is not known yet (preview). */
    unknown: boolean;
}

/** The entries of a by-login object as a Map (own properties only). */
export function byLogin<T>(obj: Record<string, T> | undefined): Map<string, T> {
    return new Map(obj ? Object.entries(obj) : []);
}

export function planOf(members: Map<string, Record<string, unknown>>, news: unknown, unknown: (v: unknown) => boolean = () => false): Plan {
    const plan: Plan = { add: [], change: [], remove: [], unknown: false };
    if (!news || typeof news !== "object" || unknown(news)) return { ...plan, unknown: true };
    const declared = byLogin(news as Record<string, Partial<UserInputs>>);
    for (const [login, d] of declared) {
        const member = members.get(login);
        if (member === undefined) plan.add.push(login);
        else if (changedFields(member, d, { unknown }).length > 0) plan.change.push(login);
    }
    for (const login of members.keys()) if (!declared.has(login)) plan.remove.push(login);
    return plan;
}
