// The package's own user CSV, both ways: `pulumi-primavera-admin export --format csv` writes it
// from a tenant, readUsersCsv() turns it into UserSet members (or User arguments). One column per
// field of a User; an empty cell leaves the field out (not managed), except `roles`, where an
// empty cell declares no roles.
import type { UserInfo } from "../resource/outputs";
import type { UserSetMemberArgs } from "../resource/userSet";
import { csvText, parseCsv } from "./csvText";

/** The columns, in order. `roles` are separated by semicolons. */
export const CSV_COLUMNS = [
    "loginId",
    "firstName",
    "middleName",
    "lastName",
    "emailAddress",
    "organization",
    "organizationType",
    "userType",
    "roles",
    "disabled",
    "employeeNumber",
    "manager",
    "startDate",
    "endDate",
] as const;
const REQUIRED = ["loginId", "firstName", "lastName", "emailAddress", "organization"];
/** Read, never written by the export: whether the row takes over an existing user. */
const READ_ONLY = ["adopt"];

/** The CSV of these users: a header of CSV_COLUMNS, a row per user. */
export function renderUsersCsv(users: UserInfo[], onUser?: (done: number) => void): string {
    const rows = users.map((u, i) => {
        onUser?.(i + 1);
        const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
            loginId: u.loginId,
            firstName: u.firstName ?? "",
            middleName: u.middleName ?? "",
            lastName: u.lastName ?? "",
            emailAddress: u.emailAddress ?? "",
            organization: u.organization?.name ?? "",
            organizationType: u.organization?.type ?? "",
            userType: u.userType ?? "",
            roles: u.roles.join(";"),
            disabled: String(u.disabled),
            employeeNumber: u.employeeNumber ?? "",
            manager: u.manager ?? "",
            startDate: u.startDate ?? "",
            endDate: u.endDate ?? "",
        };
        return CSV_COLUMNS.map((c) => cells[c]);
    });
    return csvText([[...CSV_COLUMNS], ...rows]);
}

/** The members of a CSV in this form; throws naming the source, line and column of the first problem. */
export function readUsersCsv(text: string, source = "users CSV"): UserSetMemberArgs[] {
    const [header = [], ...rows] = parseCsv(text);
    const known = new Set<string>([...CSV_COLUMNS, ...READ_ONLY]);
    const unknown = header.filter((c) => !known.has(c));
    if (unknown.length) throw new Error(`${source}: unknown column(s) ${unknown.join(", ")}; expected ${[...known].join(", ")}`);
    const missing = REQUIRED.filter((c) => !header.includes(c));
    if (missing.length) throw new Error(`${source}: missing column(s) ${missing.join(", ")}`);
    return rows.map((cells, i) => memberOf(new Map(header.map((c, j) => [c, cells[j] ?? ""])), `${source} line ${i + 2}`));
}

function memberOf(row: Map<string, string>, where: string): UserSetMemberArgs {
    for (const c of REQUIRED) if (!row.get(c)) throw new Error(`${where}: ${c} is empty`);
    const cell = (c: string) => row.get(c) || undefined;
    const flag = (c: string): boolean | undefined => {
        const v = (row.get(c) ?? "").toLowerCase();
        if (v === "") return undefined;
        if (v === "true" || v === "false") return v === "true";
        throw new Error(`${where}: ${c} must be true or false (got '${row.get(c)}')`);
    };
    const type = cell("organizationType");
    const member: UserSetMemberArgs = {
        loginId: row.get("loginId")!,
        firstName: row.get("firstName")!,
        lastName: row.get("lastName")!,
        emailAddress: row.get("emailAddress")!,
        organization: type ? { name: row.get("organization")!, type } : { name: row.get("organization")! },
        middleName: cell("middleName"),
        userType: cell("userType"),
        roles: row.has("roles") ? splitRoles(row.get("roles")!) : undefined,
        disabled: flag("disabled"),
        employeeNumber: cell("employeeNumber"),
        manager: cell("manager"),
        startDate: cell("startDate"),
        endDate: cell("endDate"),
        adopt: flag("adopt"),
    };
    return withoutUndefined(member);
}

function splitRoles(cell: string): string[] {
    return cell
        .split(";")
        .map((r) => r.trim())
        .filter(Boolean);
}

/** The member with its absent fields left out (not managed), not set to undefined. */
export function withoutUndefined<T extends object>(member: T): T {
    for (const k of Object.keys(member) as (keyof T)[]) if (member[k] === undefined) delete member[k];
    return member;
}
