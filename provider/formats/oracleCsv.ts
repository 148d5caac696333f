// Oracle's user import template (User_Import_Template.csv, from Primavera Administration's
// "Download Import Template"), both ways. Columns: Last Name, First Name, Email, Username,
// Company, User Type, then one `#R#<application assignment>` column per application, holding Y
// (or Yes) where the user has it. As in Oracle's own import, the application columns are the
// user's whole access: an application without a Y, or without a column, is not assigned, so a
// member read from the template declares its roles exactly.
import type { UserInfo } from "../resource/outputs";
import type { UserSetMemberArgs } from "../resource/userSet";
import { csvText, parseCsv } from "./csvText";
import { withoutUndefined } from "./usersCsv";

/** The template's user columns, in Oracle's order. */
export const ORACLE_COLUMNS = ["Last Name", "First Name", "Email", "Username", "Company", "User Type"] as const;
const APPLICATION = "#R#";

/** A role as the tenant's catalog names it (getRoles()). */
export interface CatalogRole {
    name: string;
    displayName?: string;
}

export interface OracleCsvOptions {
    /** The tenant's role catalog (`await getRoles()`): application columns name roles by display name. */
    roles?: CatalogRole[];
    /** The organization type to declare for every member (the template has none). */
    organizationType?: string;
    /** Names the file in errors. */
    source?: string;
}

/** The template of these users: one application column per role any of them holds (by display name). */
export function renderOracleCsv(users: UserInfo[], onUser?: (done: number) => void): string {
    const applications = new Map<string, string>(); // role name -> column
    for (const u of users) for (const r of u.roleDetails) applications.set(r.name, `${APPLICATION}${r.displayName || r.name}`);
    const roles = [...applications.keys()].sort((a, b) => applications.get(a)!.localeCompare(applications.get(b)!));
    const rows = users.map((u, i) => {
        onUser?.(i + 1);
        const held = new Set(u.roles);
        const person = [u.lastName ?? "", u.firstName ?? "", u.emailAddress ?? "", u.loginId, u.organization?.name ?? "", u.userType ?? ""];
        return [...person, ...roles.map((r) => (held.has(r) ? "Y" : ""))];
    });
    return csvText([[...ORACLE_COLUMNS, ...roles.map((r) => applications.get(r)!)], ...rows]);
}

/** The members of a filled-in template; throws naming the source, line and column of the first problem. */
export function readOracleUserCsv(text: string, opts: OracleCsvOptions = {}): UserSetMemberArgs[] {
    const source = opts.source ?? "Oracle user import CSV";
    const [header = [], ...rows] = parseCsv(text);
    const missing = ORACLE_COLUMNS.filter((c) => !header.includes(c));
    if (missing.length)
        throw new Error(`${source}: missing column(s) ${missing.join(", ")} (Oracle's template has ${ORACLE_COLUMNS.join(", ")})`);
    const unknown = header.filter((c) => !(ORACLE_COLUMNS as readonly string[]).includes(c) && !c.startsWith(APPLICATION));
    if (unknown.length)
        throw new Error(`${source}: unknown column(s) ${unknown.join(", ")}; application columns start with ${APPLICATION}`);
    const roleOf = roleNames(header, opts.roles, source);
    return rows.map((cells, i) => {
        const where = `${source} line ${i + 2}`;
        const cell = (c: string) => cells[header.indexOf(c)] ?? "";
        for (const c of ["Last Name", "First Name", "Email", "Username", "Company"])
            if (!cell(c)) throw new Error(`${where}: ${c} is empty`);
        const roles = [...roleOf].filter(([column]) => assigned(cell(column), `${where}, column ${column}`)).map(([, role]) => role);
        return withoutUndefined({
            loginId: cell("Username"),
            firstName: cell("First Name"),
            lastName: cell("Last Name"),
            emailAddress: cell("Email"),
            organization: opts.organizationType ? { name: cell("Company"), type: opts.organizationType } : { name: cell("Company") },
            userType: cell("User Type") || undefined,
            roles,
        });
    });
}

/** The role of each application column: the catalog's role whose display name (or name) it is, else the column's text. */
function roleNames(header: string[], catalog: CatalogRole[] | undefined, source: string): Map<string, string> {
    const byLabel = new Map<string, string>();
    for (const r of catalog ?? []) {
        byLabel.set(r.name, r.name);
        if (r.displayName) byLabel.set(r.displayName, r.name);
    }
    const out = new Map<string, string>();
    for (const column of header.filter((c) => c.startsWith(APPLICATION))) {
        const label = column.slice(APPLICATION.length).trim();
        const role = catalog ? byLabel.get(label) : label;
        if (!role) throw new Error(`${source}: column ${column} names no role of the tenant's catalog (by display name or name)`);
        out.set(column, role);
    }
    return out;
}

function assigned(value: string, where: string): boolean {
    const v = value.trim().toLowerCase();
    if (v === "y" || v === "yes") return true;
    if (v === "" || v === "n" || v === "no") return false;
    throw new Error(`${where}: must be Y, Yes or empty (got '${value}')`);
}
