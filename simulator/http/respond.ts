/**
 * Answers: the error every handler throws to answer (HttpError), and writing an answer with its
 * `Content-Type`, `Content-Length` and `Server-Timing` (time since the request arrived), whole or
 * as a stream of chunks. The server marks an exchange's answer style before its handler runs:
 * written slowly (`trickle`) or replaced by a body that is not JSON (`malformed`); every answer
 * written here follows it. Error bodies are the vendor's `{exception, localizedException: false, message}`.
 */
import * as http from "node:http";
import { writeChunks, writeTrickled } from "./stream";
import { ErrorBody } from "./wire";

export const INVALID_INPUT = "Invalid input, Please check.";
export const INTERNAL_ERROR = "Internal Server Error. Underlying Identity Management System threw an error, Please check the logs.";
/** What a `malformed` route answers: the start of a JSON object, cut off. */
export const MALFORMED_BODY = `{"truncated": `;

/** Answers a request with a status, headers and body; records nothing (the server does). */
export class HttpError extends Error {
    constructor(
        readonly status: number,
        readonly exception: string,
        message = "",
        readonly headers: Record<string, string> = {},
    ) {
        super(message);
    }
}

/** How an exchange's answer is written: when its request arrived, and the answer faults on it. */
interface AnswerStyle {
    started?: bigint;
    /** Write the answer one byte every this many ms. */
    trickleMs?: number;
    /** Answer 200 with MALFORMED_BODY whatever the handler answers. */
    malformed?: boolean;
}

const styles = new WeakMap<http.ServerResponse, AnswerStyle>();

function styleOf(res: http.ServerResponse): AnswerStyle {
    let s = styles.get(res);
    if (!s) styles.set(res, (s = {}));
    return s;
}

/** Notes when the request of `res` arrived (`process.hrtime.bigint()`), for `Server-Timing`. */
export function markStarted(res: http.ServerResponse, started: bigint): void {
    styleOf(res).started = started;
}

/** The answer on `res` is written one byte every `everyMs` ms, headers first. */
export function markTrickle(res: http.ServerResponse, everyMs: number): void {
    styleOf(res).trickleMs = everyMs;
}

/** The answer on `res` becomes 200 with a body that is not JSON, whatever the handler answers. */
export function markMalformed(res: http.ServerResponse): void {
    styleOf(res).malformed = true;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    sendText(res, status, JSON.stringify(body), "application/json", headers);
}

export function sendText(res: http.ServerResponse, status: number, text: string, type: string, headers: Record<string, string> = {}): void {
    sendChunks(res, status, type, Buffer.byteLength(text), [text], headers);
}

/**
 * Answers with a body of `length` bytes given as `chunks` (texts are UTF-8), taken one at a time
 * as the client reads them, so a long body never has to be built whole.
 */
export function sendChunks(
    res: http.ServerResponse,
    status: number,
    type: string,
    length: number,
    chunks: Iterable<Buffer | string>,
    headers: Record<string, string> = {},
): void {
    const style = styleOf(res);
    if (style.malformed) [status, type, length, chunks, headers] = [200, "application/json", MALFORMED_BODY.length, [MALFORMED_BODY], {}];
    const timing: Record<string, string> =
        style.started === undefined
            ? {}
            : { "Server-Timing": `app;dur=${(Number(process.hrtime.bigint() - style.started) / 1e6).toFixed(2)}` };
    res.writeHead(status, { "Content-Type": `${type}; charset=utf-8`, "Content-Length": length, ...timing, ...headers });
    if (style.trickleMs !== undefined) return void writeTrickled(res, chunks, style.trickleMs).catch(() => res.destroy());
    if (Array.isArray(chunks) && chunks.length === 1) return void res.end(chunks[0]);
    void writeChunks(res, chunks).catch(() => res.destroy());
}

export function sendError(res: http.ServerResponse, e: HttpError): void {
    const body: ErrorBody = { exception: e.exception, localizedException: false, message: e.message };
    sendJson(res, e.status, body, e.headers);
}
