// The `__provider` texts: what every resource's state carries instead of a serialized closure
// (about 80 bytes instead of 1.9 KB; see stateEntry.ts for the contract behind them). The module
// is resolved from the project directory the dynamic-provider host runs in, like any dependency.
export const STATE_ENTRY = "pulumi-primavera-admin/state/v1";

/** `__provider` of a User. */
export const USER_PROVIDER_TEXT = `exports.handler = () => require("${STATE_ENTRY}").user();`;

/** `__provider` of a UserSet. */
export const USER_SET_PROVIDER_TEXT = `exports.handler = () => require("${STATE_ENTRY}").userSet();`;
