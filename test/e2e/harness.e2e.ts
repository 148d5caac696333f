// The engine harness (scripts/engine.ts) runs many inline programs in one process: each run's
// clients to its engine must connect afresh, even when an earlier run's clients still retry a port
// that a new engine now listens on. Engines are not told which port to take, so a gRPC server on
// 127.0.0.1 stands in for one.
import assert from "node:assert/strict";
import net from "node:net";
import path from "node:path";
import { createRequire } from "node:module";
import { isolateEngineChannels } from "../../scripts/engine";

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
// The SDK's own grpc-js and client options: what its monitor and engine clients are made with.
const sdkRequire = createRequire(path.join(pulumiDir, "package.json"));
const grpc: any = sdkRequire("@grpc/grpc-js");
const settings = require(path.join(pulumiDir, "runtime", "settings")) as { grpcClientOptions: Record<string, unknown> };

const identity = (b: Buffer) => b;
const ping = {
    path: "/test.Engine/Ping",
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
};
const Client = grpc.makeGenericClientConstructor({ ping }, "Engine");

async function freePort(): Promise<number> {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise((r) => s.close(r));
    return port;
}

/** One call with a 5 s deadline: "ok" or the gRPC code and details. */
function call(address: string, options: Record<string, unknown>): Promise<string> {
    const client = new Client(address, grpc.credentials.createInsecure(), options);
    return new Promise((resolve) =>
        (client as any).ping(Buffer.from("x"), { deadline: Date.now() + 5000 }, (e: any) => {
            client.close();
            resolve(e ? `${e.code} ${e.details}` : "ok");
        }),
    );
}

/**
 * An earlier run's client (made with `options`) calls its engine after that engine exited; a new
 * engine then listens on the same port and a new client (same options) calls it. What that gets.
 */
async function afterAStaleClient(options: Record<string, unknown>): Promise<string> {
    const address = `127.0.0.1:${await freePort()}`;
    const stale = new Client(address, grpc.credentials.createInsecure(), options);
    const refused = await new Promise<string>((r) => (stale as any).ping(Buffer.from("x"), (e: any) => r(e ? String(e.code) : "ok")));
    assert.equal(refused, String(grpc.status.UNAVAILABLE), "the exited engine's port is refused");
    const server = new grpc.Server();
    server.addService({ ping }, { ping: (_c: unknown, cb: (e: null, v: Buffer) => void) => cb(null, Buffer.from("y")) });
    await new Promise<void>((r, j) =>
        server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (e: Error | null) => (e ? j(e) : r())),
    );
    try {
        return await call(address, options);
    } finally {
        stale.close();
        server.forceShutdown();
    }
}

describe("engine harness: a fresh connection per run", () => {
    it("without a pool per client, a new engine on a port an earlier run's client still retries fails the first call", async () => {
        const shared = { ...settings.grpcClientOptions };
        delete shared["grpc.use_local_subchannel_pool"];
        assert.match(await afterAStaleClient(shared), /^14 No connection established\. Last error: null/);
    });

    it("with the harness's options, the SDK's clients reach that new engine", async () => {
        isolateEngineChannels(pulumiDir);
        assert.equal(await afterAStaleClient(settings.grpcClientOptions), "ok");
    });
});
