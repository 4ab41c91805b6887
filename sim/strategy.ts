import type { Decision } from "./types.ts";
import type { World } from "./world.ts";

/**
 * The one interface between the engine and an exploration strategy, after shuttle's
 * `Scheduler`: "new execution?", "which enabled step next?", "which data value?". The
 * engine never knows which strategy runs it.
 *
 * Enabled options arrive as decisions in canonical order: every runnable actor's step by
 * actor id, then the timers due first (by actor id). `current` is the actor that ran the
 * previous step, or -1 before the first step.
 */
export interface Strategy {
  readonly name: string;
  /**
   * Prepares execution number `index` (0-based). Returns false when the strategy has
   * nothing left to explore (an exhaustive search is done, a replay was used once).
   */
  beginExecution(index: number): boolean;
  /**
   * Called with the world of the execution about to run, before the scenario's setup. A
   * partial-order reduction uses it to tell which steps resume an actor from a wait;
   * without it, it must assume any step may, which stays sound but explores more.
   */
  observe?(world: World): void;
  /**
   * Picks one of `enabled` (non-empty); returns its index in the array, or ABANDON to end
   * the execution here (outcome "abandoned": a systematic search explores the rest of it
   * in another execution, or, over a bound, not at all; running it on would only cost time).
   */
  pickStep(enabled: readonly Decision[], current: number, step: number): number;
  /**
   * How many steps at the start of this execution replay, exactly, steps that an earlier
   * execution ran from the same state and checked: the engine skips the invariants after
   * them (they held then, and an invariant is a property of the state). Asked once, after
   * beginExecution. Default 0. Sound only for a deterministic scenario: a replay that
   * diverges (dpor counts them as divergent replays) reaches a state that was not checked.
   */
  checkedSteps?(): number;
  /**
   * True once a strategy that runs one search is done with it: dpor or exhaustive with its
   * space explored, a replay or a choices array run once. `explore` refuses it, as it would
   * report nothing (a search stopped early, by a failure or a bound, goes on where it was).
   * Default: the strategy can start again (random and PCT draw each execution afresh).
   */
  spent?(): boolean;
  /**
   * The options offered at `step` when an earlier execution ran it from the same state, if
   * this execution replays it; else null. The engine then offers these instead of
   * evaluating every waiter's predicate again (in a deterministic scenario they are the
   * same), and checks only that the option picked can run. Default: none known.
   */
  replayedOptions?(step: number): readonly Decision[] | null;
  /** Picks a data value in [0, n), n >= 2. */
  pickChoice(n: number, label: string): number;
  /** Called after each step, with the step's tracked accesses (for partial-order reduction). */
  onStep?(info: StepInfo): void;
  /** Called when an execution ends. */
  endExecution?(info: ExecutionSummary): void;
  /** A line about the strategy's parameters and guarantees, for reports. */
  describe?(): string;
}

/** What pickStep returns to end the execution (see Strategy.pickStep). */
export const ABANDON = -1;

/**
 * What the engine tells `onStep` about a finished step. Valid only during the call: the
 * engine reuses the object and its arrays for the next step.
 */
export interface StepInfo {
  readonly index: number;
  readonly decision: Decision;
  readonly actor: number;
  /** objectId * 2 + (write ? 1 : 0), in access order, possibly repeated. */
  readonly accesses: readonly number[];
  /** Ids of actors spawned by this step. */
  readonly spawned: readonly number[];
  /** The options that were enabled when this step was chosen. */
  readonly enabled: readonly Decision[];
}

export interface ExecutionSummary {
  readonly steps: number;
  readonly actors: number;
  readonly failed: boolean;
  /**
   * True when a failure stopped the execution right after a step while other steps could
   * still run: a violation, or a crash (in a step, or of a wait predicate the step made
   * throw). Not a deadlock, a check at the end, nor the step budget (which also cuts
   * executions at a depth bound).
   */
  readonly cut: boolean;
}
