// The UserSet resource: a whole list of users as one resource, for bulk loads (thousands of users
// in a handful of the vendor's jobs). Each member takes the fields of a User (same `roles`,
// `adopt` and `disabled` semantics; no `password`).
import * as pulumi from "@pulumi/pulumi";
import { declareLogin } from "./declarations";
import { USER_SET_PROVIDER_TEXT } from "./providerText";
import type { UserArgs } from "./user";
import type { Member } from "./userSetProvider";

/** One member of a UserSet: the fields of a User, without `password`. */
export type UserSetMemberArgs = Omit<UserArgs, "password" | "tenant">;

export interface UserSetArgs {
    /** The users, each with the fields of a User. A login may appear once. */
    users: pulumi.Input<pulumi.Input<UserSetMemberArgs>[]>;
    /**
     * The profile of `primavera:tenants` whose tenant holds the members (docs/tenants.md); absent:
     * the provider's own settings. Changing it replaces the set (created on the new tenant first).
     */
    tenant?: pulumi.Input<string>;
}

/** The type token of a UserSet. */
const USER_SET_TYPE = "pulumi-nodejs:dynamic/primavera-admin:UserSet";

/**
 * Users managed as one resource. Create sends them in jobs of up to `primavera:maxUsersPerJob`;
 * an update sends only the members that differ, added, changed and removed together; refresh is
 * one `GET /user`. Members are keyed by login, in the same shape in the inputs and the outputs, so
 * `pulumi preview --diff` shows only the members that change (`~ JSMITH: { ~ lastName: ... }`).
 * Choose `User` instead when you want an error, `--target` or `protect` per user
 * (docs/resources.md, "User or UserSet?").
 */
export class UserSet extends pulumi.CustomResource {
    /** By login: the declared fields as the tenant holds them, in the shape of the declaration. */
    declare readonly users: pulumi.Output<Record<string, Member>>;
    /** By login: the tenant's status ("Active", "Disabled"). */
    declare readonly statuses: pulumi.Output<Record<string, string>>;
    /** By login: the server's user id. */
    declare readonly userIds: pulumi.Output<Record<string, string>>;
    /** The profile whose tenant holds the members (absent: the provider's own settings). */
    declare readonly tenant: pulumi.Output<string | undefined>;

    constructor(name: string, args: UserSetArgs, opts?: pulumi.CustomResourceOptions) {
        const users = pulumi.all([args.users, args.tenant]).apply(([list, tenant]) => {
            const members = keyByLogin(list);
            for (const login of Object.keys(members)) declareLogin(login, `UserSet "${name}"`, tenant);
            return members;
        });
        const props = { users, tenant: args.tenant, statuses: undefined, userIds: undefined, __provider: USER_SET_PROVIDER_TEXT };
        super(USER_SET_TYPE, name, props, opts);
    }
}

/**
 * The members keyed by login, as the state and `preview --diff` show them. A login listed twice
 * keeps both entries (the second under `LOGIN (2)`), so check() can refuse it by name instead of
 * one silently replacing the other. `__proto__` cannot be a key the engine carries (a JavaScript
 * object read back would take it for its prototype), so it is refused here by name; it is not a
 * valid login either.
 */
export function keyByLogin(list: readonly object[]): Record<string, Record<string, unknown>> {
    const out = new Map<string, Record<string, unknown>>();
    const seen = new Map<string, number>();
    for (const item of list ?? []) {
        const u = item as Record<string, unknown>;
        const login = String(u?.loginId ?? "");
        if (login === "__proto__")
            throw new TypeError(
                `UserSet: loginId '__proto__' is not a valid login (letters, digits and . _ @ + - only, starting with a letter or digit)`,
            );
        const n = (seen.get(login) ?? 0) + 1;
        seen.set(login, n);
        out.set(n === 1 ? login : `${login} (${n})`, u);
    }
    return Object.fromEntries(out);
}
