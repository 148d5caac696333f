// The entry point every state holds: `pulumi-primavera-admin/state/v1`.
//
// Each resource's state carries its provider as JavaScript text (`__provider`), stored twice per
// resource and rewritten by the engine at every step, so the text is fixed, tiny and hand-written
// (providerText.ts): it only requires this module by package name and asks it for the provider.
// The dynamic-provider host evaluates the text once per distinct text and process, and keeps the
// provider it returns for every resource that carries the same text.
//
// This module is public API for ever: states written today will require it by this name years
// from now. Its exports (`user`, `userSet`) may gain siblings but never change meaning or go away;
// a breaking change gets a new entry point (`state/v2`) next to this one. Texts written by 0.1.0
// (a serialized closure requiring `provider/userProvider`) keep working through that module.
import { UserProvider } from "./userProvider";
import { EngineUserSetProvider, UserSetProvider } from "./userSetProvider";

let userProvider: UserProvider | undefined;
let userSetProvider: UserSetProvider | undefined;

/** The provider of `User` resources (one per process). */
export function user(): UserProvider {
    return (userProvider ??= new UserProvider());
}

/** The provider of `UserSet` resources (one per process). */
export function userSet(): UserSetProvider {
    return (userSetProvider ??= new EngineUserSetProvider());
}
