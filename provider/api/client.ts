// The HTTP client of one tenant: base URL, authentication (Basic on v1 paths | OAuth Bearer on v3
// paths), keep-alive connections, and retries of transient failures (network errors, 5xx, 429)
// with exponential backoff and jitter, honouring Retry-After, always under the caller's deadline.
import http from "node:http";
import https from "node:https";
import axios, { AxiosInstance, AxiosResponse } from "axios";
import { z } from "zod";
import { backoffDelay, BackoffPolicy, parseRetryAfterMs } from "./backoff";
import { ApiError, DeadlineError, excerpt, PrimaveraError } from "./errors";
import { shutdownSignal, throwIfAborted, Verdict, waitFor } from "./wait";
import { issuesText, MAX_JSON_NODES, MAX_RESPONSE_BYTES, parseBoundedJson } from "./bounds";
import { errorBody } from "./schemas";
import { ProviderConfig } from "../config/settings";
import { rememberBasic, rememberSecret } from "../safety/redaction";

const API_ROOT = "/cloudapi/restapi";

export interface ApiResponse {
    status: number;
    headers: Record<string, string | undefined>;
    /** The body as text; JSON bodies are parsed into `json`. */
    text: string;
    json: unknown;
}

export interface RequestOptions {
    body?: unknown;
    /** Epoch ms after which no attempt starts and no wait continues. */
    deadline: number;
    /** Words for error messages: what this request was for. */
    purpose: string;
    /** Most attempts for transient failures (default 8). A 429 does not count: it waits, bounded by the deadline. */
    maxAttempts?: number;
    /** Statuses the caller handles itself (returned, not retried): submit judges 429 as a busy tenant. */
    passStatuses?: number[];
    /**
     * Default true. False for requests that must not be re-sent blindly (POST /user): a network
     * error then comes back as status 0 with the error's words in `text`, for the caller to judge.
     */
    retryTransient?: boolean;
    /** Cancels the request and its retries; default: the process's shutdown signal (wait.ts). */
    signal?: AbortSignal;
    /** Most JSON values the answer may hold (bounds.ts); an answer over it is refused before it is parsed. */
    maxNodes?: number;
}

/** One exchange: the answer, or the words of a network error. */
interface Sent {
    res?: AxiosResponse<string>;
    networkError?: string;
}

const RETRY: BackoffPolicy = { initialMs: 200, maxMs: 10_000, factor: 2 };
/** A safety net under the deadline: one call never sends more requests than this (429 waits included). */
const MAX_REQUESTS_PER_CALL = 1_000;
const PER_REQUEST_TIMEOUT_MS = 60_000;
const TRANSIENT_NETWORK = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ECONNABORTED|EAI_AGAIN|socket hang up|Network Error|aborted/i;

export interface ClientStats {
    /** HTTP requests sent (tests and the benchmark read it). */
    requests: number;
}

export class PrimaveraClient {
    readonly stats: ClientStats = { requests: 0 };
    private readonly http: AxiosInstance;
    private token: { value: string; expiresAt: number } | undefined;
    private tokenPending: Promise<string> | undefined;

    constructor(private config: ProviderConfig) {
        rememberCredentials(config);
        this.http = axios.create({
            baseURL: config.baseUrl,
            // Keep-alive: one job means dozens of polls; new TCP/TLS connections each time add up.
            httpAgent: new http.Agent({ keepAlive: true, maxSockets: 16 }),
            // TLS verification stays on (the default); there is deliberately no switch to turn it off.
            httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 16 }),
            validateStatus: () => true,
            transformResponse: (d) => d,
            responseType: "text",
            maxRedirects: 0,
            proxy: false,
            maxContentLength: MAX_RESPONSE_BYTES,
        });
    }

    /**
     * Takes new settings for the same tenant and account (one client per tenant, whatever the
     * other settings): a rotated password, another timeout. A token of the old password is dropped.
     */
    reconfigure(config: ProviderConfig): void {
        rememberCredentials(config);
        if (config.password !== this.config.password) this.token = undefined;
        this.config = config;
    }

    /** Path of a user-API route for the configured auth mode: v1 for Basic, v3 for OAuth. */
    path(route: string): string {
        return `${API_ROOT}${this.config.authMode === "oauth" ? "/v3" : ""}${route}`;
    }

    /**
     * A Location header as a path under the base URL. Requests (and credentials) stay on the
     * tenant's origin: a Location elsewhere is ignored (undefined). The base URL may carry a path
     * (`https://host/<tenant>`): an absolute or root-relative Location that includes it has it
     * removed, since every request path is appended to the base URL; one without it is taken as
     * relative to the base URL.
     */
    locationPath(location: string | undefined): string | undefined {
        if (!location) return undefined;
        const base = new URL(this.config.baseUrl);
        let url: URL;
        try {
            url = new URL(location, base);
        } catch {
            return undefined;
        }
        if (url.origin !== base.origin) return undefined;
        const prefix = base.pathname.replace(/\/+$/, "");
        const path = prefix && url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : url.pathname;
        return path + url.search;
    }

    /**
     * Sends one request, retrying transient failures (network errors, 5xx, 429) through the one
     * wait loop (wait.ts). Returns every other answer (2xx, and 4xx the caller must judge) except
     * 401/403, which become errors that say what to fix.
     */
    async request(method: "GET" | "POST" | "PUT", path: string, opts: RequestOptions): Promise<ApiResponse> {
        let lastStatus: number | undefined;
        return waitFor<Sent, ApiResponse>({
            deadline: opts.deadline,
            backoff: RETRY,
            maxAttempts: MAX_REQUESTS_PER_CALL,
            maxFailures: opts.maxAttempts ?? 8,
            signal: opts.signal,
            attempt: () => this.send(method, path, opts),
            judge: ({ res, networkError }, n): Verdict<ApiResponse> => {
                lastStatus = res?.status;
                if (networkError !== undefined) {
                    if (opts.retryTransient === false) return { done: { status: 0, headers: {}, text: networkError, json: undefined } };
                    if (!TRANSIENT_NETWORK.test(networkError))
                        return { fail: new ApiError(`${opts.purpose}: ${method} ${path} failed: ${networkError}`, undefined) };
                    return { retry: `network error (${networkError})`, failure: true };
                }
                if (res!.status === 401 || res!.status === 403) return { fail: this.authError(res!, method, path, opts.purpose) };
                if (opts.passStatuses?.includes(res!.status)) return { done: toResponse(res!, `${method} ${path}`, opts.maxNodes) };
                if ((res!.status >= 500 || res!.status === 429) && opts.retryTransient !== false) {
                    const after = parseRetryAfterMs(header(res!, "retry-after"));
                    return {
                        retry: `HTTP ${res!.status} ${excerpt(serverMessage(res!.data), 200)}`,
                        afterMs: after === undefined ? undefined : Math.max(after, backoffDelay(n, RETRY)),
                        // "Slow down" (429) is not a failure: only the deadline bounds those waits.
                        failure: res!.status !== 429,
                    };
                }
                return { done: toResponse(res!, `${method} ${path}`, opts.maxNodes) };
            },
            ended: ({ reason, attempts, last }) =>
                reason === "deadline"
                    ? new DeadlineError(
                          `${opts.purpose}: gave up at the deadline (primavera:timeoutSeconds=${this.config.timeoutSeconds}) ` +
                              `after ${attempts} attempt(s) of ${method} ${path}; last answer: ${last}`,
                      )
                    : new ApiError(
                          `${opts.purpose}: ${method} ${path} still failing after ${attempts} attempts; last answer: ${last}`,
                          lastStatus,
                      ),
        });
    }

    /**
     * GET a JSON answer and validate it: 200 with a body `schema` accepts is the value; a status in
     * `absent` is undefined (e.g. 404 for a user that does not exist); any other status, or a body
     * of another shape, is an ApiError naming what was read, the status or the mismatch.
     */
    async getJson<S extends z.ZodType>(
        path: string,
        schema: S,
        opts: { deadline: number; purpose: string; absent?: number[]; maxAttempts?: number },
    ): Promise<z.infer<S> | undefined> {
        const res = await this.request("GET", path, { deadline: opts.deadline, purpose: opts.purpose, maxAttempts: opts.maxAttempts });
        if (opts.absent?.includes(res.status)) return undefined;
        if (res.status !== 200)
            throw new ApiError(
                `${opts.purpose}: HTTP ${res.status} on GET ${path}: ${excerpt(serverMessage(res.json ?? res.text))}`,
                res.status,
            );
        const parsed = schema.safeParse(res.json);
        if (!parsed.success)
            throw new ApiError(
                `${opts.purpose}: the answer of GET ${path} is not what the API documents: ${excerpt(issuesText(parsed.error))}`,
                200,
            );
        return parsed.data;
    }

    /** One request with this tenant's credentials; an expired OAuth token is renewed once and the request sent again. */
    private async send(method: string, path: string, opts: RequestOptions): Promise<Sent> {
        for (let renewed = false; ; renewed = true) {
            const headers: Record<string, string> = { Accept: "application/json", Authorization: await this.authorization(opts) };
            if (opts.body !== undefined) headers["Content-Type"] = "application/json";
            const sent = await this.exchange(method, path, headers, opts);
            if (sent.res?.status === 401 && this.config.authMode === "oauth" && !renewed) {
                this.token = undefined; // an expired token: renew it once and go on
                continue;
            }
            return sent;
        }
    }

    /** One HTTP exchange under the deadline: the answer, or the words of a network error. */
    private async exchange(method: string, path: string, headers: Record<string, string>, opts: RequestOptions): Promise<Sent> {
        const bounded = untilDeadline(opts);
        try {
            this.stats.requests++;
            const res = await this.http.request<string>({
                method,
                url: path,
                data: opts.body === undefined ? undefined : JSON.stringify(opts.body),
                headers,
                timeout: Math.max(1000, Math.min(PER_REQUEST_TIMEOUT_MS, opts.deadline - Date.now())),
                signal: bounded.signal,
            });
            return { res };
        } catch (e) {
            if (e instanceof PrimaveraError) throw e;
            throwIfAborted(opts.signal ?? shutdownSignal());
            if (bounded.expired()) throw this.deadlineError(method, path, opts);
            // axios errors carry the request config (and so the Authorization header): keep only the words.
            const err = e as { code?: string; message?: string };
            if (/maxContentLength/i.test(err.message ?? "")) {
                throw new ApiError(
                    `${opts.purpose}: the answer to ${method} ${path} is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB; ` +
                        `refusing to hold it in memory (a tenant answer that large is not a user API answer).`,
                    undefined,
                );
            }
            return { networkError: `${err.code ?? ""} ${err.message ?? String(e)}`.trim() };
        }
    }

    /** A request the deadline cut off, however slowly the tenant was still answering. */
    private deadlineError(method: string, path: string, opts: RequestOptions): DeadlineError {
        return new DeadlineError(
            `${opts.purpose}: ${method} ${path} was still unanswered (or still arriving) at the deadline ` +
                `(primavera:timeoutSeconds=${this.config.timeoutSeconds}) and was aborted.`,
        );
    }

    private async authorization(opts: RequestOptions): Promise<string> {
        if (this.config.authMode === "basic") return basic(this.config.username, this.config.password);
        return `Bearer ${await this.bearerToken(opts)}`;
    }

    /** One token per tenant and account, fetched once and shared by concurrent requests. */
    private async bearerToken(opts: RequestOptions): Promise<string> {
        // Renew a little before expiry (a tenth of the lifetime, at most 5 s); a token that still
        // expires in flight gets one 401, and request() renews it then.
        const margin = Math.min(5000, this.config.tokenExpirySeconds * 100);
        if (this.token && this.token.expiresAt > Date.now() + margin) return this.token.value;
        if (!this.tokenPending) {
            this.tokenPending = this.fetchToken(opts).finally(() => (this.tokenPending = undefined));
        }
        return this.tokenPending;
    }

    private async fetchToken(opts: RequestOptions): Promise<string> {
        const expiry = this.config.tokenExpirySeconds;
        const path = `${API_ROOT}/oauth2/token?tokenExpiry=${expiry}`;
        return waitFor<Sent, string>({
            deadline: opts.deadline,
            backoff: RETRY,
            maxAttempts: 6,
            signal: opts.signal,
            attempt: () =>
                this.exchange(
                    "GET",
                    path,
                    { Authorization: basic(this.config.username, this.config.password), Accept: "text/plain" },
                    { ...opts, body: undefined, purpose: "getting an OAuth token" },
                ),
            judge: ({ res, networkError }): Verdict<string> => {
                if (!res) return { retry: `network error (${networkError})` };
                if (res.status === 401 || res.status === 403)
                    return { fail: this.authError(res, "GET", `${API_ROOT}/oauth2/token`, "getting an OAuth token") };
                if (res.status === 200 && res.data.trim()) {
                    rememberSecret(res.data.trim());
                    this.token = { value: res.data.trim(), expiresAt: Date.now() + expiry * 1000 };
                    return { done: this.token.value };
                }
                return { retry: `HTTP ${res.status}` };
            },
            ended: ({ last }) =>
                new ApiError(
                    `getting an OAuth token from ${this.config.baseUrl}${API_ROOT}/oauth2/token failed; last answer: ${last}`,
                    undefined,
                ),
        });
    }

    private authError(res: AxiosResponse<string>, method: string, path: string, purpose: string): ApiError {
        const user = this.config.username;
        const server = excerpt(serverMessage(res.data), 200);
        if (res.status === 401) {
            return new ApiError(
                `${purpose}: the tenant ${this.config.baseUrl} refused the credentials of account '${user}' (HTTP 401 on ${method} ${path}${server ? `: ${server}` : ""}). ` +
                    `Check primavera:username and primavera:password (or PRIMAVERA_USERNAME / PRIMAVERA_PASSWORD)` +
                    (this.config.authMode === "oauth"
                        ? `, and that the tenant offers OAuth (only OCI-hosted tenants do; else use primavera:authMode=basic).`
                        : "."),
                401,
            );
        }
        return new ApiError(
            `${purpose}: account '${user}' is signed in but not allowed to do this (HTTP 403 on ${method} ${path}${server ? `: ${server}` : ""}). ` +
                `Managing users needs an account with the Primavera Administration "Cloud Administrator" (application administrator) privilege.`,
            403,
        );
    }
}

/**
 * The signal of one request: the caller's (or the process's shutdown) and the operation's
 * deadline together. axios's own timeout only measures silence, so a tenant that trickles a byte
 * at a time would otherwise keep a request alive past any deadline.
 */
function untilDeadline(opts: Pick<RequestOptions, "deadline" | "signal">): { signal: AbortSignal; expired(): boolean } {
    const deadline = AbortSignal.timeout(Math.max(1, opts.deadline - Date.now()));
    return { signal: AbortSignal.any([opts.signal ?? shutdownSignal(), deadline]), expired: () => deadline.aborted };
}

function basic(user: string, password: string): string {
    return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

/** The password and the Authorization value made of it are secrets no message may show. */
function rememberCredentials(config: ProviderConfig): void {
    rememberBasic(config.username, config.password);
}

function header(res: AxiosResponse, name: string): string | undefined {
    const v = res.headers[name];
    return v === undefined || v === null ? undefined : String(v);
}

function toResponse(res: AxiosResponse<string>, request: string, maxNodes = MAX_JSON_NODES): ApiResponse {
    const text = typeof res.data === "string" ? res.data : String(res.data ?? "");
    const parsed = parseBoundedJson(text, maxNodes);
    if ("tooManyNodes" in parsed) {
        throw new ApiError(
            `the answer to ${request} (${(text.length / 1024 / 1024).toFixed(1)} MiB) holds more than ${maxNodes} JSON values; ` +
                `refusing to parse it (no answer of this API to this request is that large).`,
            res.status,
        );
    }
    const json = parsed.json;
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(res.headers ?? {}))
        headers[k.toLowerCase()] = v === undefined || v === null ? undefined : String(v);
    return { status: res.status, headers, text, json };
}

/** The server's own words from an error body (JSON {exception, message}, or short plain text; a page of HTML is only described). */
export function serverMessage(body: unknown): string {
    if (typeof body === "string") {
        try {
            return serverMessage(JSON.parse(body));
        } catch {
            const text = body.trim();
            return /<[a-z!/]/i.test(text) ? `an HTML page of ${text.length} characters (not quoted)` : text;
        }
    }
    const parsed = errorBody.safeParse(body);
    if (!parsed.success) return "";
    const exception = parsed.data.exception?.trim() ?? "";
    const message = parsed.data.message?.trim() ?? "";
    // Servers often repeat one text in both fields: say it once.
    if (!message || exception.includes(message)) return exception;
    if (!exception || message.includes(exception)) return message;
    return `${exception}: ${message}`;
}
