import { BoundError, checkAmount, checkPreemptionBound, OptionError } from "../errors.ts";
import {
  checkLimits,
  defaultLimits,
  type ExecutionLimits,
  type ExecutionResult,
  execute,
} from "../execute.ts";
import { NumberMap, NumberSet } from "../hash-collections.ts";
import { confirmFailure, type Failure, failureOf } from "../runner.ts";
import type { Scenario } from "../scenario.ts";
import { checkScenarioName } from "../schedule.ts";
import { DporStrategy } from "../strategies/dpor.ts";
import { ExhaustiveStrategy } from "../strategies/exhaustive.ts";
import type { Strategy } from "../strategy.ts";
import { decisionKind, isFailure, type Outcome, outcomeCounts, type Params } from "../types.ts";
import { wallNow_ms } from "../wallclock.ts";
import { World } from "../world.ts";
import { canonicalForm, traceHash } from "./canonical.ts";
import type { Coverage } from "./coverage.ts";
import { FinalStateHasher } from "./final-state.ts";
import { endingOf, probeUntracked } from "./probe.ts";
import { checkShard, type Shard } from "./shard.ts";

export type SystematicKind = "dpor" | "exhaustive";

export interface SystematicOptions<P extends Params> {
  readonly scenario: Scenario<P>;
  readonly params: P;
  /** Default "dpor". */
  readonly strategy?: SystematicKind;
  /** Preemption bound (CHESS); loom advises 2–3. Default: none. */
  readonly preemption_bound?: number;
  /** dpor only: explore in a random order from this seed (see DporOptions.seed). */
  readonly seed?: number;
  /**
   * Depth bound: an execution is cut after this many steps and counted as "cut by depth",
   * not as a failure. Default: none (the scenario's step budget applies, and exceeding it is
   * a failure).
   */
  readonly max_depth?: number;
  /** Stop after this many executions (of any kind). Default: none. */
  readonly max_executions?: number;
  /** Stop at the first failing execution. Default true. */
  readonly stop_on_first?: boolean;
  /**
   * With stop_on_first: which failing outcomes end the search (see the runner's option of
   * the same name). Default: every one.
   */
  readonly stop_when?: (outcome: Outcome) => boolean;
  /** Stop starting executions after this much wall-clock time. Default: none. */
  readonly budget_ms?: number;
  /**
   * A reason from outside to stop, asked every 64 executions: when `now()` is true the
   * search ends there, not exhausted, with `reason` among its bounds. (explorePool stops
   * its other workers so once one has found a failure, under stop_on_first.)
   */
  readonly halt?: { readonly now: () => boolean; readonly reason: string };
  /** Keep at most this many failures. Default 20. */
  readonly max_failures?: number;
  /** Count distinct Mazurkiewicz traces (costs a canonical form per execution). Default true. */
  readonly count_traces?: boolean;
  /** Count distinct final states (costs a snapshot per execution). Default true. */
  readonly count_states?: boolean;
  /** Return the trace and state hashes, for merging shards. Default false. */
  readonly keep_hashes?: boolean;
  /**
   * Called with the canonical form of each counted execution's trace (tests, debugging),
   * and the trace's hash as `trace_hashes` holds it.
   */
  readonly on_trace?: (canonical: string, hash: number) => void;
  /**
   * After the search, run this many random executions and compare each with the search's
   * execution of the same Mazurkiewicz trace (see probe.ts): equivalent executions end
   * alike unless the scenario shares state the world does not track. Not with `shard` or
   * `max_depth`, nor after a search that found a failure. Default 0.
   */
  readonly probe?: number;
  /** Explore one shard of the space; see shard.ts. dpor: not with a preemption bound. */
  readonly shard?: Shard;
  /**
   * Sharding unit depth (see ExhaustiveOptions.split_depth and DporOptions.split_depth).
   * Default 4 for exhaustive, 12 for dpor.
   */
  readonly split_depth?: number;
  /**
   * With `shard`: which units are this shard's (see DporOptions.claimUnit and
   * ExhaustiveOptions.claimUnit).
   */
  readonly claim_unit?: (unit: number) => boolean;
}

/**
 * Runs a systematic exploration (`dpor` or `exhaustive`) of one scenario to the end, or to
 * a bound, and reports what it covered. Stateless and depth-first: each execution is a fresh
 * run of the scenario, so memory stays flat whatever the number of executions (except the
 * trace and state hash sets, which `count_traces: false` / `count_states: false` turn off).
 */
export function exploreSystematic<P extends Params>(options: SystematicOptions<P>): Coverage {
  checkOptions(options);
  const kind = options.strategy ?? "dpor";
  const bound = options.preemption_bound;
  const strategy =
    kind === "dpor"
      ? new DporStrategy({
          ...(bound === undefined ? {} : { preemption_bound: bound }),
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.shard === undefined ? {} : { shard: options.shard }),
          ...(options.split_depth === undefined ? {} : { split_depth: options.split_depth }),
          ...(options.claim_unit === undefined ? {} : { claimUnit: options.claim_unit }),
        })
      : new ExhaustiveStrategy({
          ...(bound === undefined ? {} : { preemption_bound: bound }),
          ...(options.shard === undefined ? {} : { shard: options.shard }),
          ...(options.split_depth === undefined ? {} : { split_depth: options.split_depth }),
          ...(options.claim_unit === undefined ? {} : { claimUnit: options.claim_unit }),
        });
  const max_executions = options.max_executions ?? Number.POSITIVE_INFINITY;
  const stop_on_first = options.stop_on_first ?? true;
  const max_failures = options.max_failures ?? 20;
  const count_traces = options.count_traces ?? true;
  const count_states = options.count_states ?? true;
  // Not under a depth bound: a random walk cut there would look like a budget failure.
  const probing =
    (options.probe ?? 0) > 0 && options.shard === undefined && options.max_depth === undefined;
  /** How the search's execution of each trace ended (see probe.ts), when probing. */
  const seen = new NumberMap<string>();
  // The depth bound cuts executions only where the scenario's own step budget does not
  // come first: taking its place, it turned the scenario's budget failures into passes
  // (review: limits.max_steps 3 and max_depth 100 gave no budget failure).
  const ownBudget = options.scenario.limits?.max_steps ?? defaultLimits.max_steps;
  const depthCuts = options.max_depth !== undefined && options.max_depth < ownBudget;
  const limits = depthCuts
    ? { ...options.scenario.limits, max_steps: options.max_depth }
    : options.scenario.limits;

  const started = wallNow_ms();
  const outcomes = outcomeCounts();
  const traces = new NumberSet();
  const states = new NumberSet();
  const finalStates = new FinalStateHasher();
  const reached: Record<string, number> = {};
  const failures: Failure[] = [];
  let runs = 0;
  let executions = 0;
  let sleep_blocked = 0;
  let infeasible = 0;
  let pruned_by_bound = 0;
  let cut_by_depth = 0;
  let other_shard = 0;
  let first_failure: number | null = null;
  let exhausted = false;
  let depthCut = false;

  const deadline_ms =
    options.budget_ms === undefined ? Number.POSITIVE_INFINITY : started + options.budget_ms;
  let stoppedByBudget = false;
  let stoppedOnFailure = false;
  let halted = false;
  let known_gap = false;
  while (runs < max_executions) {
    // The clock only under a budget (a read costs a share of an execution: see explore).
    if (runs > 0 && options.budget_ms !== undefined && wallNow_ms() >= deadline_ms) {
      stoppedByBudget = true;
      break;
    }
    if ((runs & 63) === 63 && options.halt?.now() === true) {
      halted = true;
      break;
    }
    const r = runObserved(options.scenario, options.params, strategy, runs, limits);
    if (r === null) {
      exhausted = true;
      break;
    }
    runs++;
    if (strategy instanceof DporStrategy && strategy.lastKind !== "complete") {
      if (strategy.lastKind === "sleep-blocked") sleep_blocked++;
      else if (strategy.lastKind === "infeasible") infeasible++;
      else if (strategy.lastKind === "other-shard") other_shard++;
      else pruned_by_bound++;
      continue;
    }
    if (strategy instanceof ExhaustiveStrategy && strategy.lastSkipped) {
      other_shard++;
      continue;
    }
    executions++;
    if (
      !known_gap &&
      (r.decisions.some((d) => decisionKind(d) === 1) ||
        (strategy instanceof DporStrategy && strategy.log.resumedAny()))
    ) {
      known_gap = true;
    }
    for (const probe of r.world.reached ?? []) reached[probe] = (reached[probe] ?? 0) + 1;
    let trace = 0;
    if (count_traces || probing || options.on_trace !== undefined) {
      // dpor's clocks are up to date but for the steps after its branch point when it did
      // not analyse the run (compute starts there); other strategies' from the first step.
      const upToDate = strategy instanceof DporStrategy ? strategy.log.length : 0;
      strategy.hb.compute(strategy.log, undefined, upToDate);
      trace = traceHash(strategy.log, strategy.hb);
      if (count_traces) traces.add(trace);
      options.on_trace?.(canonicalForm(strategy.log, strategy.hb), trace);
    }
    const state = count_states || probing ? finalStates.hash(r.world) : 0;
    if (count_states) states.add(state);
    const cut = depthCuts && r.outcome.kind === "budget";
    if (cut) {
      cut_by_depth++;
      depthCut = true;
      continue;
    }
    if (probing) seen.set(trace, endingOf(r, state));
    outcomes[r.outcome.kind]++;
    if (isFailure(r.outcome)) {
      if (first_failure === null) first_failure = runs;
      const stops = stop_on_first && (options.stop_when?.(r.outcome) ?? true);
      // The failure that stops the search is kept, whatever max_failures says (as explore).
      if (failures.length < max_failures || stops) {
        confirmFailure(options.scenario, options.params, r, limits);
        failures.push(failureOf(options.scenario, options.params, r, runs - 1));
      }
      if (stops) {
        stoppedOnFailure = true;
        break;
      }
    }
  }
  // Stopped by the execution bound, or halted, right after the last execution of the
  // space: only asking for the next one tells (the strategy is not used after this).
  if (
    !exhausted &&
    !stoppedByBudget &&
    !stoppedOnFailure &&
    (halted || runs >= max_executions) &&
    !(strategy as Strategy).beginExecution(runs)
  ) {
    exhausted = true;
  }
  const bounds: string[] = [];
  if (stoppedByBudget) bounds.push(`time budget ${options.budget_ms} ms`);
  if (halted && !exhausted) bounds.push(options.halt?.reason ?? "halted");
  if (bound !== undefined) bounds.push(`preemption bound ${bound}`);
  if (depthCut) bounds.push(`depth bound ${options.max_depth}`);
  if (!exhausted && runs >= max_executions) bounds.push(`execution bound ${max_executions}`);
  const keep = options.keep_hashes ?? false;
  // The search's own time: the probe's executions are not the search's.
  const elapsed_ms = wallNow_ms() - started;
  // Not after a failure (the search has its answer), nor once halted (it ends there).
  const probe =
    probing && first_failure === null && !halted
      ? probeUntracked({
          scenario: options.scenario,
          params: options.params,
          limits,
          count: options.probe ?? 0,
          seed: 1,
          seen,
          finalState: (e) => finalStates.hash(e.world),
        })
      : undefined;
  // A probe execution that failed where the search found no failure is one, reported as
  // the search's own would be (numbered after the search's runs), with its schedule: one
  // that ended otherwise than the search's of its trace, or one of a trace that a search
  // with nothing left to explore and no bound never ran (a bounded one leaves traces out).
  const probeRun = probe?.first?.run;
  const missed = exhausted && bounds.length === 0;
  if (
    probeRun !== undefined &&
    isFailure(probeRun.outcome) &&
    ((probe?.differing ?? 0) > 0 || missed)
  ) {
    confirmFailure(
      options.scenario,
      options.params,
      { decisions: probeRun.schedule.decisions, outcome: probeRun.outcome },
      limits,
    );
    failures.push({ ...probeRun, execution: runs + probeRun.execution });
    outcomes[probeRun.outcome.kind]++;
    first_failure = runs + probeRun.execution + 1;
  }
  return {
    strategy: strategy.describe(),
    ...(options.shard === undefined ? {} : { shard: options.shard }),
    executions,
    sleep_blocked,
    infeasible,
    pruned_by_bound,
    cut_by_depth,
    other_shard,
    traces: count_traces ? traces.size : null,
    final_states: count_states ? states.size : null,
    exhausted,
    bounds,
    known_gap: kind === "dpor" && known_gap,
    ...(strategy instanceof DporStrategy ? { divergent_replays: strategy.divergentReplays } : {}),
    outcomes,
    failures,
    executions_to_first_failure: first_failure,
    reached,
    elapsed_ms,
    ...(keep && count_traces ? { trace_hashes: traces.toArray() } : {}),
    ...(keep && count_states ? { state_hashes: states.toArray() } : {}),
    ...(probe === undefined ? {} : { probe }),
  };
}

/**
 * Refuses bad options before any work. A function of its own, not inlined into
 * exploreSystematic: these checks there took V8's inlining budget from the search loop,
 * and every execution ran 1.3% more instructions on boundedScope("fixed").
 */
function checkOptions<P extends Params>(options: SystematicOptions<P>): void {
  const kind = options.strategy ?? "dpor";
  const bound = options.preemption_bound;
  checkAmount("max_executions", options.max_executions, true);
  checkAmount("budget_ms", options.budget_ms, false);
  checkAmount("probe", options.probe, true);
  checkAmount("max_failures", options.max_failures, true);
  checkSystematicKind(kind, "exploreSystematic");
  checkShard(options.shard);
  checkScenarioName(options.scenario);
  checkLimits(options.scenario.limits);
  checkPreemptionBound(bound);
  if (
    options.max_depth !== undefined &&
    !(Number.isInteger(options.max_depth) && options.max_depth > 0)
  ) {
    throw new BoundError(`depth bound must be a whole number > 0, got ${options.max_depth}`);
  }
  if (kind === "dpor" && options.shard !== undefined && bound !== undefined) {
    throw new BoundError(
      "a dpor shard cannot take a preemption bound (a bounded search is not complete, so its shards would not add up to it); drop one",
    );
  }
  if (
    options.split_depth !== undefined &&
    !(Number.isInteger(options.split_depth) && options.split_depth >= 1)
  ) {
    throw new BoundError(`split depth must be a whole number >= 1, got ${options.split_depth}`);
  }
  if (kind === "exhaustive" && options.seed !== undefined) {
    throw new BoundError("exhaustive enumeration has a fixed order; a seed is for dpor");
  }
}

export { BoundError } from "../errors.ts";

/** Refuses a strategy name other than dpor's and exhaustive's (any other ran exhaustive). */
export function checkSystematicKind(kind: unknown, entry: string): void {
  if (kind !== "dpor" && kind !== "exhaustive") {
    throw new OptionError(
      `${entry}'s strategy must be "dpor" or "exhaustive", got ${JSON.stringify(kind)}; random and pct run through explore`,
    );
  }
}

/** runOnce, but showing the world to dpor before the execution starts. */
export function runObserved<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  strategy: DporStrategy | ExhaustiveStrategy,
  index: number,
  limits: ExecutionLimits | undefined,
): ExecutionResult | null {
  if (!(strategy as Strategy).beginExecution(index)) return null;
  const world = new World(strategy, { tracing: false });
  strategy.observe(world);
  scenario.setup(world, params);
  // The result holds its world already: not copied into a new object (a spread of the
  // result cost ~4% of a protocol execution).
  return execute(world, strategy, limits ?? {});
}
