// The tests' one builder of a declared user: valid inputs of a User (and the simulator's job
// records), with whatever a test overrides.
export function declaredUser(loginId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        loginId,
        firstName: "Test",
        lastName: loginId,
        emailAddress: `${loginId.toLowerCase()}@example.com`,
        userType: "EMP",
        organization: { name: "sfo", type: "Company" },
        ...extra,
    };
}
