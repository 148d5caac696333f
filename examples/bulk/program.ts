// The bulk example: every user of a CSV file (users.csv: 500 rows) in one UserSet, which creates
// them in one job of the vendor's (bulkUsersProgram declares one User per row instead, for
// comparison: see the README, "User or UserSet"). The CSV has the columns
// `pulumi-primavera-admin export --format csv` writes, so an exported tenant can be brought in the
// same way:
//   loginId, firstName, middleName, lastName, emailAddress, organization, organizationType,
//   userType, roles (separated by ";"), disabled (true|false), employeeNumber, manager,
//   startDate, endDate
// Empty cells are not managed (the tenant keeps its value), except roles: an empty cell means no roles.
// `index.ts` runs it as a Pulumi project; the tests run it as an inline program.
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import * as primavera from "pulumi-primavera-admin";

const REQUIRED = ["loginId", "firstName", "lastName", "emailAddress", "organization"] as const;
const OPTIONAL = [
    "middleName",
    "organizationType",
    "userType",
    "roles",
    "disabled",
    "employeeNumber",
    "manager",
    "startDate",
    "endDate",
    "adopt",
] as const;

type Row = Record<string, string>;

/** users.csv beside the program (also when compiled to dist/examples/bulk). */
function defaultCsvPath(): string {
    const candidates = [path.join(__dirname, "users.csv"), path.resolve(__dirname, "..", "..", "..", "examples", "bulk", "users.csv")];
    return candidates.find((p) => fs.existsSync(p)) ?? candidates[0];
}

/** The User arguments of each row; throws naming the row and column of the first problem. */
export function readUsersCsv(file: string): primavera.UserArgs[] {
    const rows: Row[] = parse(fs.readFileSync(file), {
        columns: true,
        skip_empty_lines: true,
        trim: true,
        bom: true,
        // The export disarms cells a spreadsheet would run as formulas with a leading ' (OWASP): undo it.
        cast: (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell),
    });
    const header = rows.length ? Object.keys(rows[0]) : [];
    const unknown = header.filter((c) => !(REQUIRED as readonly string[]).includes(c) && !(OPTIONAL as readonly string[]).includes(c));
    if (unknown.length)
        throw new Error(`${file}: unknown column(s) ${unknown.join(", ")}; expected ${[...REQUIRED, ...OPTIONAL].join(", ")}`);
    return rows.map((row, i) => {
        const where = `${file} line ${i + 2}`;
        for (const c of REQUIRED) if (!row[c]) throw new Error(`${where}: ${c} is empty`);
        const flag = (c: string): boolean | undefined => {
            const v = (row[c] ?? "").toLowerCase();
            if (v === "") return undefined;
            if (v === "true" || v === "false") return v === "true";
            throw new Error(`${where}: ${c} must be true or false (got '${row[c]}')`);
        };
        const opt = (c: string): string | undefined => row[c] || undefined;
        const args: primavera.UserArgs = {
            loginId: row.loginId,
            firstName: row.firstName,
            lastName: row.lastName,
            emailAddress: row.emailAddress,
            organization: row.organizationType ? { name: row.organization, type: row.organizationType } : { name: row.organization },
            middleName: opt("middleName"),
            userType: opt("userType"),
            roles:
                "roles" in row
                    ? row.roles
                          .split(";")
                          .map((r) => r.trim())
                          .filter(Boolean)
                    : undefined,
            disabled: flag("disabled"),
            employeeNumber: opt("employeeNumber"),
            manager: opt("manager"),
            startDate: opt("startDate"),
            endDate: opt("endDate"),
            adopt: flag("adopt"),
        };
        // Absent values stay out of the inputs (not managed).
        return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)) as unknown as primavera.UserArgs;
    });
}

/** Every row in one UserSet: one resource, as few jobs as the vendor's limit allows. */
export function bulkProgram(csvFile: string = process.env.USERS_CSV || defaultCsvPath()): Record<string, unknown> {
    const rows = readUsersCsv(csvFile);
    const set = new primavera.UserSet("users", { users: rows });
    return {
        userCount: rows.length,
        userIds: set.userIds,
    };
}

/** Every row as its own User resource: an error, `--target` and `protect` per user, at the engine's pace. */
export function bulkUsersProgram(csvFile: string = process.env.USERS_CSV || defaultCsvPath()): Record<string, unknown> {
    const users = readUsersCsv(csvFile).map((args) => new primavera.User((args.loginId as string).toLowerCase(), args));
    return {
        userCount: users.length,
        firstUserId: users[0]?.id,
    };
}
