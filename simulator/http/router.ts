/**
 * The small router both route tables use (vendor routes in apiRoutes.ts, control routes in
 * simRoutes.ts). A route is a method and a path template with `{name}` parameters; matching a
 * path gives the route with its decoded parameters, the template of the first route whose path
 * matches (the stats key, even when the method is wrong), and the methods that path allows.
 */

export interface Route<H> {
    method: string;
    template: string;
    pattern: RegExp;
    paramNames: string[];
    handler: H;
}

export interface Match<H> {
    /** The route of this method and path; absent when none. */
    route?: Route<H>;
    /** The template of the matched route, else of the first route whose path matches. */
    template?: string;
    params: Record<string, string>;
    /** Methods of the routes whose path matches but whose method does not (before the match). */
    allow: string[];
}

export function route<H>(method: string, template: string, handler: H): Route<H> {
    const paramNames: string[] = [];
    const source = template.replace(/\{(\w+)\}/g, (_, n: string) => {
        paramNames.push(n);
        return "([^/]+)";
    });
    return { method, template, pattern: new RegExp(`^${source}$`), paramNames, handler };
}

/** The first route of `routes` (in order) for `method` and `path`; parameters are URI-decoded. */
export function match<H>(routes: readonly Route<H>[], method: string, path: string): Match<H> {
    const allow: string[] = [];
    let template: string | undefined;
    for (const r of routes) {
        const m = r.pattern.exec(path);
        if (!m) continue;
        template ??= r.template;
        if (r.method !== method) {
            allow.push(r.method);
            continue;
        }
        const params: Record<string, string> = {};
        r.paramNames.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
        return { route: r, template: r.template, params, allow };
    }
    return { template, params: {}, allow };
}
