import {
  type Decision,
  decisionSubject,
  type ExecutionLimits,
  execute,
  type Json,
  type Params,
  parseSchedule,
  ReplayStrategy,
  type Scenario,
  type StepInfo,
  type Strategy,
  stepOf,
  type Trace,
  World,
} from "../../sim/index.ts";

/**
 * What a trace file does not record but a replay can tell: the exact preemptions and the
 * objects' initial state. Pass it as the `extra` argument of layoutFromTrace / the report
 * when the scenario is at hand (the CLI has it); without it the report infers preemptions
 * from the trace alone (see inferPreemptions) and shows objects as "not yet written" until
 * their first write.
 */
export interface TraceInsight {
  /** Indices of steps that preempted the actor of the previous step (engine's rule, exact). */
  readonly preemptions: readonly number[];
  /** Every object's state after the scenario's setup, before step 0. */
  readonly initial_state: { readonly [object: string]: Json };
}

/**
 * Replays a trace's schedule against its scenario and records, for each step, whether the
 * previous actor was still enabled when another ran: the engine's own preemption rule
 * (`execute` counts exactly these), so the marks agree with the trace's `preemptions` count.
 */
export function replayInsight<P extends Params>(
  scenario: Scenario<P>,
  trace: Trace,
  limits?: ExecutionLimits,
): TraceInsight {
  const schedule = parseSchedule(trace.schedule);
  const observer = new PreemptionObserver(new ReplayStrategy(schedule.decisions));
  observer.beginExecution(0);
  // runOnce would hide the world between setup and the first step; we need that moment to
  // snapshot the initial state, so this does runOnce's two calls itself.
  const world = new World(observer, { tracing: false });
  scenario.setup(world, trace.params as P);
  const initial_state = world.snapshotObjects();
  execute(world, observer, limits ?? scenario.limits ?? {});
  return { preemptions: observer.preemptions, initial_state };
}

/**
 * The trace-only approximation, used when no replay is available. A step i is marked when a
 * different actor ran than at step i-1 and the actor of step i-1 ran again later with a
 * plain step (not a timer firing). Why this rule: an actor whose next step is a timer firing
 * was asleep, so it could not have run; one whose next step is a plain step was either
 * runnable or blocked on a predicate that later held, and the trace cannot tell these apart.
 * It therefore may over-mark (a blocked actor) and under-mark (an actor that was runnable
 * but never ran again because the execution stopped at a violation); replayInsight is exact.
 */
export function inferPreemptions(trace: Trace): number[] {
  const steps = trace.steps;
  // nextOf[i] = index of the next step of steps[i]'s actor, or -1: one backward pass.
  const nextOf = new Array<number>(steps.length).fill(-1);
  const lastSeen = new Map<number, number>();
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i];
    if (s === undefined) continue;
    nextOf[i] = lastSeen.get(s.actor) ?? -1;
    lastSeen.set(s.actor, i);
  }
  const out: number[] = [];
  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1];
    const cur = steps[i];
    if (prev === undefined || cur === undefined || prev.actor === cur.actor) continue;
    const next = nextOf[i - 1] ?? -1;
    if (next > i && steps[next]?.kind === "step") out.push(i);
  }
  return out;
}

/** Wraps a strategy and notes the steps at which it switched away from an enabled actor. */
class PreemptionObserver implements Strategy {
  readonly name: string;
  readonly preemptions: number[] = [];

  constructor(private readonly inner: Strategy) {
    this.name = inner.name;
  }

  beginExecution(index: number): boolean {
    return this.inner.beginExecution(index);
  }

  pickStep(enabled: readonly Decision[], current: number, step: number): number {
    const pick = this.inner.pickStep(enabled, current, step);
    const chosen = enabled[pick];
    if (
      chosen !== undefined &&
      current >= 0 &&
      decisionSubject(chosen) !== current &&
      enabled.includes(stepOf(current))
    ) {
      this.preemptions.push(step);
    }
    return pick;
  }

  pickChoice(n: number, label: string): number {
    return this.inner.pickChoice(n, label);
  }

  onStep(info: StepInfo): void {
    this.inner.onStep?.(info);
  }
}
