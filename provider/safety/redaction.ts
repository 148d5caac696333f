// One boundary for every message on its way out of the provider: errors (and the init errors the
// engine stores in the state), warnings, progress lines and the CLI's output. It knows every
// secret in play in this process (the configured password, the Authorization values and tokens
// sent with it, the user passwords in records being sent) and replaces each, in every form a
// server might echo it back (as sent, base64, JSON-escaped, URL-encoded), with [secret]. Tenant
// text is also made safe for a terminal: control characters are shown escaped, never acted on.
const SECRETS = Symbol.for("pulumi-primavera-admin.secrets");
const MASK = "[secret]";
/** Shorter values would mask ordinary words; the tenant's own password policy asks for far longer ones. */
const MIN_SECRET_LENGTH = 4;
/** C0 and C1 control characters and DEL: what a terminal acts on instead of showing. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

type Registry = { forms: Set<string> };

function registry(): Registry {
    const g: typeof globalThis & { [SECRETS]?: Registry } = globalThis;
    return (g[SECRETS] ??= { forms: new Set() });
}

/** Remembers a secret in play, so no message shows it. */
export function rememberSecret(value: string | undefined): void {
    if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH) return;
    const { forms } = registry();
    if (forms.has(value)) return;
    for (const form of [value, Buffer.from(value).toString("base64"), JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])
        if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
}

/** `text` with every known secret masked and control characters escaped. */
export function redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    const forms = [...registry().forms].sort((a, b) => b.length - a.length);
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(MASK);
    return escapeControls(out, "\n\t");
}

/** `text` with its control characters written as `\uXXXX`, but those in `keep`. */
export function escapeControls(text: string, keep: string): string {
    return text.replace(CONTROL, (c) => (keep.includes(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
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
