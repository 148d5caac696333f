// The User resource: a Primavera Administration user declared in a Pulumi program.
import * as pulumi from "@pulumi/pulumi";
import { declareLogin } from "./declarations";
import { USER_PROVIDER_TEXT } from "./providerText";
import { SPEC_FIELDS, SPEC_KEY, specText } from "./spec";

export interface UserArgs {
    /** The login, the user's primary key. Changing it replaces the user (the old one is deleted first). */
    loginId: pulumi.Input<string>;
    firstName: pulumi.Input<string>;
    lastName: pulumi.Input<string>;
    emailAddress: pulumi.Input<string>;
    /** The company the user belongs to, by name, e.g. `{ name: "sfo", type: "Company" }`. */
    organization: pulumi.Input<{ name: pulumi.Input<string>; type?: pulumi.Input<string> }>;
    middleName?: pulumi.Input<string>;
    /** e.g. "EMP"; the tenant's user types. */
    userType?: pulumi.Input<string>;
    /** Role names. Absent: roles are not managed and the user's current roles are kept. `[]`: no roles. */
    roles?: pulumi.Input<pulumi.Input<string>[]>;
    /** Default false. */
    disabled?: pulumi.Input<boolean>;
    employeeNumber?: pulumi.Input<string>;
    manager?: pulumi.Input<string>;
    /** "2026-01-31" or "2026-01-31T08:00:00". */
    startDate?: pulumi.Input<string>;
    endDate?: pulumi.Input<string>;
    /** Write-only; always stored as a secret. A change is detected through a salted hash. */
    password?: pulumi.Input<string>;
    /** Take over a user that already exists with this loginId instead of failing. Default false. */
    adopt?: pulumi.Input<boolean>;
}

/** The type token of a User: what `pulumi.dynamic.Resource` would register for it. */
const USER_TYPE = "pulumi-nodejs:dynamic/primavera-admin:User";

export class User extends pulumi.CustomResource {
    declare readonly loginId: pulumi.Output<string>;
    declare readonly firstName: pulumi.Output<string>;
    declare readonly middleName: pulumi.Output<string | undefined>;
    declare readonly lastName: pulumi.Output<string>;
    declare readonly emailAddress: pulumi.Output<string>;
    declare readonly userType: pulumi.Output<string | undefined>;
    declare readonly organization: pulumi.Output<{ name: string; type?: string }>;
    declare readonly roles: pulumi.Output<string[]>;
    declare readonly disabled: pulumi.Output<boolean>;
    declare readonly employeeNumber: pulumi.Output<string | undefined>;
    declare readonly manager: pulumi.Output<string | undefined>;
    declare readonly startDate: pulumi.Output<string | undefined>;
    declare readonly endDate: pulumi.Output<string | undefined>;
    /** The server's internal user id (the resource's id too). */
    declare readonly userId: pulumi.Output<string>;
    declare readonly status: pulumi.Output<string>;
    declare readonly locked: pulumi.Output<boolean>;
    declare readonly passwordHash: pulumi.Output<string | undefined>;

    /**
     * Looks up an existing user by its id (the server's user id, `userId`) and returns it as a
     * `User` whose outputs hold the user as the tenant has it. The user is only read, never
     * created, changed or deleted by this program, as with every Pulumi resource's `get`:
     *
     *     const dpatel = primavera.User.get("dpatel", "1002");
     *     export const email = dpatel.emailAddress;
     *
     * @param name the resource's name in this program
     * @param id the user's id on the tenant (`userId`; what `pulumi stack output` shows for a User's `id`)
     * @param opts resource options (`provider`, `parent`, `dependsOn`, ...); `id` is set from the argument
     */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, opts?: pulumi.CustomResourceOptions): User {
        return new User(name, {} as UserArgs, { ...opts, id });
    }

    constructor(name: string, args: UserArgs, opts?: pulumi.CustomResourceOptions) {
        const given = args as unknown as Record<string, unknown>;
        const declared = opts?.id === undefined ? SPEC_FIELDS.filter((k) => given[k] !== undefined) : [];
        // Every output the provider returns gets a resolver, also for the fields a program leaves
        // out (`roles` absent still reads back the user's live roles) and, for `User.get`, all of
        // them. Undefined values are not sent as inputs.
        const props: Record<string, unknown> = {
            loginId: undefined,
            userId: undefined,
            status: undefined,
            locked: undefined,
            passwordHash: undefined,
        };
        for (const k of SPEC_FIELDS) if (k !== "adopt" && !declared.includes(k)) props[k] = undefined;
        const resourceOpts: pulumi.CustomResourceOptions = {
            ...opts,
            additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "password", "passwordHash"],
        };
        // The SDK gives every output four promises, each tagged with a formatted stack trace that
        // only its promise-leak report at exit reads: ~72 traces per User, 80% of the constructor's
        // time (0.47 s of CPU for 300 Users before the first one is registered; several times that
        // under ts-node's source maps). They are skipped while this resource is built; the
        // resource's own source position is captured by the SDK with its own limit, so it stays in
        // the state. PULUMI_DEBUG_PROMISE_LEAKS keeps them all.
        const stackTraceLimit = Error.stackTraceLimit;
        if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) Error.stackTraceLimit = 0;
        try {
            if (opts?.id === undefined) {
                // The engine's form (spec.ts): the login, and every other declared field in one JSON
                // text. It is unknown in a preview while a field is, and a secret when a field is.
                props.loginId = pulumi.output(args.loginId).apply((login) => {
                    declareLogin(login, `User "${name}"`);
                    return login;
                });
                const fields = Object.fromEntries(declared.map((k) => [k, given[k]]));
                props[SPEC_KEY] = pulumi.output(fields).apply((f) => specText(f as Record<string, unknown>));
            }
            if (args.password !== undefined) props.password = pulumi.secret(args.password);
            // A dynamic resource is a custom resource of the `pulumi-nodejs` provider whose state
            // carries its provider as text (`__provider`): ours is the fixed text of
            // providerText.ts, not a serialized closure (80 bytes instead of 1.9 KB per resource,
            // stored twice).
            props.__provider = USER_PROVIDER_TEXT;
            super(USER_TYPE, name, props, resourceOpts);
        } finally {
            Error.stackTraceLimit = stackTraceLimit;
        }
        // A declared field's output is the declared value once this user exists (the job or a
        // read-back confirmed it; unknown while the id is, as in a preview that creates it), and
        // depends on this resource. Built when first read: most programs read none of them.
        for (const k of declared) {
            let output: pulumi.Output<unknown> | undefined;
            Object.defineProperty(this, k, {
                enumerable: true,
                get: () => (output ??= pulumi.all([this.id, given[k]]).apply(([, v]) => v)),
            });
        }
    }
}
