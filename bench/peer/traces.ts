/**
 * Coverage measures for the benchmark: how many different interleavings, and how many
 * different Mazurkiewicz traces (interleavings up to swapping adjacent independent steps),
 * a set of executions reached. Any tool's execution is first turned into a decision list,
 * then replayed in the streamsim twin to learn each step's tracked accesses; fc.scheduler
 * cannot tell what its steps touched, so its executions are judged by the same replay.
 */
import {
  type Decision,
  decisionKind,
  type Params,
  ReplayStrategy,
  runOnce,
  type Scenario,
  type Strategy,
} from "../../sim/index.ts";

/** One executed step: its actor, whether it fired a timer, and what it read and wrote. */
interface StepAccesses {
  readonly actor: number;
  readonly timer: boolean;
  /** Data values chosen in the step: part of its identity. */
  readonly chosen: readonly number[];
  readonly reads: ReadonlySet<number>;
  readonly writes: ReadonlySet<number>;
}

/** Replays `decisions` and records every step's accesses. */
export function stepAccesses<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  decisions: readonly Decision[],
): StepAccesses[] {
  const replay = new ReplayStrategy(decisions);
  const steps: StepAccesses[] = [];
  let chosen: number[] = [];
  const recorder: Strategy = {
    name: "access-recorder",
    beginExecution: () => replay.beginExecution(),
    pickStep: (enabled, current, step) => replay.pickStep(enabled, current, step),
    pickChoice(n, label) {
      const v = replay.pickChoice(n, label);
      chosen.push(v);
      return v;
    },
    onStep(info) {
      const reads = new Set<number>();
      const writes = new Set<number>();
      for (const code of info.accesses) (code & 1 ? writes : reads).add(code >> 1);
      steps.push({
        actor: info.actor,
        timer: decisionKind(info.decision) === 1,
        chosen,
        reads,
        writes,
      });
      chosen = [];
    },
  };
  runOnce(scenario, params, recorder);
  return steps;
}

function dependent(a: StepAccesses, b: StepAccesses): boolean {
  if (a.actor === b.actor) return true;
  // Firing a timer moves the clock that every waiter reads: conservatively dependent.
  if (a.timer || b.timer) return true;
  for (const o of a.writes) if (b.reads.has(o) || b.writes.has(o)) return true;
  for (const o of b.writes) if (a.reads.has(o)) return true;
  return false;
}

/**
 * The lexicographic normal form of the execution's Mazurkiewicz trace: among the steps
 * whose dependent predecessors have all been emitted, always emit the one of the lowest
 * actor. Two executions have the same form exactly when they are the same trace.
 */
export function canonicalTrace(steps: readonly StepAccesses[]): string {
  const n = steps.length;
  const blockers: number[][] = [];
  for (let j = 0; j < n; j++) {
    const before: number[] = [];
    for (let i = 0; i < j; i++) {
      if (dependent(steps[i] as StepAccesses, steps[j] as StepAccesses)) before.push(i);
    }
    blockers.push(before);
  }
  const emitted = new Array<boolean>(n).fill(false);
  const out: string[] = [];
  for (let round = 0; round < n; round++) {
    let best = -1;
    for (let j = 0; j < n; j++) {
      if (emitted[j] || !(blockers[j] as number[]).every((i) => emitted[i])) continue;
      if (best < 0 || (steps[j] as StepAccesses).actor < (steps[best] as StepAccesses).actor) {
        best = j;
      }
    }
    emitted[best] = true;
    const s = steps[best] as StepAccesses;
    out.push(
      `${s.timer ? "t" : ""}${s.actor}${s.chosen.length > 0 ? `c${s.chosen.join("c")}` : ""}`,
    );
  }
  return out.join(".");
}

/**
 * Distinct interleavings and distinct traces among executions given as decision lists
 * (null: an execution abandoned before its end, which reached no interleaving).
 */
export function coverage<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  executions: readonly (readonly Decision[] | null)[],
): { readonly interleavings: number; readonly traces: number } {
  const interleavings = new Set<string>();
  const traces = new Set<string>();
  for (const decisions of executions) {
    if (decisions === null) continue;
    const key = decisions.join(".");
    if (interleavings.has(key)) continue;
    interleavings.add(key);
    traces.add(canonicalTrace(stepAccesses(scenario, params, decisions)));
  }
  return { interleavings: interleavings.size, traces: traces.size };
}
