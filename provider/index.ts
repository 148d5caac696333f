// pulumi-primavera-admin: Oracle Primavera Administration users as Pulumi resources.
export { User, UserArgs } from "./user";
export { UserProvider } from "./userProvider";
export { providerShim } from "./shim";
export { CONFIG_KEYS, ConfigError } from "./config";
export { ApiError, DeadlineError, PrimaveraError, ResourceInitError } from "./errors";
export type { ProviderConfig, ProviderConfigInput, UserInputs } from "./schemas";
export type { UserOutputs } from "./normalize";
export { resetTenants, tenantFor } from "./tenant";
export { getRoles, getUser, getUsers } from "./lookups";
export type { LookupConfig, RoleInfo, UserFilter, UserInfo } from "./lookups";
