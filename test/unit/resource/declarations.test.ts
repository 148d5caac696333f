// One owner per login and tenant among a program's resources (no sockets).
import assert from "node:assert/strict";
import { declareLogin } from "pulumi-primavera-admin/provider/resource/declarations";

describe("resource/declarations", () => {
    it("the same login on two tenants is two users; twice on one tenant names both resources", () => {
        declareLogin("DECL1", 'User "prod-decl1"');
        assert.doesNotThrow(() => declareLogin("DECL1", 'User "test-decl1"', "test"));
        assert.throws(() => declareLogin("DECL1", 'UserSet "copies"', "test"), /User "test-decl1" and UserSet "copies"/);
        assert.throws(() => declareLogin("DECL1", 'User "again"'), /User "prod-decl1" and User "again"/);
    });
});
