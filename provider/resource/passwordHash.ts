// The salted HMAC that detects a change of a write-only password without keeping the password
// (the \`passwordHash\` output, itself a secret).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export function hashPassword(password: string, salt = randomBytes(12).toString("base64url")): string {
    return `hmac-sha256:${salt}:${createHmac("sha256", salt).update(password).digest("base64url")}`;
}

export function passwordMatches(password: string, stored: string | undefined): boolean {
    if (!stored) return false;
    const [scheme, salt] = stored.split(":");
    if (scheme !== "hmac-sha256" || !salt) return false;
    const a = Buffer.from(hashPassword(password, salt));
    const b = Buffer.from(stored);
    return a.length === b.length && timingSafeEqual(a, b);
}
