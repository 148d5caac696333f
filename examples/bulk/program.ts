// The bulk example: every user of a CSV file in one UserSet, which creates them in as few of the
// vendor's jobs as its limit allows (bulkUsersProgram declares one User per row instead, for
// comparison: see the docs, "User or UserSet"). Two file forms are read:
// - users.csv (500 rows): the package's CSV, the form `pulumi-primavera-admin export --format csv`
//   writes: one column per field of a User (readUsersCsv);
// - oracle-users.csv: Oracle's user import template, as Primavera Administration's "Download Import
//   Template" gives it and `export --format oracle-csv` writes it (readOracleUserCsv); its
//   application columns name roles by display name, so the tenant's role catalog maps them.
// `index.ts` runs it as a Pulumi project; the tests run it as an inline program.
import fs from "node:fs";
import path from "node:path";
import * as primavera from "pulumi-primavera-admin";

/** A file beside the program (also when compiled to dist/examples/bulk). */
function besideProgram(name: string): string {
    const candidates = [path.join(__dirname, name), path.resolve(__dirname, "..", "..", "..", "examples", "bulk", name)];
    return candidates.find((p) => fs.existsSync(p)) ?? candidates[0];
}

/** Every row of the package's CSV in one UserSet: one resource, as few jobs as the vendor's limit allows. */
export function bulkProgram(csvFile: string = process.env.USERS_CSV || besideProgram("users.csv")): Record<string, unknown> {
    const members = primavera.readUsersCsv(fs.readFileSync(csvFile, "utf8"), csvFile);
    new primavera.UserSet("users", { users: members });
    return { userCount: members.length };
}

/** Every row of Oracle's import template in one UserSet (roles mapped from display names by the tenant's catalog). */
export async function oracleProgram(
    csvFile: string = process.env.ORACLE_CSV || besideProgram("oracle-users.csv"),
): Promise<Record<string, unknown>> {
    const roles = await primavera.getRoles();
    const members = primavera.readOracleUserCsv(fs.readFileSync(csvFile, "utf8"), { roles, source: csvFile });
    new primavera.UserSet("oracle-users", { users: members });
    return { userCount: members.length };
}

/** Every row as its own User resource: an error, `--target` and `protect` per user, at the engine's pace. */
export function bulkUsersProgram(csvFile: string = process.env.USERS_CSV || besideProgram("users.csv")): Record<string, unknown> {
    const members = primavera.readUsersCsv(fs.readFileSync(csvFile, "utf8"), csvFile);
    for (const args of members) new primavera.User(args.loginId.toString().toLowerCase(), args);
    return { userCount: members.length };
}
