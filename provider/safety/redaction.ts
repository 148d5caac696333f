// One boundary for every message on its way out of the provider: errors (and the init errors the
// engine stores in the state), warnings, progress lines, check failures and the CLI's output. It
// knows every secret in play in this process (the configured password, the Authorization values
// and tokens sent with it, the user passwords in records being sent) and masks each with
// [secret]: as sent and in the forms a server may echo it back (base64, JSON-escaped,
// URL-encoded), and, word by word, in whatever a word decodes to (percent-encoding in any case,
// HTML entities, base64 even when cut or wrapped across lines), when it holds a piece of a
// secret. Tenant text is also made safe for a terminal: control, bidirectional and invisible
// characters are shown escaped, never acted on.
import { processWide } from "../process/processWide";

const MASK = "[secret]";
/** Shorter values would mask ordinary words; the tenant's own password policy asks for far longer ones. */
const MIN_SECRET_LENGTH = 4;
/** A piece this long of a secret, found in what a word decodes to, masks the word. */
const PIECE = 6;
/** What a terminal acts on instead of showing: C0 and C1 controls, DEL, bidirectional overrides, invisible and line-separator characters. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const BASE64_WORD = /^[A-Za-z0-9+/_-]{8,}={0,2}$/;

type Registry = { secrets: Set<string>; forms: Set<string> };

function registry(): Registry {
    return processWide("secrets", (): Registry => ({ secrets: new Set(), forms: new Set() }));
}

/** Remembers a secret in play, so no message shows it. */
export function rememberSecret(value: string | undefined): void {
    if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) return;
    const { secrets, forms } = registry();
    if (secrets.has(value)) return;
    secrets.add(value);
    for (const form of [value, Buffer.from(value).toString("base64"), JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])
        if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
}

/** The Basic credentials of `user`: the password is a secret, and so is the base64 of `user:password` (not the user name alone). */
export function rememberBasic(user: string, password: string): void {
    rememberSecret(password);
    const encoded = Buffer.from(`${user}:${password}`).toString("base64");
    if (password.length >= MIN_SECRET_LENGTH) registry().forms.add(encoded);
}

/** `text` with every secret masked and control characters escaped (newlines and tabs kept: messages use them). */
export function redact(text: string): string {
    return escapeControls(maskWords(maskForms(text)), "\n\t");
}

/** Tenant text quoted inside a message: redacted, every control character (line breaks too) escaped, cut to `max`. */
export function quoteTenant(text: string, max: number): string {
    const s = escapeControls(maskWords(maskForms(text)), "");
    return s.length > max ? `${s.slice(0, max)}...` : s;
}

/** `text` with its control characters written as `\uXXXX`, but those in `keep`. */
export function escapeControls(text: string, keep: string): string {
    return text.replace(CONTROL, (c) => (keep.includes(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

function maskForms(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    const forms = [...registry().forms].sort((a, b) => b.length - a.length);
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(MASK);
    return out;
}

/** Masks each word that decodes to something holding a piece of a secret; a base64 run wrapped across lines goes with it. */
function maskWords(text: string): string {
    const secrets = [...registry().secrets];
    if (secrets.length === 0) return text;
    const parts = text.split(/(\s+)/);
    // The word itself was matched against the exact forms: only what it decodes to is searched for pieces.
    const masked = parts.map((w) => w.length >= PIECE && decodings(w).some((d) => d !== w && holdsPiece(d, secrets)));
    // The words of a base64 run next to a masked one (a wrapped echo) are part of it.
    for (let pass = 0; pass < 2; pass++)
        for (let i = 0; i < parts.length; i += 2) {
            if (masked[i] || !BASE64_WORD.test(parts[i])) continue;
            if ((i >= 2 && masked[i - 2] && BASE64_WORD.test(parts[i - 2])) || (masked[i + 2] && BASE64_WORD.test(parts[i + 2])))
                masked[i] = true;
        }
    return parts.map((w, i) => (masked[i] ? MASK : w)).join("");
}

/** What a word may stand for: itself, percent-decoded, HTML-decoded, base64-decoded. */
function decodings(word: string): string[] {
    const out = [word];
    const percent = safe(() => decodeURIComponent(word.replace(/\+/g, " ")));
    if (percent !== undefined && percent !== word) out.push(percent);
    const html = word
        .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
        .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
        .replace(/&quot;/g, '"')
        .replace(/&apos;|&#39;/g, "'")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&amp;/g, "&");
    if (html !== word) out.push(html);
    const b64 = word.replace(/[^A-Za-z0-9+/_-]/g, "");
    if (b64.length >= 8) for (let shift = 0; shift < 4; shift++) out.push(Buffer.from(b64.slice(shift), "base64").toString("latin1"));
    return out;
}

function holdsPiece(text: string, secrets: string[]): boolean {
    return secrets.some((s) => {
        const n = Math.min(PIECE, s.length);
        for (let i = 0; i + n <= s.length; i++) if (text.includes(s.slice(i, i + n))) return true;
        return false;
    });
}

function safe<T>(fn: () => T): T | undefined {
    try {
        return fn();
    } catch {
        return undefined;
    }
}

/** The error with its message, stack and init-error reasons redacted (the same object, for its type and fields). */
export function redactError<E>(e: E): E {
    if (!(e instanceof Error)) return (typeof e === "string" ? redact(e) : e) as E;
    e.message = redact(e.message);
    if (typeof e.stack === "string") e.stack = redact(e.stack);
    const reasons = (e as { reasons?: unknown }).reasons;
    if (Array.isArray(reasons)) (e as { reasons?: unknown[] }).reasons = reasons.map((r) => (typeof r === "string" ? redact(r) : r));
    return e;
}

/** Runs `fn`; whatever it throws leaves redacted. */
export async function redacting<T>(fn: () => Promise<T>): Promise<T> {
    try {
        return await fn();
    } catch (e) {
        throw redactError(e);
    }
}
