// What the tests and benchmarks reach beyond the public API (index.ts): the tenant registry (a
// fresh one per simulated run), the fixed provider texts, the field and settings tables and a User's property names. Not
// exported by the package: programs never need them.
export { resetTenants, tenantFor } from "./tenant/registry";
export { USER_SET_PROVIDER_TEXT } from "./resource/providerText";
export { CONFIG_KEYS } from "./config/settings";
export { INPUT_KEYS, USER_FIELDS } from "./model/fields";
export { OUTPUT_ONLY, SECRET_OUTPUTS } from "./resource/user";
