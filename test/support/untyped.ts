// The providers as the dynamic-provider host sees them: CRUD methods that take whatever the engine
// sends (untyped property bags). The providers are typed (ResourceProvider<Inputs, Outputs>); tests
// drive them the way the host does, with plain objects, valid or not.
import type * as pulumi from "@pulumi/pulumi";
import * as primavera from "pulumi-primavera-admin";

type Crud = "check" | "diff" | "create" | "read" | "update" | "delete" | "configure";
type AsHost<P> = Omit<P, Crud> & Required<pulumi.dynamic.ResourceProvider>;

export const UserProvider = primavera.UserProvider as unknown as new (
    config?: Partial<primavera.ProviderConfigInput>,
) => AsHost<primavera.UserProvider>;
export type UserProvider = AsHost<primavera.UserProvider>;

export const UserSetProvider = primavera.UserSetProvider as unknown as new (
    config?: Partial<primavera.ProviderConfigInput>,
) => AsHost<primavera.UserSetProvider>;
export type UserSetProvider = AsHost<primavera.UserSetProvider>;
