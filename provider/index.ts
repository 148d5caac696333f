// pulumi-primavera-admin: Oracle Primavera Administration users as Pulumi resources.
export { User, UserArgs } from "./user";
export { UserProvider } from "./userProvider";
export { UserSet, UserSetArgs, UserSetMemberArgs } from "./userSet";
export { UserSetProvider } from "./userSetProvider";
export type { Member as UserSetMember, UserSetOutputs } from "./userSetProvider";
export { STATE_ENTRY, USER_PROVIDER_TEXT, USER_SET_PROVIDER_TEXT } from "./providerText";
export { CONFIG_KEYS, ConfigError, configFailures } from "./config";
export type { ConfigFailure, ConfigKey, ConfigWording } from "./config";
export { ApiError, DeadlineError, PrimaveraError, ResourceInitError } from "./errors";
export type { ProviderConfig, ProviderConfigInput } from "./schemas";
export type { UserInputs } from "./fields";
export { USER_FIELDS } from "./fields";
export type { UserOutputs } from "./normalize";
export { resetTenants, tenantFor } from "./tenant";
export { getRoles, getRolesOutput, getUser, getUserOutput, getUsers, getUsersOutput, USER_FILTER_KEYS } from "./lookups";
export type { InputsOf, LookupConfig, RoleInfo, UserFilter, UserInfo } from "./lookups";
