import { checkAmount, NondeterminismError, OptionError, ReplayDivergenceError } from "./errors.ts";
import { checkLimits, type ExecutionLimits, type ExecutionResult, execute } from "./execute.ts";
import { NumberSet } from "./hash-collections.ts";
import { Hash53 } from "./hash53.ts";
import type { Scenario } from "./scenario.ts";
import { checkScenarioName, type Schedule } from "./schedule.ts";
import { ReplayStrategy } from "./strategies/replay.ts";
import type { Strategy } from "./strategy.ts";
import {
  type Decision,
  describeOutcome,
  isFailure,
  type Outcome,
  type OutcomeKind,
  outcomeCounts,
  type Params,
} from "./types.ts";
import { wallNow_ms } from "./wallclock.ts";
import { World } from "./world.ts";

export interface RunOnceOptions {
  /** Record the full step log (for replay and reports). Default false: it costs. */
  readonly trace?: boolean;
  /** Overrides the scenario's own limits. */
  readonly limits?: ExecutionLimits;
  /** Execution index handed to the strategy. Default 0. */
  readonly index?: number;
}

/**
 * Builds a fresh world from the scenario and runs one execution with the strategy. Returns
 * null when the strategy has nothing left to explore.
 */
export function runOnce<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  strategy: Strategy,
  options: RunOnceOptions = {},
): ExecutionResult | null {
  checkLimits(options.limits ?? scenario.limits);
  // (An index of NaN or 1.5 drew a random execution from no index of any run.)
  checkAmount("index", options.index, true);
  if (!strategy.beginExecution(options.index ?? 0)) return null;
  const world = new World(strategy, { tracing: options.trace ?? false });
  strategy.observe?.(world);
  scenario.setup(world, params);
  return execute(world, strategy, options.limits ?? scenario.limits ?? {});
}

/** A failing execution found by `explore`. */
export interface Failure {
  /** 0-based index of the execution within the run. */
  readonly execution: number;
  readonly outcome: Outcome;
  readonly schedule: Schedule;
  readonly steps: number;
  readonly preemptions: number;
}

export interface Progress {
  readonly executions: number;
  readonly failures: number;
  readonly elapsed_ms: number;
}

export interface ExploreOptions<P extends Params> {
  readonly scenario: Scenario<P>;
  readonly params: P;
  readonly strategy: Strategy;
  /** At most this many executions. Default 1,000. */
  readonly max_executions?: number;
  /** Stop starting executions after this much wall-clock time. Default: no limit. */
  readonly budget_ms?: number;
  /** Stop at the first failure (default) or collect every failing execution. */
  readonly stop_on_first?: boolean;
  /**
   * With stop_on_first: which failing outcomes end the search. Default: every one. A
   * search for one invariant (a variant known to break several) passes a filter; failures
   * it rejects are still counted and kept in `failures`, and the search goes on.
   */
  readonly stop_when?: (outcome: Outcome) => boolean;
  /** Keep at most this many failures when collecting. Default 100. */
  readonly max_failures?: number;
  readonly limits?: ExecutionLimits;
  /** Called every `progress_every` executions (default 1,000) and at the end. */
  readonly onProgress?: (p: Progress) => void;
  readonly progress_every?: number;
}

export interface ExploreResult {
  readonly executions: number;
  readonly steps: number;
  /** Executions whose decision sequences differ (by a 53-bit hash). */
  readonly distinct_schedules: number;
  readonly elapsed_ms: number;
  /** True when the strategy said it had nothing left to explore. */
  readonly exhausted: boolean;
  readonly outcomes: Readonly<Record<OutcomeKind, number>>;
  readonly failures: readonly Failure[];
  /** Reachability probes hit, with the number of executions that hit each. */
  readonly reached: ReadonlyMap<string, number>;
  readonly strategy: string;
}

/**
 * Runs executions of one scenario under one strategy until the strategy is exhausted, the
 * execution count or the wall-clock budget is reached, or (by default) the first failure.
 * Any outcome but "completed" is a failure: a step budget or time horizon is never a pass.
 * "abandoned" (a strategy ended the execution early: see Strategy.pickStep) is neither.
 */
export function explore<P extends Params>(options: ExploreOptions<P>): ExploreResult {
  checkAmount("max_executions", options.max_executions, true);
  checkAmount("budget_ms", options.budget_ms, false);
  checkAmount("max_failures", options.max_failures, true);
  if (options.strategy === undefined || typeof options.strategy.pickStep !== "function") {
    throw new OptionError(
      "explore needs a strategy (new RandomStrategy(seed), new DporStrategy(), ...)",
    );
  }
  if (options.strategy.spent?.() === true) {
    // Explored again, a DporStrategy whose search was over ran nothing and said the space
    // was exhausted. (One stopped early, by a failure or a bound, goes on where it was.)
    throw new OptionError(
      `this ${options.strategy.name} strategy has finished its search already; give explore a new one`,
    );
  }
  if (
    options.progress_every !== undefined &&
    !(Number.isInteger(options.progress_every) && options.progress_every >= 1)
  ) {
    throw new OptionError(
      `progress_every must be a whole number >= 1, got ${String(options.progress_every)}`,
    );
  }
  checkScenarioName(options.scenario);
  const max_executions = options.max_executions ?? 1_000;
  const stop_on_first = options.stop_on_first ?? true;
  const max_failures = options.max_failures ?? 100;
  const progress_every = options.progress_every ?? 1_000;
  const started = wallNow_ms();
  const deadline =
    options.budget_ms === undefined ? Number.POSITIVE_INFINITY : started + options.budget_ms;
  const outcomes = outcomeCounts();
  const schedules = new NumberSet();
  const reached = new Map<string, number>();
  const failures: Failure[] = [];
  let executions = 0;
  let steps = 0;
  let exhausted = false;

  // The clock is read only under a budget: a read costs as much as a small share of an
  // execution (0.17 us on a VM, of 5-10 us), and it was taken before every one.
  const timed = options.budget_ms !== undefined;
  while (executions < max_executions && (!timed || wallNow_ms() < deadline)) {
    const r = runOnce(options.scenario, options.params, options.strategy, {
      index: executions,
      ...(options.limits === undefined ? {} : { limits: options.limits }),
    });
    if (r === null) {
      exhausted = true;
      break;
    }
    executions++;
    steps += r.steps;
    outcomes[r.outcome.kind]++;
    schedules.add(hashDecisions(r.decisions));
    if (r.world.reached !== null) {
      for (const probe of r.world.reached) reached.set(probe, (reached.get(probe) ?? 0) + 1);
    }
    const failed = isFailure(r.outcome);
    const stops = stop_on_first && failed && (options.stop_when?.(r.outcome) ?? true);
    if (failed && (failures.length < max_failures || stops)) {
      if (!(options.strategy instanceof ReplayStrategy)) {
        confirmFailure(options.scenario, options.params, r, options.limits);
      }
      failures.push(failureOf(options.scenario, options.params, r, executions - 1));
    }
    if (stops) break;
    if (options.onProgress !== undefined && executions % progress_every === 0) {
      options.onProgress({
        executions,
        failures: failures.length,
        elapsed_ms: wallNow_ms() - started,
      });
    }
  }
  const elapsed_ms = wallNow_ms() - started;
  options.onProgress?.({ executions, failures: failures.length, elapsed_ms });
  return {
    executions,
    steps,
    distinct_schedules: schedules.size,
    elapsed_ms,
    exhausted,
    outcomes,
    failures,
    reached,
    strategy: options.strategy.describe?.() ?? options.strategy.name,
  };
}

/**
 * Replays a failing execution's decisions in a fresh world and checks that it fails the
 * same way. A failure that does not come back came from a model that is not deterministic
 * (state kept between executions, say): its schedule would send the user chasing nothing,
 * and a search that replays (dpor, exhaustive, shrinking) rests on it. One execution per
 * failure kept.
 */
export function confirmFailure<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  r: { readonly decisions: readonly Decision[]; readonly outcome: Outcome },
  limits: ExecutionLimits | undefined,
): void {
  let again: ExecutionResult | null;
  try {
    again = runOnce(scenario, params, new ReplayStrategy(r.decisions), {
      ...(limits === undefined ? {} : { limits }),
    });
  } catch (e) {
    if (!(e instanceof ReplayDivergenceError)) throw e;
    throw new NondeterminismError(
      `a failure's schedule does not replay (${describeOutcome(r.outcome)}; then ${e.message})`,
    );
  }
  if (again !== null && JSON.stringify(again.outcome) === JSON.stringify(r.outcome)) return;
  throw new NondeterminismError(
    `a failure did not come back when its schedule was replayed (${describeOutcome(r.outcome)}; then ${again === null ? "nothing" : describeOutcome(again.outcome)})`,
  );
}

/** The record of a failing execution, with the schedule that reproduces it. */
export function failureOf<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  r: ExecutionResult,
  execution: number,
): Failure {
  return {
    execution,
    outcome: r.outcome,
    schedule: { scenario: scenario.name, params, decisions: [...r.decisions] },
    steps: r.steps,
    preemptions: r.preemptions,
  };
}

/** A 53-bit hash of a decision sequence, for counting distinct schedules. */
export function hashDecisions(decisions: readonly Decision[]): number {
  // One hasher, reused: explore hashes every schedule it runs.
  const h = DECISIONS;
  h.reset();
  for (let i = 0; i < decisions.length; i++) h.add(decisions[i] as Decision);
  return h.value();
}

const DECISIONS = new Hash53();
