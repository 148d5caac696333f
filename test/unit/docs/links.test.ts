// The docs stay true to the repository: every relative link resolves, and every repository file a
// doc names in backticks exists (no sockets).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..", "..");
/** Generated, not committed (typedoc's output). */
const GENERATED = ["docs/api/"];
/** Top folders whose files a doc may name. */
const NAMED = /`((?:provider|simulator|test|scripts|examples|docs)\/[A-Za-z0-9_./-]+)`/g;

function docs(): string[] {
    const inDocs = fs.existsSync(path.join(ROOT, "docs"))
        ? fs
              .readdirSync(path.join(ROOT, "docs"))
              .filter((f) => f.endsWith(".md"))
              .map((f) => path.join("docs", f))
        : [];
    return ["README.md", "CONTRIBUTING.md", "CHANGELOG.md", "simulator/README.md", ...inDocs].filter((f) =>
        fs.existsSync(path.join(ROOT, f)),
    );
}

describe("docs: links and named files", () => {
    for (const doc of docs()) {
        it(`${doc}: every relative link resolves and every named file exists`, () => {
            const text = fs.readFileSync(path.join(ROOT, doc), "utf8");
            const missing: string[] = [];
            for (const m of text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)) {
                const target = m[1];
                if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
                if (!fs.existsSync(path.resolve(path.dirname(path.join(ROOT, doc)), target))) missing.push(`link ${target}`);
            }
            // The CHANGELOG is history: it names files as they were.
            for (const m of doc === "CHANGELOG.md" ? [] : text.matchAll(NAMED)) {
                const file = m[1].replace(/[.,:;]+$/, "");
                if (GENERATED.some((g) => file.startsWith(g))) continue;
                if (!fs.existsSync(path.join(ROOT, file))) missing.push(`file ${file}`);
            }
            assert.deepEqual(missing, []);
        });
    }
});
