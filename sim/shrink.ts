import type { ExecutionLimits, ExecutionResult } from "./execute.ts";
import { runOnce } from "./runner.ts";
import type { Scenario } from "./scenario.ts";
import { checkScheduleScenario, type Schedule } from "./schedule.ts";
import { ChoicesStrategy, choiceForIndex } from "./strategies/choices.ts";
import { ReplayStrategy } from "./strategies/replay.ts";
import type { Strategy } from "./strategy.ts";
import type { Decision, Outcome, Params } from "./types.ts";

/**
 * Converts any recorded schedule into the equivalent `choices` numbers, so that it can be
 * shrunk like a fast-check generated one. Trailing zeros are dropped.
 */
export function scheduleToChoices<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  decisions: readonly Decision[],
  limits?: ExecutionLimits,
): number[] {
  const replay = new ReplayStrategy(decisions);
  const numbers: number[] = [];
  const recorder: Strategy = {
    name: "replay-to-choices",
    beginExecution: () => replay.beginExecution(),
    pickStep(enabled, current, step) {
      const index = replay.pickStep(enabled, current, step);
      numbers.push(choiceForIndex(enabled, current, index));
      return index;
    },
    pickChoice(n, label) {
      const v = replay.pickChoice(n, label);
      numbers.push(v);
      return v;
    },
  };
  runOnce(scenario, params, recorder, limits ? { limits } : {});
  while (numbers.length > 0 && numbers[numbers.length - 1] === 0) numbers.pop();
  return numbers;
}

/** Runs one execution from `choices` numbers. */
export function runChoices<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  numbers: readonly number[],
  options: { readonly trace?: boolean; readonly limits?: ExecutionLimits } = {},
): ExecutionResult {
  const r = runOnce(scenario, params, new ChoicesStrategy(numbers), options);
  if (r === null) throw new Error("a fresh choices strategy refused to start");
  return r;
}

export interface ShrinkOptions {
  /** Upper bound on executions tried. Default 5,000. */
  readonly max_attempts?: number;
  readonly limits?: ExecutionLimits;
  /**
   * Which outcomes count as "the same failure". Default: the same outcome kind and, for a
   * violation, the same property.
   */
  readonly same?: (original: Outcome, candidate: Outcome) => boolean;
}

export interface ShrinkResult<P extends Params> {
  readonly params: P;
  readonly schedule: Schedule;
  readonly choices: readonly number[];
  readonly outcome: Outcome;
  readonly steps: number;
  readonly preemptions: number;
  readonly attempts: number;
  /** True when `max_attempts` ended the search: the result may shrink further. */
  readonly capped: boolean;
  /** Steps and preemptions before shrinking, for reports. */
  readonly before: { readonly steps: number; readonly preemptions: number };
}

export function sameFailure(a: Outcome, b: Outcome): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== "violation" || (b.kind === "violation" && a.property === b.property);
}

interface Candidate<P extends Params> {
  readonly params: P;
  readonly choices: readonly number[];
  readonly result: ExecutionResult;
}

/**
 * Minimises a failing schedule: fewer steps first, then fewer preemptions, then smaller
 * `choices` numbers; scenario parameters shrink too when the scenario offers smaller ones.
 * Greedy and deterministic: the same input always shrinks to the same output.
 */
export function shrinkSchedule<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  schedule: Schedule,
  options: ShrinkOptions = {},
): ShrinkResult<P> {
  checkScheduleScenario(scenario as Scenario, schedule);
  const max_attempts = options.max_attempts ?? 5_000;
  const same = options.same ?? sameFailure;
  const limits = options.limits;
  const runOpts = limits ? { limits } : {};
  const startChoices = scheduleToChoices(scenario, params, schedule.decisions, limits);
  const original = runChoices(scenario, params, startChoices, runOpts);
  let best: Candidate<P> = { params, choices: startChoices, result: original };
  let attempts = 1;
  /** Whether the cap turned a candidate away, or stopped the search after an improvement. */
  let capped = false;

  // A smaller scenario (from shrinkParams, simpler by the scenario's own measure) is taken
  // when the interleaving is no worse; a new schedule must be strictly better.
  const tryCandidate = (p: P, choices: readonly number[], smallerScenario: boolean): boolean => {
    if (attempts >= max_attempts) {
      capped = true;
      return false;
    }
    attempts++;
    const result = runChoices(scenario, p, choices, runOpts);
    if (!same(original.outcome, result.outcome)) return false;
    const c: Candidate<P> = { params: p, choices: trimZeros(choices), result };
    if (smallerScenario ? !noWorse(c, best) : !better(c, best)) return false;
    best = c;
    return true;
  };

  let improved = true;
  while (improved && attempts < max_attempts) {
    improved = false;
    for (const p of scenario.shrinkParams?.(best.params) ?? []) {
      if (tryCandidate(p, best.choices, true)) {
        improved = true;
        break;
      }
    }
    if (improved) continue;
    for (const choices of choiceCandidates(best.choices)) {
      if (tryCandidate(best.params, choices, false)) {
        improved = true;
        break;
      }
    }
  }
  // The last attempt improved: what it found was not tried further.
  if (improved) capped = true;

  return {
    params: best.params,
    schedule: {
      scenario: scenario.name,
      params: best.params,
      decisions: [...best.result.decisions],
    },
    choices: best.choices,
    outcome: best.result.outcome,
    steps: best.result.steps,
    preemptions: best.result.preemptions,
    attempts,
    capped,
    before: { steps: original.steps, preemptions: original.preemptions },
  };
}

function better<P extends Params>(a: Candidate<P>, b: Candidate<P>): boolean {
  if (a.result.steps !== b.result.steps) return a.result.steps < b.result.steps;
  if (a.result.preemptions !== b.result.preemptions)
    return a.result.preemptions < b.result.preemptions;
  if (a.choices.length !== b.choices.length) return a.choices.length < b.choices.length;
  for (let i = 0; i < a.choices.length; i++) {
    if (a.choices[i] !== b.choices[i]) return (a.choices[i] as number) < (b.choices[i] as number);
  }
  return false;
}

function noWorse<P extends Params>(a: Candidate<P>, b: Candidate<P>): boolean {
  if (a.result.steps !== b.result.steps) return a.result.steps < b.result.steps;
  return a.result.preemptions <= b.result.preemptions;
}

/** Simpler arrays, most aggressive first: shorter prefixes, removed chunks, smaller values. */
function* choiceCandidates(choices: readonly number[]): Generator<number[]> {
  const n = choices.length;
  for (let len = 0; len < n; len = len === 0 ? 1 : len * 2) yield choices.slice(0, len);
  for (let size = Math.max(1, n >> 1); size >= 1; size = size === 1 ? 0 : size >> 1) {
    for (let start = 0; start + size <= n; start += size) {
      yield [...choices.slice(0, start), ...choices.slice(start + size)];
    }
  }
  for (let i = 0; i < n; i++) {
    const v = choices[i] as number;
    if (v === 0) continue;
    for (const smaller of v > 1 ? [0, 1, v - 1] : [0]) {
      const c = [...choices];
      c[i] = smaller;
      yield c;
    }
  }
}

function trimZeros(choices: readonly number[]): number[] {
  let end = choices.length;
  while (end > 0 && choices[end - 1] === 0) end--;
  return choices.slice(0, end);
}
