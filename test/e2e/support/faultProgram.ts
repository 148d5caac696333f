// The program of the fault suite: N users with declared fields derived from their index, so a
// test (and the child process of the interrupted-up test) can rebuild the same program and
// check every user's fields on the simulator.
import { User } from "pulumi-primavera-admin";

export const USER_PASSWORD = "Fault-Us3r-Passw0rd!";

export interface FaultUser {
    name: string;
    loginId: string;
    firstName: string;
    lastName: string;
    emailAddress: string;
    org: string;
    roles: string[];
    password?: string;
    /** Take the user over (after an interrupted run left it on the tenant). */
    adopt?: boolean;
}

export function faultUsers(prefix: string, count: number, version = 1): FaultUser[] {
    return Array.from({ length: count }, (_, i) => ({
        name: `${prefix.toLowerCase()}${i}`,
        loginId: `${prefix}${String(i).padStart(3, "0")}`,
        firstName: `First${i}`,
        lastName: `Last${i}v${version}`,
        emailAddress: `${prefix.toLowerCase()}${i}@example.com`,
        org: ["sfo", "nyc", "lon"][i % 3],
        roles: i % 4 === 0 ? ["PrimaveraUnifierProduction", "PrimaveraP6Production"] : ["PrimaveraCloudAdmin"],
        password: i % 10 === 0 ? USER_PASSWORD : undefined,
    }));
}

export function faultProgram(users: () => FaultUser[]): () => Promise<Record<string, unknown>> {
    return async () => {
        const ids: Record<string, unknown> = {};
        for (const u of users()) {
            const r = new User(u.name, {
                loginId: u.loginId,
                firstName: u.firstName,
                lastName: u.lastName,
                emailAddress: u.emailAddress,
                userType: "EMP",
                organization: { name: u.org, type: "Company" },
                roles: u.roles,
                ...(u.password ? { password: u.password } : {}),
                ...(u.adopt ? { adopt: true } : {}),
            });
            ids[u.loginId] = r.id;
        }
        return { ids };
    };
}
