/**
 * Accounts, HTTP Basic checks and OAuth tokens.
 *
 * Accounts: administrators (read and write; the main one and any others) and a read-only one
 * (writes get 403).
 * Tokens are opaque random strings handed out by `GET /oauth2/token?tokenExpiry=N`; the
 * simulator keeps them in memory only (a restart invalidates them). Which check a request
 * needs (Basic on v1/v2 and the token route, Bearer on v3) is decided in server.ts.
 */
import * as crypto from "node:crypto";

export interface Principal {
    username: string;
    readOnly: boolean;
}

export interface Account extends Principal {
    password: string;
}

export type BearerCheck = { ok: true; principal: Principal } | { ok: false; reason: "missing" | "invalid" | "expired" };

/** Token lifetime when `tokenExpiry` is not given, in seconds. */
export const DEFAULT_TOKEN_EXPIRY_S = 3600;
const TOKENS_KEPT = 10_000;

export class Auth {
    private readonly accounts: { principal: Principal; userDigest: Buffer; passDigest: Buffer }[];
    private readonly tokens = new Map<string, { principal: Principal; expiresAt: number }>();
    /** Every token issued since start (most recent last, at most TOKENS_KEPT): `GET /__sim/tokens`, so tests can prove none leaks. */
    readonly issued: string[] = [];

    constructor(accounts: Account[]) {
        this.accounts = accounts.map((a) => ({
            principal: { username: a.username, readOnly: a.readOnly },
            userDigest: digest(a.username),
            passDigest: digest(a.password),
        }));
    }

    /** Checks an `Authorization: Basic ...` header; undefined when absent or wrong. */
    basic(header: string | undefined): Principal | undefined {
        const m = /^Basic\s+(\S+)\s*$/i.exec(header ?? "");
        if (!m) return undefined;
        const decoded = Buffer.from(m[1], "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        if (colon < 0) return undefined;
        const user = digest(decoded.slice(0, colon));
        const pass = digest(decoded.slice(colon + 1));
        let found: Principal | undefined;
        for (const a of this.accounts) {
            // Compare every account in constant time; no early exit.
            const ok = crypto.timingSafeEqual(user, a.userDigest) && crypto.timingSafeEqual(pass, a.passDigest);
            if (ok && !found) found = a.principal;
        }
        return found;
    }

    issueToken(principal: Principal, expirySeconds: number): string {
        const now = Date.now();
        for (const [t, v] of this.tokens) if (v.expiresAt <= now) this.tokens.delete(t);
        const token = crypto.randomBytes(32).toString("base64url");
        this.tokens.set(token, { principal, expiresAt: now + expirySeconds * 1000 });
        this.issued.push(token);
        if (this.issued.length > TOKENS_KEPT) this.issued.shift();
        return token;
    }

    /** Checks an `Authorization: Bearer ...` header. */
    bearer(header: string | undefined): BearerCheck {
        if (!header) return { ok: false, reason: "missing" };
        const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (!m) return { ok: false, reason: "invalid" };
        const t = this.tokens.get(m[1]);
        if (!t) return { ok: false, reason: "invalid" };
        if (t.expiresAt <= Date.now()) return { ok: false, reason: "expired" };
        return { ok: true, principal: t.principal };
    }
}

function digest(s: string): Buffer {
    return crypto.createHash("sha256").update(s).digest();
}
