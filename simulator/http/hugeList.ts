/**
 * The body of the `hugeList` fault switch's `GET /user`: about N bytes of a JSON array of empty
 * objects (`[{},{},…]`), or of text that is not JSON, as a lazy sequence of 64 KiB chunks that
 * reuse one buffer, so a body of many megabytes costs the simulator one chunk of memory.
 */
import { FaultConfig } from "../tenant/faults";

const CHUNK_BYTES = 64 * 1024;
/** `{},` repeated to just under CHUNK_BYTES (a whole number of entries). */
const ENTRIES = Buffer.from("{},".repeat(Math.floor(CHUNK_BYTES / 3)));
/** Starts with `<`, so no JSON parser takes any prefix of it. */
const GARBAGE_LINE = "<html><body>Service temporarily unavailable (this is not JSON)</body></html>\n";
const GARBAGE = Buffer.from(GARBAGE_LINE.repeat(Math.ceil(CHUNK_BYTES / GARBAGE_LINE.length))).subarray(0, CHUNK_BYTES);

type HugeListKind = NonNullable<FaultConfig["hugeList"]>["kind"];

/** The body's exact length and its chunks, for about `bytes` bytes of `kind`. */
export function hugeListBody(bytes: number, kind: HugeListKind): { length: number; chunks: Iterable<Buffer> } {
    if (kind === "garbage") return { length: bytes, chunks: repeated(GARBAGE, bytes) };
    // "[" + n-1 times "{}," + "{}]" is 3n + 1 bytes.
    const n = Math.floor((bytes - 1) / 3);
    if (n < 1) return { length: 2, chunks: [Buffer.from("[]")] };
    return { length: 3 * n + 1, chunks: entries(n) };
}

function* entries(n: number): Generator<Buffer> {
    yield Buffer.from("[");
    yield* repeated(ENTRIES, 3 * (n - 1));
    yield Buffer.from("{}]");
}

/** `total` bytes of `unit` repeated: whole units, then the first part of one. */
function* repeated(unit: Buffer, total: number): Generator<Buffer> {
    for (let left = total; left > 0; left -= unit.length) yield left >= unit.length ? unit : unit.subarray(0, left);
}
