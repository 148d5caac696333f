// When a pause in the engine's signals is the end of its operations: the rule alone, short real delays.
import assert from "node:assert/strict";
import { EngineActivity, QUIET_END_MS } from "pulumi-primavera-admin/provider/tenant/jobs/engineActivity";

describe("engine activity (when a pause in the engine's signals is the end of its operations)", () => {
    it(`takes a pause of six typical gaps between signals for the end, never under ${QUIET_END_MS} ms; waiting for us is not a gap`, () => {
        const a = new EngineActivity();
        assert.equal(a.endAfterMs, QUIET_END_MS, "nothing seen yet");
        // Checkpoints 5 ms apart (300 resources in state): the floor holds.
        for (let t = 0; t <= 500; t += 5) a.note(t);
        assert.equal(a.endAfterMs, QUIET_END_MS);
        assert.equal(a.quietFor(560), 60);
        // The state grows: checkpoints 40 ms apart (thousands of resources); the pause grows with them.
        for (let t = 600; t <= 3_000; t += 40) a.note(t);
        assert.ok(a.endAfterMs > 200 && a.endAfterMs <= 240, `${a.endAfterMs} ms`);
        // A second of waiting for a job (all operations with us) is not a checkpoint: left out.
        const before = a.endAfterMs;
        a.note(4_000);
        assert.equal(a.endAfterMs, before);
        // A signal stamped before the last one (a timer's clock) never moves the last one back.
        a.note(3_500);
        assert.equal(a.quietFor(4_010), 10);
    });

    it("results handed back are a signal, unless the engine was idle before them: workers free, and nothing since it turned the last results round", () => {
        const working = () => {
            const a = new EngineActivity();
            for (let t = 0; t <= 300; t += 5) a.note(t); // the first operations arrive
            return a;
        };
        // Every operation it had was waiting on us: it could only wait. It checkpoints now.
        const blocked = working();
        blocked.delivered(true, 900);
        assert.equal(blocked.quietFor(900), 0);

        // Workers free, and quiet for 600 ms since its last operation: its program had no more.
        const idle = working();
        idle.delivered(false, 900);
        assert.ok(idle.quietFor(900) >= idle.endAfterMs, "the operations that wait go at once");

        // Workers free, but an operation came 20 ms before the results: still working.
        const busy = working();
        busy.note(880);
        busy.delivered(false, 900);
        assert.equal(busy.quietFor(900), 0);

        // Results handed back, then nothing at all until the next results: the engine is still
        // checkpointing the first ones (a huge state), not idle.
        const slow = working();
        slow.delivered(true, 900);
        slow.delivered(false, 1_500);
        assert.equal(slow.quietFor(1_500), 0);
        // Once it has turned them round (an arrival) and gone quiet again, it is idle.
        slow.note(1_600);
        slow.delivered(false, 2_200);
        assert.ok(slow.quietFor(2_200) >= slow.endAfterMs);
    });
});
