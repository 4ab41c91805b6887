import {
  type Outcome,
  type Params,
  recordTrace,
  type Scenario,
  type ShrinkResult,
  shrinkSchedule,
  type Trace,
} from "../../sim/index.ts";
import type {
  Exploration,
  ScenarioSource,
  StrategyOptions,
  StrategySpec,
} from "../catalog/strategies.ts";
import type { Output } from "./output.ts";
import { PASS, type Verdict, verdictOf } from "./verdict.ts";

export interface HuntOptions {
  readonly scenario: Scenario;
  readonly params: Params;
  readonly strategy: StrategySpec;
  readonly options: StrategyOptions;
  /** At most this many executions. */
  readonly max_executions: number;
  /** Wall-clock budget for exploring, not counting the shrink; Infinity for none. */
  readonly budget_ms: number;
  /** Executions tried while shrinking. Default 5,000 (sim's default). */
  readonly shrink_attempts?: number;
  /** Shrink the failure before recording it. Default true. */
  readonly shrink?: boolean;
  /** Where progress goes; none for silent runs. */
  readonly out?: Output;
  /** Where the scenario is exported from (for --workers). */
  readonly source?: ScenarioSource;
  /** The failures to hunt for; default any (see ExploreRequest.target). */
  readonly target?: (outcome: Outcome) => boolean;
}

/** A failure found, shrunk and recorded. */
export interface Counterexample {
  /** 1-based: how many executions it took to find. */
  readonly executions_to_failure: number;
  readonly elapsed_to_failure_ms: number;
  readonly verdict: Verdict;
  /** How the failure was shrunk; null when shrinking was turned off. */
  readonly shrink: ShrinkResult<Params> | null;
  /** Steps of the failing execution as found, before shrinking. */
  readonly steps_found: number;
  /** The (shrunk) execution, replayed with tracing on. */
  readonly trace: Trace;
}

export interface HuntResult {
  readonly explored: Exploration;
  readonly verdict: Verdict;
  readonly counterexample: Counterexample | null;
}

/**
 * Explores until the first failure or the end of the budget, then shrinks the failure with
 * sim's shrinkSchedule and records the shrunk execution as a trace for printing.
 */
export async function hunt(o: HuntOptions): Promise<HuntResult> {
  const { scenario, params, out } = o;
  const explored = await o.strategy.explore({
    scenario,
    params,
    options: o.options,
    max_executions: o.max_executions,
    budget_ms: o.budget_ms,
    ...(o.source === undefined ? {} : { source: o.source }),
    ...(o.target === undefined ? {} : { target: o.target }),
    ...(out === undefined
      ? {}
      : {
          onProgress: (n: number, ms: number, unit?: "execution" | "run") =>
            out.progress(n, ms, unit),
        }),
  });
  out?.endProgress();
  const failure = explored.failure;
  if (failure === null) return { explored, verdict: PASS, counterexample: null };
  const shrink =
    o.shrink === false
      ? null
      : shrinkSchedule(scenario, params, failure.schedule, {
          ...(o.shrink_attempts === undefined ? {} : { max_attempts: o.shrink_attempts }),
        });
  const trace =
    shrink === null
      ? recordTrace(scenario, params, failure.schedule)
      : recordTrace(scenario, shrink.params, shrink.schedule);
  const verdict = verdictOf(trace.outcome);
  return {
    explored,
    verdict,
    counterexample: {
      executions_to_failure: explored.executions_to_failure ?? failure.execution + 1,
      elapsed_to_failure_ms: explored.elapsed_ms,
      verdict,
      shrink,
      steps_found: failure.steps,
      trace,
    },
  };
}
