// pulumi-primavera-admin: Oracle Primavera Administration users as Pulumi resources.
import { warnOnOldNode } from "./nodeVersion";

warnOnOldNode();
export { User, UserArgs } from "./resource/user";
export { UserProvider } from "./resource/userProvider";
export { UserSet, UserSetArgs, UserSetMemberArgs } from "./resource/userSet";
export { UserSetProvider } from "./resource/userSetProvider";
export type { Member as UserSetMember, UserSetOutputs } from "./resource/userSetProvider";
export { ConfigError, configFailures } from "./config/resolve";
export type { ConfigFailure, ConfigWording } from "./config/resolve";
export type { ConfigKey, ProviderConfig, ProviderConfigInput } from "./config/settings";
export { ApiError, DeadlineError, PrimaveraError, ResourceInitError } from "./api/errors";
export type { UserInputs } from "./model/fields";
export type { UserOutputs } from "./resource/codec";
export { CancelledError } from "./api/wait";
export { readUsersCsv } from "./formats/usersCsv";
export { readOracleUserCsv } from "./formats/oracleCsv";
export type { CatalogRole, OracleCsvOptions } from "./formats/oracleCsv";
export { getRoles, getRolesOutput, getUser, getUserOutput, getUsers, getUsersOutput, USER_FILTER_KEYS } from "./lookups";
export type { InputsOf, LookupConfig, RoleInfo, UserFilter, UserInfo } from "./lookups";
