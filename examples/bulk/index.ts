// BULK_AS=users declares one User per row instead of one UserSet (for comparison); BULK_AS=oracle
// reads Oracle's user import template (oracle-users.csv) instead of the package's CSV.
import { bulkProgram, bulkUsersProgram, oracleProgram } from "./program";

const kind = process.env.BULK_AS;
const outputs =
    kind === "users" ? Promise.resolve(bulkUsersProgram()) : kind === "oracle" ? oracleProgram() : Promise.resolve(bulkProgram());
export const userCount = outputs.then((o) => o.userCount);
