/**
 * Request bodies: reading one as text (size limit) and as JSON (empty or invalid JSON is 400), and
 * checking it against a schema (400 naming each field, at most 20 of them).
 */
import * as http from "node:http";
import { z } from "zod";
import { validate } from "../tenant/validate";
import { HttpError, INVALID_INPUT } from "./respond";

/** Default largest request body, in bytes (`SimulatorOptions.maxBodyBytes`). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** `data` as `schema` parses it; throws a 400 HttpError naming each field otherwise. */
export function parseWith<T extends z.ZodType>(schema: T, data: unknown): z.infer<T> {
    const v = validate(schema, data);
    if (!v.ok) {
        const detail = v.problems.slice(0, 20).join("; ") + (v.problems.length > 20 ? `; and ${v.problems.length - 20} more` : "");
        throw new HttpError(400, `${INVALID_INPUT} ${detail}`, detail);
    }
    return v.value;
}

/** The request's body as UTF-8 text; throws a 413 HttpError once it passes `maxBytes`. */
export async function readText(req: http.IncomingMessage, maxBytes: number): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) throw new HttpError(413, `Request body larger than ${maxBytes} bytes.`);
        chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
}

/** `text` parsed as JSON; throws a 400 HttpError when it is empty or not JSON. */
export function parseJson(text: string): unknown {
    if (!text.trim()) throw new HttpError(400, `${INVALID_INPUT} body: required`, "body: required");
    try {
        return JSON.parse(text);
    } catch {
        throw new HttpError(400, `${INVALID_INPUT} body: not valid JSON`, "body: not valid JSON");
    }
}

/** The request's body parsed as JSON; throws a 400 (or 413) HttpError when it is empty, not JSON or too large. */
export async function readJson(req: http.IncomingMessage, maxBytes: number): Promise<unknown> {
    return parseJson(await readText(req, maxBytes));
}
