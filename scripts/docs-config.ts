// Writes the configuration table from CONFIG_KEYS (provider/config/settings.ts) into README.md and
// docs/configuration.md, between the markers `<!-- config-table -->` and `<!-- /config-table -->`.
// `npm run docs:config`; test/provider/docs.test.ts and test/unit/docs/links.test.ts fail when a
// table is not current.
import fs from "node:fs";
import path from "node:path";
import { configTable } from "../provider/config/resolve";

/** The repository root, from the sources (scripts/) or the build (dist/scripts/). */
const ROOT = path.resolve(__dirname, "..", fs.existsSync(path.resolve(__dirname, "..", "README.md")) ? "" : "..");
export const README = path.join(ROOT, "README.md");
/** Every file that holds the generated table. */
export const TABLE_FILES = [README, path.join(ROOT, "docs", "configuration.md")];
const BEGIN = "<!-- config-table -->";
const END = "<!-- /config-table -->";

/** The text with the table between the markers replaced by the generated one. */
export function withConfigTable(readme: string): string {
    const start = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    if (start < 0 || end < start) throw new Error(`markers ${BEGIN} ... ${END} not found`);
    return `${readme.slice(0, start + BEGIN.length)}\n${configTable()}\n${readme.slice(end)}`;
}

if (require.main === module) {
    for (const file of TABLE_FILES) {
        const text = fs.readFileSync(file, "utf8");
        const next = withConfigTable(text);
        if (next !== text) fs.writeFileSync(file, next);
        const name = path.relative(ROOT, file);
        process.stdout.write(next !== text ? `${name}: configuration table updated\n` : `${name}: configuration table already current\n`);
    }
}
