// The adopt example: users that already exist in the tenant (created in the vendor's UI before
// Pulumi) are taken over with `adopt: true` instead of failing with "already exists". The
// declared fields are applied; roles and fields the program does not declare are kept.
// `pulumi-primavera-admin export` writes such a program for a whole tenant.
// The adopted users are protected: they existed before Pulumi, so `pulumi destroy` or removing a
// declaration must not delete the people behind them (the engine refuses instead).
// `index.ts` runs it as a Pulumi project; the tests run it as an inline program.
import * as primavera from "pulumi-primavera-admin";

export function adoptProgram(): Record<string, unknown> {
    // Seeded in the simulator (and so, in a real tenant, someone who was there before Pulumi).
    const dpatel = new primavera.User(
        "dpatel",
        {
            loginId: "DPATEL",
            firstName: "Divya",
            lastName: "Patel",
            emailAddress: "dpatel@example.com",
            userType: "EMP",
            organization: { name: "nyc" },
            roles: ["PrimaveraP6Production", "PrimaveraUnifierProduction"],
            adopt: true,
        },
        { protect: true },
    );
    // Adopted without declaring roles: the roles the tenant gives COADMIN are kept as they are.
    const coadmin = new primavera.User(
        "coadmin",
        {
            loginId: "COADMIN",
            firstName: "Cloud",
            lastName: "Administrator",
            emailAddress: "coadmin@example.com",
            userType: "EMP",
            organization: { name: "PGBU", type: "Company" },
            adopt: true,
        },
        { protect: true },
    );
    // A new user next to the adopted ones: `adopt` does nothing when the login does not exist yet.
    const newcomer = new primavera.User("rnovak", {
        loginId: "RNOVAK",
        firstName: "Rita",
        lastName: "Novak",
        emailAddress: "rita.novak@example.com",
        userType: "EMP",
        organization: { name: "nyc" },
        roles: ["PrimaveraP6Test"],
        adopt: true,
    });
    return {
        userIds: { DPATEL: dpatel.id, COADMIN: coadmin.id, RNOVAK: newcomer.id },
        // `roles` is not declared on coadmin, so its roles are not managed: the output is what the tenant holds.
        coadminRoles: coadmin.roles,
    };
}
