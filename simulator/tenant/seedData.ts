/**
 * The tenant the simulator starts with: organizations, the role catalog and a few users.
 * Names and ids follow the vendor's examples where there are any (org `sfo` has id "4",
 * role `PrimaveraUnifierProduction` has id "77"); the rest is invented, in the same style.
 * Also the shape of a seed file (`--seed FILE`) and laying one over the built-in seed.
 */
import * as fs from "node:fs";
import { z } from "zod";
import { idText } from "../http/wire";
import { UserPatchSchema } from "./user";
import { validate } from "./validate";

/* ------------------------------------------------------------ seed file shapes */

/** An organization of the seed (absent flags are false when rendered). */
export const OrganizationSchema = z.object({
    id: idText,
    name: z.string().min(1),
    displayName: z.string().optional(),
    type: z.string().optional(),
    associations: z.array(z.string()).optional(),
    inheritedPolicy: z.boolean().optional(),
    isDeletable: z.boolean().optional(),
    bidderCompany: z.boolean().optional(),
});
export type OrganizationInput = z.infer<typeof OrganizationSchema>;

/** A role of the catalog. */
export const RoleSchema = z.object({
    id: idText,
    name: z.string().min(1),
    displayName: z.string().optional(),
    companyAccessType: z.boolean().optional(),
    userAccessType: z.string().optional(),
});
export type RoleInput = z.infer<typeof RoleSchema>;

/** A seeded user: the drift shape plus the login id (and the fields a create needs). */
export const SeedUserSchema = UserPatchSchema.extend({ loginId: z.string().min(1) });
export type SeedUser = z.infer<typeof SeedUserSchema>;

/** `--seed FILE`: replaces entries with the same name / loginId, adds the others. */
export const SeedFileSchema = z.object({
    organizations: z.array(OrganizationSchema).optional(),
    roles: z.array(RoleSchema).optional(),
    users: z.array(SeedUserSchema).optional(),
});
export type SeedFile = z.infer<typeof SeedFileSchema>;

/* ------------------------------------------------------------------ the seed */

export interface SeedData {
    organizations: OrganizationInput[];
    roles: RoleInput[];
    users: SeedUser[];
}

export const BUILTIN_SEED: SeedData = {
    organizations: [
        { id: "1", name: "PGBU", displayName: "PGBU", type: "Company" },
        { id: "4", name: "sfo", displayName: "sfo" },
        { id: "5", name: "nyc", displayName: "nyc" },
        { id: "6", name: "lon", displayName: "London" },
        { id: "7", name: "blr", displayName: "Bangalore" },
    ],
    roles: [
        {
            id: "77",
            name: "PrimaveraUnifierProduction",
            displayName: "Primavera Unifier Production",
            companyAccessType: false,
            userAccessType: "Standard",
        },
        {
            id: "78",
            name: "PrimaveraUnifierTest",
            displayName: "Primavera Unifier Test",
            companyAccessType: false,
            userAccessType: "Standard",
        },
        {
            id: "80",
            name: "PrimaveraP6Production",
            displayName: "Primavera P6 Production",
            companyAccessType: false,
            userAccessType: "Standard",
        },
        { id: "81", name: "PrimaveraP6Test", displayName: "Primavera P6 Test", companyAccessType: false, userAccessType: "Standard" },
        {
            id: "90",
            name: "PrimaveraCloudAdmin",
            displayName: "Primavera Cloud Administrator",
            companyAccessType: true,
            userAccessType: "Administrator",
        },
        {
            id: "95",
            name: "PrimaveraGatewayDevAdmin",
            displayName: "Primavera Gateway Development Administrator",
            companyAccessType: false,
            userAccessType: "Administrator",
        },
        {
            id: "100",
            name: "BIProductionAuthors",
            displayName: "BI Production Authors",
            companyAccessType: false,
            userAccessType: "Standard",
        },
        {
            id: "101",
            name: "PrimaveraCommunicationAdmin",
            displayName: "Primavera Communication Administrator",
            companyAccessType: false,
            userAccessType: "Administrator",
        },
        {
            id: "102",
            name: "PrimaveraVirtualDesktopUser",
            displayName: "Primavera Virtual Desktop User",
            companyAccessType: false,
            userAccessType: "Standard",
        },
    ],
    users: [
        {
            loginId: "COADMIN",
            id: "1001",
            firstName: "Cloud",
            lastName: "Administrator",
            emailAddress: "coadmin@example.com",
            userType: "EMP",
            organization: "PGBU",
            roles: ["PrimaveraCloudAdmin"],
        },
        {
            loginId: "DPATEL",
            id: "1002",
            firstName: "Divya",
            lastName: "Patel",
            emailAddress: "dpatel@example.com",
            userType: "EMP",
            organization: "nyc",
            roles: ["PrimaveraP6Production", "PrimaveraUnifierProduction"],
        },
    ],
};

/** The built-in seed with `file`'s entries laid over it (same name / loginId replaces). */
export function loadSeed(file?: string): SeedData {
    if (!file) return BUILTIN_SEED;
    let raw: unknown;
    try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new Error(`seed file ${file}: cannot read JSON (${(e as Error).message})`);
    }
    const v = validate(SeedFileSchema, raw);
    if (!v.ok) throw new Error(`seed file ${file}: ${v.problems.join("; ")}`);
    const extra: SeedFile = v.value;
    return {
        organizations: overlay(BUILTIN_SEED.organizations, extra.organizations, (o) => o.name),
        roles: overlay(BUILTIN_SEED.roles, extra.roles, (r) => r.name),
        users: overlay(BUILTIN_SEED.users, extra.users, (u) => u.loginId),
    };
}

function overlay<T>(base: T[], extra: T[] | undefined, key: (t: T) => string): T[] {
    const m = new Map(base.map((t) => [key(t), t] as const));
    for (const t of extra ?? []) m.set(key(t), t);
    return [...m.values()];
}
