// The logins that stacks manage, read from the files `pulumi stack export` writes: a User's
// `loginId`, a UserSet's member logins. A login stored as a secret can only be read from an
// export made with `--show-secrets`; such resources are counted apart, never guessed.
import { z } from "zod";

const USER_TYPE = /^pulumi-nodejs:dynamic\/primavera-admin:User$/;
const USER_SET_TYPE = /^pulumi-nodejs:dynamic\/primavera-admin:UserSet$/;

const resource = z.object({ urn: z.string(), type: z.string(), outputs: z.record(z.string(), z.unknown()).optional() }).loose();
const stackExport = z.object({ deployment: z.object({ resources: z.array(resource).nullish() }).loose() }).loose();

export interface Managed {
    /** Exact logins (the login identity rule: case matters). */
    logins: Set<string>;
    /** URNs of resources whose logins are secrets in the export (export with --show-secrets). */
    unreadable: string[];
}

/** What the exports manage; throws naming the file whose content is not a stack export. */
export function managedLogins(files: { name: string; text: string }[]): Managed {
    const out: Managed = { logins: new Set(), unreadable: [] };
    for (const file of files) {
        let json: unknown;
        try {
            json = JSON.parse(file.text);
        } catch {
            throw new Error(`${file.name}: not JSON (give the file \`pulumi stack export\` writes)`);
        }
        const parsed = stackExport.safeParse(json);
        if (!parsed.success) throw new Error(`${file.name}: not a \`pulumi stack export\` file (no deployment.resources)`);
        for (const r of parsed.data.deployment.resources ?? []) add(out, r);
    }
    return out;
}

function add(out: Managed, r: z.infer<typeof resource>): void {
    if (USER_TYPE.test(r.type)) {
        const login = plain(r.outputs?.loginId);
        if (typeof login === "string") out.logins.add(login);
        else out.unreadable.push(r.urn);
    } else if (USER_SET_TYPE.test(r.type)) {
        const users = plain(r.outputs?.users);
        if (users && typeof users === "object" && !Array.isArray(users)) for (const login of Object.keys(users)) out.logins.add(login);
        else if (users !== undefined) out.unreadable.push(r.urn);
    }
}

/** A value as stored: itself, or a secret's plaintext when the export shows secrets; undefined when encrypted. */
function plain(value: unknown): unknown {
    if (!value || typeof value !== "object" || !("4dabf18193072939515e22adb298388d" in value)) return value;
    const text = (value as { plaintext?: unknown }).plaintext;
    if (typeof text !== "string") return undefined;
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}
