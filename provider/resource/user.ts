// The User resource: a Primavera Administration user declared in a Pulumi program.
import * as pulumi from "@pulumi/pulumi";
import { declareLogin } from "./declarations";
import { USER_PROVIDER_TEXT } from "./providerText";
import { INPUT_KEYS } from "../model/fields";

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
    /**
     * The profile of `primavera:tenants` whose tenant holds this user (docs/tenants.md); absent:
     * the provider's own settings. Changing it replaces the user (created on the new tenant first).
     */
    tenant?: pulumi.Input<string>;
}

/** The type token of a User: what `pulumi.dynamic.Resource` would register for it. */
const USER_TYPE = "pulumi-nodejs:dynamic/primavera-admin:User";

/** The outputs a User has besides its inputs (every one gets a resolver, also when not declared). */
export const OUTPUT_ONLY = Object.freeze(["userId", "status", "locked", "passwordHash", "managedFields"] as const);

/** The outputs a User always stores as secrets (frozen: no code in the process can make them plain). */
export const SECRET_OUTPUTS: readonly string[] = Object.freeze(["password", "passwordHash"]);

/**
 * A Primavera Administration user. Each declared field is an input property of its own and each
 * field an output of its own, so resource options work per field (`ignoreChanges`, `transforms`,
 * `aliases`, `additionalSecretOutputs`, a secret or an unknown value on one field): see
 * docs/resource-options.md.
 *
 * Outputs (all as the tenant holds them after the last up or refresh):
 * - `loginId`, `firstName`, `middleName`, `lastName`, `emailAddress`, `userType`, `organization`,
 *   `employeeNumber`, `manager`, `startDate`, `endDate`: the user's fields, declared or not;
 *   dates in the tenant's form (`"2026-01-31T00:00:00"`), a clearable text the tenant does not
 *   hold is absent;
 * - `roles`: the role names; the declared ones in the declared order, others after them, sorted;
 * - `disabled`: whether the user is disabled;
 * - `userId`: the tenant's id of the user (also the resource's id);
 * - `status`, `locked`: the tenant's account status (e.g. "Active") and lock flag;
 * - `passwordHash`: a salted hash of the password last applied (a secret), absent without one;
 * - `adopt`: true when the program adopts the user;
 * - `tenant`: the profile whose tenant holds the user (absent: the provider's own settings);
 * - `managedFields`: the fields the program declares, in the field table's order (`loginId`
 *   first; `organization.type` when the organization's type is declared). A refresh reports these
 *   fields, as the tenant holds them, as the resource's inputs, so drift shows by field.
 */
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
    declare readonly adopt: pulumi.Output<boolean | undefined>;
    declare readonly tenant: pulumi.Output<string | undefined>;
    /** The fields the program declares (manages); `organization.type` when the type is declared. */
    declare readonly managedFields: pulumi.Output<string[] | undefined>;

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
        return new User(name, undefined, { ...opts, id });
    }

    constructor(name: string, args: UserArgs | undefined, opts?: pulumi.CustomResourceOptions) {
        // One property per field; undefined ones are not sent as inputs but still get an output.
        const props: Record<string, unknown> = {};
        for (const k of INPUT_KEYS) props[k] = opts?.id === undefined ? args?.[k] : undefined;
        for (const k of OUTPUT_ONLY) props[k] = undefined;
        if (opts?.id === undefined && args) {
            // One owner per login and tenant: the same login on two tenants is two users. A plain
            // tenant keeps the login's output free of it (its secrecy, its being known at preview).
            const declared = (login: string, t: string | undefined) => {
                declareLogin(login, `User "${name}"`, t);
                return login;
            };
            const tenant = args.tenant;
            props.loginId =
                tenant === undefined || typeof tenant === "string"
                    ? pulumi.output(args.loginId).apply((login) => declared(login, tenant))
                    : pulumi.all([args.loginId, tenant]).apply(([login, t]) => declared(login, t));
            if (args.password !== undefined) props.password = pulumi.secret(args.password);
        }
        // A dynamic resource is a custom resource of the `pulumi-nodejs` provider whose state
        // carries its provider as text (`__provider`): ours is the fixed text of providerText.ts.
        props.__provider = USER_PROVIDER_TEXT;
        super(USER_TYPE, name, props, {
            ...opts,
            additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS],
        });
    }
}
