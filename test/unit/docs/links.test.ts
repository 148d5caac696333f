// The docs stay true to the repository: every relative link resolves (with its heading, when it
// names one), every repository file a doc names in backticks exists, code comments that cite a doc
// cite a file and heading that exist, the architecture page lists the directories there are, and
// the generated configuration tables are current. No sockets.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { TABLE_FILES, withConfigTable } from "../../../scripts/docs-config";

const ROOT = path.resolve(__dirname, "..", "..", "..");
/** Generated, not committed (typedoc's output). */
const GENERATED = ["docs/api/"];
/** Top folders whose files a doc may name. */
const NAMED = /`((?:provider|simulator|test|scripts|examples|docs)\/[A-Za-z0-9_./-]+)`/g;
/** A doc cited from code: `docs/performance.md` or `docs/performance.md#the-runners-bounds`. */
const CITED = /\bdocs\/([A-Za-z0-9_-]+\.md)(#[a-z0-9_-]+)?/g;
/** The folders whose code comments may cite docs. */
const CODE = ["provider", "scripts"];

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

/** The markdown without its fenced code blocks (a `#` line there is a shell comment, not a heading). */
function prose(text: string): string {
    let fenced = false;
    return text
        .split("\n")
        .filter((line) => {
            if (/^\s*(```|~~~)/.test(line)) {
                fenced = !fenced;
                return false;
            }
            return !fenced;
        })
        .join("\n");
}

/** The anchors of a markdown file's headings, as GitHub makes them (repeats get -1, -2, ...). */
export function anchors(text: string): Set<string> {
    const seen = new Map<string, number>();
    const out = new Set<string>();
    for (const m of prose(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
        const base = m[1]
            .toLowerCase()
            .replace(/<[^>]+>/g, "")
            .replace(/[^\p{L}\p{N}\s_-]/gu, "")
            .replace(/\s/g, "-");
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        out.add(n === 0 ? base : `${base}-${n}`);
    }
    return out;
}

/** What is wrong with a link to `target` (a path relative to `from`'s folder) and `anchor` ("#x" or undefined). */
function linkProblem(from: string, target: string, anchor: string | undefined): string | undefined {
    const file = target === "" ? from : path.resolve(path.dirname(from), target);
    if (!fs.existsSync(file)) return `link ${target}: no such file`;
    if (!anchor || !file.endsWith(".md")) return undefined;
    return anchors(fs.readFileSync(file, "utf8")).has(anchor.slice(1)) ? undefined : `link ${target}${anchor}: no such heading`;
}

function codeFiles(dir: string): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) return codeFiles(rel);
        return /\.(ts|js|mjs|cjs)$/.test(e.name) || !e.name.includes(".") ? [rel] : [];
    });
}

function directories(dir: string): string[] {
    return [
        dir,
        ...fs
            .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
            .filter((e) => e.isDirectory())
            .flatMap((e) => directories(path.join(dir, e.name))),
    ];
}

describe("docs: links and named files", () => {
    for (const doc of docs()) {
        it(`${doc}: every relative link resolves and every named file exists`, () => {
            const file = path.join(ROOT, doc);
            const text = prose(fs.readFileSync(file, "utf8"));
            const missing: string[] = [];
            for (const m of text.matchAll(/\]\(([^)\s#]*)(#[^)\s]*)?\)/g)) {
                const target = m[1];
                if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
                const problem = linkProblem(file, target, m[2]);
                if (problem) missing.push(problem);
            }
            // The CHANGELOG is history: it names files as they were.
            for (const m of doc === "CHANGELOG.md" ? [] : text.matchAll(NAMED)) {
                const named = m[1].replace(/[.,:;]+$/, "");
                if (GENERATED.some((g) => named.startsWith(g))) continue;
                if (!fs.existsSync(path.join(ROOT, named))) missing.push(`file ${named}`);
            }
            assert.deepEqual(missing, []);
        });
    }

    it("every doc a code comment under provider/ or scripts/ cites exists, with the heading it names", () => {
        const missing: string[] = [];
        for (const file of CODE.flatMap(codeFiles)) {
            for (const m of fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(CITED)) {
                const problem = linkProblem(path.join(ROOT, "docs", "x.md"), m[1], m[2]);
                if (problem) missing.push(`${file}: ${problem.replace(/^link /, "docs/")}`);
            }
        }
        assert.deepEqual(missing, []);
    });

    it("docs/architecture.md lists every directory of provider/, simulator/, scripts/ and test/, and no other", () => {
        const text = fs.readFileSync(path.join(ROOT, "docs", "architecture.md"), "utf8");
        const listed = [...text.matchAll(/^((?:provider|simulator|scripts|test)(?:\/[A-Za-z0-9_.-]+)*)\/\s/gm)].map((m) => m[1]).sort();
        const actual = ["provider", "simulator", "scripts", "test"].flatMap(directories).sort();
        assert.deepEqual(listed, actual);
    });

    for (const file of TABLE_FILES) {
        it(`${path.relative(ROOT, file)}: the configuration table is CONFIG_KEYS rendered (\`npm run docs:config\` rewrites it)`, () => {
            const text = fs.readFileSync(file, "utf8");
            assert.equal(text, withConfigTable(text));
        });
    }
});

describe("docs: heading anchors", () => {
    it("are made as GitHub makes them", () => {
        const text = "# `User` or `UserSet`?\n```sh\n# a comment\n```\n## The runner's bounds\n## Notes\n## Notes\n";
        assert.deepEqual([...anchors(text)], ["user-or-userset", "the-runners-bounds", "notes", "notes-1"]);
    });
});
