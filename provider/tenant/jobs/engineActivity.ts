// Whether the engine is still working towards handing this tenant more operations, so that a
// gather can tell a pause for checkpoints (more operations coming) from the end of the program's
// resources (none coming).
//
// After a job's results are handed back, the engine checkpoints each of them, one after the other,
// and as each of its workers frees up it checks (UserProvider.check) the program's next resource and
// hands its operation over after one more checkpoint. So while the program has resources left,
// something shows every checkpoint or so: a result handed back, a check, an operation arriving.
// When it has none left, the checks stop: the operations that wait are the last ones, and waiting
// for more only leaves the tenant idle. Measured through the engine (300 Users, --parallel 64): the
// last job waited ~0.3 s (half a job) for operations that never came; the longest pause between
// two signals while more were coming was 31 ms, with checkpoints 5-16 ms apart.
//
// A pause taken for the end too early costs one more job (a part of the engine's operations go in a
// job of their own); one taken for a checkpoint when it was the end costs the gather's bound. So
// the pause that counts as the end is long next to a checkpoint: six times the typical gap between
// signals (which grows with the state), and never under QUIET_END_MS.
//
// Handing a job's results back is a signal too (the engine checkpoints them), except when the
// engine was idle before them: it had workers free (not every operation it had in flight waited on
// us) and, after turning the previous results round, showed nothing for that long pause. Its program
// had no resources left then, and checkpointing these results brings none: the operations that wait
// go at once. Measured through the engine (300 Users): the last job then started within a few ms of the
// one before it ended instead of ~170 ms. An engine still checkpointing the previous results (a huge
// state: no check or arrival since they were handed back) is not idle; the results count as before.

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
