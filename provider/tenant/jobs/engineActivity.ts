// Whether the engine is still working towards handing this tenant more operations, so that a
// gather can tell a pause for checkpoints (more operations coming) from the end of the program's
// resources (none coming): waiting for operations that never come leaves the tenant idle.
//
// While the program has resources left, the engine shows something every checkpoint or so (a
// result handed back, a check, an operation arriving); once it has none, the checks stop. A pause
// taken for the end too early costs one more job, one taken for a checkpoint costs the gather's
// bound, so the end is a pause long next to the typical gap between signals.
//
// Results handed back to an engine that was idle before them (workers free, nothing shown for that
// long pause) bring no new operations, so the operations that wait then go at once.
// docs/performance.md#the-end-of-the-engines-operations has the measurements behind these bounds.

/** The shortest pause in the engine's signals taken for the end of its operations. */
export const QUIET_END_MS = 80;
/** That many typical gaps between signals. */
const GAPS = 6;
/** Gaps longer than this are the engine waiting for us, not a checkpoint: left out of the typical gap. */
const WORKING_GAP_MS = 250;
/** Weight of the newest gap in the running average. */
const ALPHA = 0.1;

export class EngineActivity {
    private last = -Infinity;
    private typicalGapMs: number | undefined;
    /** The engine showed something other than results handed back since the last results were. */
    private turnedRound = true;

    /** The engine showed it is working on this tenant's resources (a result handed back, a check, an operation). */
    note(now = performance.now()): void {
        const gap = now - this.last;
        if (gap >= 0 && gap < WORKING_GAP_MS)
            this.typicalGapMs = this.typicalGapMs === undefined ? gap : this.typicalGapMs + ALPHA * (gap - this.typicalGapMs);
        this.last = Math.max(this.last, now);
        this.turnedRound = true;
    }

    /**
     * A job's results were just handed back to the engine. `allWaiting`: every operation the engine
     * had in flight was waiting on us (it could do nothing but wait). Counts as a signal unless the
     * engine was idle before them (above).
     */
    delivered(allWaiting: boolean, now = performance.now()): void {
        const idle = !allWaiting && this.turnedRound && this.quietFor(now) >= this.endAfterMs;
        if (!idle) this.note(now);
        this.turnedRound = false;
    }

    /** How long nothing has shown (ms). */
    quietFor(now = performance.now()): number {
        return now - this.last;
    }

    /** A pause this long means the engine has nothing more coming for now (ms). */
    get endAfterMs(): number {
        return Math.max(QUIET_END_MS, GAPS * (this.typicalGapMs ?? 0));
    }
}
