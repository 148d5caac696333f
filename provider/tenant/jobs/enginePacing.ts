// The schedule for a Pulumi program's Users, whose operations the engine hands over one by one
// as its workers free up (each User is one engine step; the engine gets the next resource's
// operation only once a result comes back and is checkpointed).
//
// Two things make a plain quiet rule slow there. The engine does not hand over a burst: it sends
// operations a few ms apart at the pace of its checkpoints, so a job must wait for them (a job of
// one, and the rest a whole job later, is the worst case). And at the end of a program nothing
// more comes: waiting then only leaves the tenant idle. So, for engine steps:
// - a job goes at once when every step the engine keeps in flight waits here (JobPacing.allWaiting);
// - after a first job, a pause counts as the end only when the engine has shown nothing (no
//   result handed back, no check, no arrival) for a pause long next to its checkpoints
//   (EngineActivity);
// - when the engine turns a group of results round slower than the tenant runs a job, a job takes
//   half of what the engine keeps in flight, so one half is checkpointed while the other is in a
//   job (JobPacing.cap).
// A UserSet's operations come all at once from one step and get the quiet rule only.
import { EngineActivity } from "./engineActivity";
import { JobPacing } from "./pacing";
import { BatchSchedule, Decision, GATHER_MAX_MS, QUIET_MS, QueueView, waitOrGo } from "./schedule";

export class EnginePacedSchedule implements BatchSchedule {
    private readonly pacing = new JobPacing();
    private readonly activity = new EngineActivity();

    cap(view: QueueView): number {
        return view.waiting === view.steps ? this.pacing.cap(view.max) : view.max;
    }

    next(view: QueueView, now: number): Decision {
        const steps = view.waiting === view.steps;
        if (view.waiting >= this.cap(view) || (steps && this.pacing.allWaiting(view.waiting))) return { go: true };
        const jobMs = this.pacing.jobMs;
        // While operations keep coming, a gather ends after half a job: the rest go in the next one.
        const end = view.since + (jobMs === undefined ? GATHER_MAX_MS : Math.min(GATHER_MAX_MS, jobMs / 2));
        if (!steps || jobMs === undefined) return waitOrGo(now, view.lastArrival, QUIET_MS, end);
        return waitOrGo(now, now - this.activity.quietFor(now), this.activity.endAfterMs, end);
    }

    arrived(engineStep: boolean, stepsInFlight: number, now: number): void {
        if (!engineStep) return;
        this.pacing.arrived(stepsInFlight, now);
        this.activity.note(now);
    }

    checked(now: number): void {
        this.activity.note(now);
    }

    finished(steps: number, jobMs: number, stepsInFlight: number, now: number): void {
        this.pacing.finished(steps, jobMs, now);
        if (steps > 0) this.activity.delivered(this.pacing.allWaiting(stepsInFlight), now);
    }

    get shortestJobMs(): number | undefined {
        return this.pacing.shortestJobMs;
    }
}
