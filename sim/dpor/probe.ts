import type { ExecutionLimits, ExecutionResult } from "../execute.ts";
import { type Failure, failureOf } from "../runner.ts";
import type { Scenario } from "../scenario.ts";
import { DporStrategy } from "../strategies/dpor.ts";
import type { Params } from "../types.ts";
import { canonicalForm, hash53 } from "./canonical.ts";
import type { HappensBefore } from "./hb.ts";
import type { ExecutionLog } from "./log.ts";
import { runObserved } from "./systematic.ts";

/**
 * What the probe after a search found (SystematicOptions.probe): random executions, each
 * compared with the execution the search ran of the same Mazurkiewicz trace.
 */
export interface ProbeReport {
  /** Random executions run. */
  readonly executions: number;
  /**
   * Those whose trace the search had run, but which ended otherwise (another outcome, or
   * another final state). Equivalent executions end alike when every shared state is
   * tracked: not 0 means the scenario shares state the world does not see.
   */
  readonly differing: number;
  /** Those whose trace the search never ran (expected when it was bounded or stopped). */
  readonly unmatched: number;
  /** The first differing execution (replayable), how it ended, and how the search's one did. */
  readonly first?: { readonly run: Failure; readonly ended: string; readonly search_ended: string };
}

/** How an execution ended, as the probe compares it: the outcome and the final state. */
export function endingOf(r: ExecutionResult, finalState: string): string {
  const o = r.outcome;
  const what =
    o.kind === "violation"
      ? `violation of ${o.property}`
      : o.kind === "crash"
        ? `crash of ${o.actor}`
        : o.kind;
  return `${what} in state ${hash53(finalState)}`;
}

/** The canonical trace of the execution a log holds, hashed. */
export function traceHash(log: ExecutionLog, hb: HappensBefore): number {
  hb.compute(log, undefined, log.length);
  return hash53(canonicalForm(log, hb));
}

/**
 * Runs `count` random executions (the first execution of dpor in a seeded order is a
 * random walk) and compares each with `seen`, the ending of the search's execution of
 * each trace (keyed by traceHash). This catches what divergent replays cannot: two actors
 * on a module variable make steps with no tracked access, one trace to dpor, and the
 * search runs one order of them; a random order that loses an update ends otherwise.
 */
export function probeUntracked<P extends Params>(options: {
  readonly scenario: Scenario<P>;
  readonly params: P;
  readonly limits: ExecutionLimits | undefined;
  readonly count: number;
  readonly seed: number;
  readonly seen: ReadonlyMap<number, string>;
  readonly finalState: (r: ExecutionResult) => string;
}): ProbeReport {
  let differing = 0;
  let unmatched = 0;
  let first: ProbeReport["first"];
  let executions = 0;
  for (let i = 0; i < options.count; i++) {
    const strategy = new DporStrategy({ seed: options.seed + i });
    const r = runObserved(options.scenario, options.params, strategy, 0, options.limits);
    if (r === null || strategy.lastKind !== "complete") continue;
    executions++;
    const expected = options.seen.get(traceHash(strategy.log, strategy.hb));
    if (expected === undefined) {
      unmatched++;
      continue;
    }
    const ended = endingOf(r, options.finalState(r));
    if (ended === expected) continue;
    differing++;
    if (first === undefined) {
      first = {
        run: failureOf(options.scenario, options.params, r, i),
        ended,
        search_ended: expected,
      };
    }
  }
  return { executions, differing, unmatched, ...(first === undefined ? {} : { first }) };
}
