/**
 * Answers: the error every handler throws to answer (HttpError), and writing an answer with its
 * `Content-Type`, `Content-Length` and `Server-Timing` (time since the request arrived).
 * Error bodies are the vendor's `{exception, localizedException: false, message}`.
 */
import * as http from "node:http";
import { ErrorBody } from "./wire";

export const INVALID_INPUT = "Invalid input, Please check.";
export const INTERNAL_ERROR = "Internal Server Error. Underlying Identity Management System threw an error, Please check the logs.";

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

/** When each response's request arrived, for the `Server-Timing` header. */
const startedAt = new WeakMap<http.ServerResponse, bigint>();

/** Notes when the request of `res` arrived (`process.hrtime.bigint()`), for `Server-Timing`. */
export function markStarted(res: http.ServerResponse, started: bigint): void {
    startedAt.set(res, started);
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    sendText(res, status, JSON.stringify(body), "application/json", headers);
}

export function sendText(res: http.ServerResponse, status: number, text: string, type: string, headers: Record<string, string> = {}): void {
    const started = startedAt.get(res);
    const timing: Record<string, string> =
        started === undefined ? {} : { "Server-Timing": `app;dur=${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(2)}` };
    res.writeHead(status, { "Content-Type": `${type}; charset=utf-8`, "Content-Length": Buffer.byteLength(text), ...timing, ...headers });
    res.end(text);
}

export function sendError(res: http.ServerResponse, e: HttpError): void {
    const body: ErrorBody = { exception: e.exception, localizedException: false, message: e.message };
    sendJson(res, e.status, body, e.headers);
}
