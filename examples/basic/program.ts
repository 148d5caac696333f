// The basic example: a handful of users across two organizations, with roles.
// `index.ts` runs it as a Pulumi project; the demo and the tests run it as an inline program.
import * as primavera from "pulumi-primavera-admin";

export function basicProgram(): Record<string, unknown> {
    const jsmith = new primavera.User("jsmith", {
        loginId: "JSMITH",
        firstName: "Jim",
        lastName: "Smith",
        emailAddress: "jim.smith@example.com",
        userType: "EMP",
        organization: { name: "sfo", type: "Company" },
        roles: ["PrimaveraUnifierProduction"],
    });
    const alee = new primavera.User("alee", {
        loginId: "ALEE",
        firstName: "Ana",
        lastName: "Lee",
        emailAddress: "ana.lee@example.com",
        userType: "EMP",
        organization: { name: "sfo", type: "Company" },
        roles: ["PrimaveraP6Production", "PrimaveraUnifierProduction"],
        startDate: "2026-01-05",
    });
    const mgarcia = new primavera.User("mgarcia", {
        loginId: "MGARCIA",
        firstName: "Maria",
        lastName: "Garcia",
        emailAddress: "maria.garcia@example.com",
        userType: "EMP",
        organization: { name: "nyc", type: "Company" },
        roles: ["PrimaveraCloudAdmin"],
    });
    const contractor = new primavera.User("kchen", {
        loginId: "KCHEN",
        firstName: "Kai",
        lastName: "Chen",
        emailAddress: "kai.chen@contractor.example.com",
        userType: "EMP",
        organization: { name: "nyc", type: "Company" },
        roles: ["PrimaveraP6Test"],
        startDate: "2026-02-01",
        endDate: "2026-12-31",
    });
    return {
        userIds: {
            JSMITH: jsmith.id,
            ALEE: alee.id,
            MGARCIA: mgarcia.id,
            KCHEN: contractor.id,
        },
        adminRoles: mgarcia.roles,
    };
}
