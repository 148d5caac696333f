// Writes the README's configuration table from CONFIG_KEYS (provider/config.ts), between the
// markers `<!-- config-table -->` and `<!-- /config-table -->`. `npm run docs:config`; the test
// test/provider/docs.test.ts fails when the README is not current.
import fs from "node:fs";
import path from "node:path";
import { configTable } from "../provider/config/resolve";

export const README = path.resolve(__dirname, "..", fs.existsSync(path.resolve(__dirname, "..", "README.md")) ? "" : "..", "README.md");
const BEGIN = "<!-- config-table -->";
const END = "<!-- /config-table -->";

/** The README with the table between the markers replaced by the generated one. */
export function withConfigTable(readme: string): string {
    const start = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    if (start < 0 || end < start) throw new Error(`README.md: markers ${BEGIN} ... ${END} not found`);
    return `${readme.slice(0, start + BEGIN.length)}\n${configTable()}\n${readme.slice(end)}`;
}

if (require.main === module) {
    const readme = fs.readFileSync(README, "utf8");
    const next = withConfigTable(readme);
    if (next !== readme) fs.writeFileSync(README, next);
    process.stdout.write(next !== readme ? "README.md: configuration table updated\n" : "README.md: configuration table already current\n");
}
