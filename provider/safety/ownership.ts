// One owner per login, in one run (one provider process serves every resource of a program). Two
// records, both keyed by the exact login (the login identity rule; Maps, so no login is ever a
// JavaScript object key):
// - declared: every resource's check registers the logins it declares. A second resource
//   declaring a login (even with `adopt`) is refused naming both. When a resource deletes a
//   login that another resource of this run declares (a login moved from a User to a UserSet, or
//   the old login of a rename now declared elsewhere), the user is released, not deleted.
// - created: a login is created by at most one operation of the process; a second create of it
//   fails, so two declarations that check cannot tell apart (two identical Users) still get one
//   user and one owner.
import { createHash } from "node:crypto";
import { PrimaveraError } from "../api/errors";

/** Who declares a login: `describe` names it in errors, `key` tells two declarations apart. */
export interface Claimant {
    key: string;
    describe: string;
}

export class Ownership {
    private readonly declared = new Map<string, Claimant>();
    private readonly created = new Map<string, string>();
    /** Logins this run deleted: a resource that declares one later in the run does not get a new person under it. */
    private readonly removed = new Set<string>();

    /** Registers `login` for `claimant`; when another claimant holds it, says so (and registers nothing). */
    declare(login: string, claimant: Claimant): string | undefined {
        const holder = this.declared.get(login);
        if (holder && holder.key !== claimant.key) return twoOwners(login, holder.describe, claimant.describe).message;
        this.declared.set(login, claimant);
        return undefined;
    }

    /** Whether a check of this run registered `login` (then a delete of it releases instead). */
    isDeclared(login: string): boolean {
        return this.declared.has(login);
    }

    /** Marks `login` as being created by `operation`; throws when another operation creates it, or this run deleted it. */
    startCreate(login: string, operation: string): void {
        if (this.removed.has(login)) {
            throw new PrimaveraError(
                `user '${login}' was deleted earlier in this run by another resource of this program, which no longer declares ` +
                    `it: creating the login again would make a new user of another person's account. If the login moved between ` +
                    `resources, the one that now declares it depended on the one that deleted it, so the engine ran the delete first: ` +
                    `move a login only to a resource that does not depend on its old one, or run \`pulumi up\` again to create it anew.`,
            );
        }
        const holder = this.created.get(login);
        if (holder !== undefined && holder !== operation) throw twoOwners(login, "one resource", "another");
        this.created.set(login, operation);
    }

    /** A create that made nothing frees the login for another create. */
    endCreate(login: string): void {
        this.created.delete(login);
    }

    /** This run deleted the user of `login`. */
    deletedNow(login: string): void {
        this.created.delete(login);
        this.removed.add(login);
    }
}

/** A stable key for a declaration: a short hash of its identifying text. */
export function claimKey(kind: string, identity: string): string {
    return `${kind}:${createHash("sha256").update(identity).digest("base64url").slice(0, 16)}`;
}

function twoOwners(login: string, first: string, second: string): PrimaveraError {
    return new PrimaveraError(
        `user '${login}' is declared by two resources of this program (${first} and ${second}): each login may be managed ` +
            `by one resource only, also with \`adopt: true\`. Remove one of the declarations (or give it another loginId).`,
    );
}
