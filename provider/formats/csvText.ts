// CSV as RFC 4180 writes it, both ways: cells quoted when they hold a comma, a quote or a line
// break; a cell a spreadsheet would run as a formula disarmed with a leading `'` on the way out
// (OWASP's advice) and re-armed on the way in; control characters written escaped (a tenant's
// text must not drive a terminal).
import { escapeControls } from "../safety/redaction";

/** Cell starts that spreadsheets run as formulas. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell as written. */
export function csvCell(value: string): string {
    const safe = escapeControls(value, "\r\n");
    const s = FORMULA_START.test(safe) ? `'${safe}` : safe;
    return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text, a line each, ending with a newline. */
export function csvText(rows: string[][]): string {
    return rows.map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}

/** The rows of a CSV text (a BOM and blank lines skipped); cells trimmed, formulas re-armed. */
export function parseCsv(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let cell = "";
    let quoted = false;
    const src = text.replace(/^\uFEFF/, "");
    const endCell = () => {
        const t = quoted ? cell : cell.trim();
        row.push(/^'[=+\-@\t\r]/.test(t) ? t.slice(1) : t);
        cell = "";
        quoted = false;
    };
    for (let i = 0; i < src.length; i++) {
        const c = src[i];
        if (c === '"' && cell.trim() === "" && !quoted) {
            const end = closingQuote(src, i);
            cell = src.slice(i + 1, end).replace(/""/g, '"');
            quoted = true;
            i = end;
        } else if (c === ",") endCell();
        else if (c === "\n" || c === "\r") {
            if (c === "\r" && src[i + 1] === "\n") i++;
            endCell();
            if (row.some((x) => x !== "")) rows.push(row);
            row = [];
        } else if (!quoted) cell += c;
    }
    endCell();
    if (row.some((x) => x !== "")) rows.push(row);
    return rows;
}

/** The index of the quote that closes the quoted cell opened at `open` (a doubled quote is a quote). */
function closingQuote(src: string, open: number): number {
    for (let i = open + 1; i < src.length; i++) {
        if (src[i] !== '"') continue;
        if (src[i + 1] === '"') i++;
        else return i;
    }
    throw new Error(`a quoted cell opened at character ${open} is never closed`);
}
