// The HTTP client's pure parts: the server's words in an error, and Location headers under a base
// URL with a path. No network.
import assert from "node:assert/strict";
import { PrimaveraClient, serverMessage } from "pulumi-primavera-admin/provider/api/client";
import { resolveConfig } from "pulumi-primavera-admin/provider/config/resolve";

const client = (baseUrl: string) => new PrimaveraClient(resolveConfig({ baseUrl, username: "u", password: "p" }, () => undefined, {}));

describe("the client's pure parts", () => {
    it("says a server text once when exception and message repeat it", () => {
        const busy = "The previous create user operation must complete before another create user operation is allowed.";
        assert.equal(serverMessage({ exception: busy, message: busy }), busy);
        assert.equal(serverMessage(JSON.stringify({ exception: "E1", message: "E1: details" })), "E1: details");
        assert.equal(serverMessage({ exception: "IDM_ERROR", message: "the directory is down" }), "IDM_ERROR: the directory is down");
        assert.equal(serverMessage("plain text "), "plain text");
    });

    it("maps Location headers to paths under the base URL, with and without a tenant path", () => {
        const root = client("http://127.0.0.1:8080");
        assert.equal(root.locationPath("http://127.0.0.1:8080/cloudapi/restapi/user/status/5"), "/cloudapi/restapi/user/status/5");
        assert.equal(root.locationPath("/cloudapi/restapi/user/status/5"), "/cloudapi/restapi/user/status/5");
        const tenant = client("http://127.0.0.1:8080/tenant1");
        assert.equal(
            tenant.locationPath("http://127.0.0.1:8080/tenant1/cloudapi/restapi/user/status/5"),
            "/cloudapi/restapi/user/status/5",
        );
        assert.equal(tenant.locationPath("/tenant1/cloudapi/restapi/user/status/5"), "/cloudapi/restapi/user/status/5");
        assert.equal(
            tenant.locationPath("/cloudapi/restapi/user/status/5"),
            "/cloudapi/restapi/user/status/5",
            "a Location without the tenant path is taken under the base URL",
        );
        assert.equal(tenant.locationPath("http://elsewhere.example/cloudapi/restapi/user/status/5"), undefined, "never another origin");
    });
});
