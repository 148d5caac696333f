// The URN of the engine request being served, read from the request as the dynamic-provider host
// opens it, and the job's URNs: handlers shaped like the host's (getter first, then an await, then
// the provider's method), no sockets.
import assert from "node:assert/strict";
import { captureRequestUrns, currentUrns, withUrns } from "pulumi-primavera-admin/provider/engine/requestUrn";

const provproto = require("@pulumi/pulumi/proto/provider_pb");

const URN_A = "urn:pulumi:dev::proj::primavera:index:User::alice";
const URN_B = "urn:pulumi:dev::proj::primavera:index:UserSet::staff";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What our provider's method sees: the URNs at its start and after its own awaits. */
async function providerMethod(waitMs: number): Promise<string[][]> {
    const seen = [[...currentUrns()]];
    await tick(waitMs);
    seen.push([...currentUrns()]);
    await Promise.resolve();
    setImmediate(() => undefined);
    seen.push([...(await new Promise<readonly string[]>((r) => setTimeout(() => r(currentUrns()), 1)))]);
    return seen;
}

/** The host's getProvider: an async function that awaits before the method is called. */
async function getProvider(): Promise<{ create: (waitMs: number) => Promise<string[][]> }> {
    await tick(1);
    return { create: providerMethod };
}

/** The host's create(): the request's first getter, an await, then the provider's method. */
async function hostCreate(req: any, waitMs: number): Promise<string[][]> {
    req.getProperties();
    const provider = await getProvider();
    return provider.create(waitMs);
}

/** The host's check(): getOlds, getNews, an await, the method. */
async function hostCheck(req: any, waitMs: number): Promise<string[][]> {
    req.getOlds();
    req.getNews();
    const provider = await getProvider();
    return provider.create(waitMs);
}

function request(kind: "CreateRequest" | "CheckRequest", urn: string): any {
    const req = new provproto[kind]();
    req.setUrn(urn);
    return req;
}

describe("engine/requestUrn", () => {
    before(async () => {
        // Checked first: a request's URN stays on the context that opened it (the transport's), as enterWith does.
        const outside = await new Promise<readonly string[]>((r) => setImmediate(() => r(currentUrns())));
        assert.deepEqual(outside, [], "outside a request nothing is known");
        assert.ok(captureRequestUrns(provproto) >= 6, "the getters of the six request classes");
    });

    it("wrapping again is a no-op: the getters are wrapped once", () => {
        const getter = provproto.CreateRequest.prototype.getProperties;
        assert.ok(captureRequestUrns(provproto) >= 6);
        assert.equal(provproto.CreateRequest.prototype.getProperties, getter);
        const read = new provproto.ReadRequest();
        read.setId("42");
        assert.equal(read.getId(), "42", "the getter still returns the field");
    });

    it("the provider's method sees its request's URN, through its own awaits", async () => {
        const seen = await new Promise<string[][]>((resolve, reject) =>
            setImmediate(() => hostCreate(request("CreateRequest", URN_A), 5).then(resolve, reject)),
        );
        assert.deepEqual(seen, [[URN_A], [URN_A], [URN_A]]);
    });

    it("requests the host starts in the same tick keep each its own URN", async () => {
        const both = await new Promise<string[][][]>((resolve, reject) =>
            setImmediate(() => {
                // As a transport delivering two requests in one read: the second enters its URN after the first awaited.
                const a = hostCreate(request("CreateRequest", URN_A), 20);
                const b = hostCheck(request("CheckRequest", URN_B), 1);
                Promise.all([a, b]).then(resolve, reject);
            }),
        );
        assert.deepEqual(both[0], [[URN_A], [URN_A], [URN_A]]);
        assert.deepEqual(both[1], [[URN_B], [URN_B], [URN_B]]);
    });

    it("withUrns sets the job's URNs for all it starts", async () => {
        const inJob = await withUrns([URN_A, URN_B], async () => {
            await tick(2);
            return currentUrns();
        });
        assert.deepEqual(inJob, [URN_A, URN_B]);
    });
});
