import type { ExecutionLimits, ExecutionResult } from "../execute.ts";
import { type Failure, failureOf } from "../runner.ts";
import type { Scenario } from "../scenario.ts";
import { DporStrategy } from "../strategies/dpor.ts";
import { isFailure, type Params } from "../types.ts";
import { traceHash } from "./canonical.ts";
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
  /**
   * Those whose trace the search never ran. Expected when the search was bounded or
   * stopped early, or failed (a failure inside a step is explored at one position); after
   * an unbounded, exhausted, failure-free dpor search, a trace dpor missed.
   */
  readonly unmatched: number;
  /**
   * The first execution that differed, or else the first unmatched one that failed:
   * replayable, how it ended, and how the search's execution of its trace did (null when
   * the search ran none).
   */
  readonly first?: {
    readonly run: Failure;
    readonly ended: string;
    readonly search_ended: string | null;
  };
}

/**
 * How an execution ended, as the probe compares it: the outcome, then the hash of the
 * final state (FinalStateHasher).
 */
export function endingOf(r: ExecutionResult, stateHash: number): string {
  return `${outcomeOf(r)}|${stateHash}`;
}

function outcomeOf(r: ExecutionResult): string {
  const o = r.outcome;
  if (o.kind === "violation") return `violation of ${o.property}`;
  if (o.kind === "crash") return `crash of ${o.actor}`;
  return o.kind;
}

/** An ending in words: its outcome, and whether the final state differs from `other`'s. */
function said(ending: string, other: string | null): string {
  const [outcome = ending, state] = ending.split("|");
  const [otherOutcome, otherState] = other === null ? [] : other.split("|");
  return outcome === otherOutcome && state !== otherState
    ? `${outcome}, in another final state`
    : outcome;
}

/** The trace of the execution a log holds, hashed as the search counts it. */
function traceOf(log: ExecutionLog, hb: HappensBefore): number {
  hb.compute(log, undefined, log.length);
  return traceHash(log, hb);
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
  readonly seen: { get(trace: number): string | undefined };
  readonly finalState: (r: ExecutionResult) => number;
}): ProbeReport {
  let differing = 0;
  let unmatched = 0;
  let first: ProbeReport["first"];
  let firstUnmatched: ProbeReport["first"];
  let executions = 0;
  for (let i = 0; i < options.count; i++) {
    const strategy = new DporStrategy({ seed: options.seed + i });
    const r = runObserved(options.scenario, options.params, strategy, 0, options.limits);
    if (r === null || strategy.lastKind !== "complete") continue;
    executions++;
    const expected = options.seen.get(traceOf(strategy.log, strategy.hb)) ?? null;
    const ended = endingOf(r, options.finalState(r));
    if (expected === ended) continue;
    const report = () => ({
      run: failureOf(options.scenario, options.params, r, i),
      ended: said(ended, expected),
      search_ended: expected === null ? null : said(expected, ended),
    });
    if (expected === null) {
      unmatched++;
      if (firstUnmatched === undefined && isFailure(r.outcome)) firstUnmatched = report();
      continue;
    }
    differing++;
    if (first === undefined) first = report();
  }
  const shown = first ?? firstUnmatched;
  return { executions, differing, unmatched, ...(shown === undefined ? {} : { first: shown }) };
}
