/**
 * Writing an answer body that is long or slow, after its headers: chunks in turn, waiting for
 * the client to take each (backpressure), or one byte every N ms (the `trickle` fault switch).
 * Both stop writing when the client goes away, so an abandoned answer holds no timer or buffer.
 */
import * as http from "node:http";

/** Writes `chunks` and ends the answer; stops early when the client goes away. */
export async function writeChunks(res: http.ServerResponse, chunks: Iterable<Buffer | string>): Promise<void> {
    const closed = watchClose(res);
    for (const chunk of chunks) {
        if (closed()) return;
        if (!res.write(chunk)) await drainOrClose(res);
    }
    if (!closed()) res.end();
}

/** Sends the headers now, then the bytes of `chunks` one every `everyMs` ms, and ends; stops early when the client goes away. */
export async function writeTrickled(res: http.ServerResponse, chunks: Iterable<Buffer | string>, everyMs: number): Promise<void> {
    const closed = watchClose(res);
    res.flushHeaders();
    for (const piece of chunks) {
        const chunk = typeof piece === "string" ? Buffer.from(piece) : piece;
        for (let i = 0; i < chunk.length; i++) {
            await pauseOrClose(res, everyMs);
            if (closed()) return;
            res.write(chunk.subarray(i, i + 1));
        }
    }
    if (!closed()) res.end();
}

/** A probe that turns true once the answer's connection closed (or the answer was destroyed). */
function watchClose(res: http.ServerResponse): () => boolean {
    let closed = false;
    res.once("close", () => (closed = true));
    return () => closed || res.destroyed;
}

function drainOrClose(res: http.ServerResponse): Promise<void> {
    return new Promise((resolve) => {
        const done = () => {
            res.off("drain", done);
            res.off("close", done);
            resolve();
        };
        res.once("drain", done);
        res.once("close", done);
    });
}

function pauseOrClose(res: http.ServerResponse, ms: number): Promise<void> {
    return new Promise((resolve) => {
        const done = () => {
            clearTimeout(timer);
            res.off("close", done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        res.once("close", done);
    });
}
