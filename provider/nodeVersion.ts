// The Node.js line this package needs (package.json `engines`), said at load time: an older Node
// gets a warning, not an error, because tools that only load the package (a test runner, a script)
// may run there while the program and its plugin run on Node 22.
export const NODE_MAJOR_MIN = 22;

/** The warning for a Node.js `version` (e.g. "v20.20.2") older than the package needs; undefined when it is new enough. */
export function nodeVersionWarning(version: string): string | undefined {
    const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
    if (!Number.isFinite(major) || major >= NODE_MAJOR_MIN) return undefined;
    return (
        `pulumi-primavera-admin needs Node.js ${NODE_MAJOR_MIN} or later; this is ${version}. ` +
        `Install Node.js ${NODE_MAJOR_MIN} and run \`pulumi\` from a shell where \`node --version\` shows it (@pulumi/pulumi 3.250+ needs it too).`
    );
}

/** Warns once per process when the running Node.js is too old. */
export function warnOnOldNode(version: string = process.version): void {
    const warning = nodeVersionWarning(version);
    if (warning) process.emitWarning(warning, { code: "PRIMAVERA_NODE_VERSION" });
}
