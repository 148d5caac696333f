// Writes users.csv: 500 invented users across the simulator's organizations and roles, in the
// columns `pulumi-primavera-admin export --format csv` writes. Run once: `node generate-users.js`.
const fs = require("node:fs");
const path = require("node:path");

const FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Elif",
    "Femi",
    "Gita",
    "Hugo",
    "Ines",
    "Jon",
    "Kira",
    "Luis",
    "Mei",
    "Nils",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
];
const LAST = [
    "Abe",
    "Brown",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Khan",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quist",
    "Rossi",
    "Silva",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
];
const ORGS = ["sfo", "nyc", "lon", "blr"];
const ROLE_SETS = [
    ["PrimaveraUnifierProduction"],
    ["PrimaveraP6Production"],
    ["PrimaveraP6Production", "PrimaveraUnifierProduction"],
    ["PrimaveraP6Test"],
    ["PrimaveraUnifierTest", "PrimaveraP6Test"],
    ["BIProductionAuthors", "PrimaveraP6Production"],
    ["PrimaveraVirtualDesktopUser"],
    [],
];
// The same columns the export CLI writes (needs `npm run build` first).
const { CSV_COLUMNS: COLUMNS } = require("pulumi-primavera-admin");

const rows = [COLUMNS.join(",")];
for (let i = 1; i <= 500; i++) {
    const first = FIRST[i % FIRST.length];
    const last = LAST[(i * 7) % LAST.length];
    const n = String(i).padStart(4, "0");
    const login = `BULK${n}`;
    const contractor = i % 10 === 0;
    const row = {
        loginId: login,
        firstName: first,
        middleName: i % 9 === 0 ? "M" : "",
        lastName: last,
        emailAddress: `${first}.${last}.${n}@example.com`.toLowerCase(),
        organization: ORGS[i % ORGS.length],
        organizationType: "",
        userType: "EMP",
        roles: ROLE_SETS[i % ROLE_SETS.length].join(";"),
        disabled: String(i % 50 === 0),
        employeeNumber: contractor ? "" : `E-${n}`,
        manager: i > 10 && i % 5 === 0 ? `BULK${String(i - 5).padStart(4, "0")}` : "",
        startDate: contractor ? "2026-02-01" : "",
        endDate: contractor ? "2026-12-31" : "",
    };
    rows.push(COLUMNS.map((c) => row[c]).join(","));
}
fs.writeFileSync(path.join(__dirname, "users.csv"), rows.join("\n") + "\n");
console.log(`wrote ${rows.length - 1} users to users.csv`);
