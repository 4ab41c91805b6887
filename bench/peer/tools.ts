/**
 * The contenders, behind one interface: fast-check's `fc.scheduler` on `race-fc.ts`, and
 * streamsim's strategies on the twin scenario `race-sim.ts`. Each one is run the way its
 * users run it: fc.scheduler and `choices` through `fc.check`, `random`, `pct` and `dpor`
 * through `explore`.
 */
import fc from "fast-check";
import {
  choicesArbitrary,
  type Decision,
  DporStrategy,
  explore,
  isFailure,
  type Params,
  PctStrategy,
  RandomStrategy,
  ReplayStrategy,
  runChoices,
  runOnce,
  type Scenario,
  type Strategy,
  shrinkSchedule,
  stepOf,
} from "../../sim/index.ts";
import type { RaceOptions, RaceVariant } from "./race.ts";
import { runRaceOnScheduler } from "./race-fc.ts";
import { type PeerRaceParams, peerRaceScenario } from "./race-sim.ts";

/** A streamsim scenario that models the race, and its parameters for each variant. */
export interface Target {
  readonly label: string;
  readonly scenario: Scenario<Params>;
  params(variant: RaceVariant, race: RaceOptions): Params;
}

/** The step-for-step twin of the fc.scheduler program (the default target). */
export const twinTarget: Target = {
  label: "twin (bench/peer/race-sim.ts)",
  scenario: peerRaceScenario as unknown as Scenario<Params>,
  params: (variant, race): PeerRaceParams => ({ variant, events: race.events, cap: race.cap }),
};

/** A run of up to `max_executions` executions. */
export interface RunRequest {
  /** What streamsim runs; fc.scheduler always runs race-fc.ts. Default: the twin. */
  readonly target?: Target;
  readonly variant: RaceVariant;
  readonly race: RaceOptions;
  readonly seed: number;
  readonly max_executions: number;
  /** Stop at the first failing execution (and report it) or run them all. */
  readonly stop_on_first: boolean;
  /** Keep every execution's decisions (for coverage). */
  readonly keep_decisions?: boolean;
  /** Shrink the first failure and report its size. Default false. */
  readonly shrink?: boolean;
  /** Stop starting executions after this much wall-clock time. Default: no limit. */
  readonly budget_ms?: number;
}

export interface FirstFailure {
  /** 1-based: the failing execution was the n-th. */
  readonly execution: number;
  readonly property: string;
  /** Steps in the counterexample the tool reports (after its shrinking, if it shrinks). */
  readonly reported_steps: number;
  /** For fc.scheduler: steps up to the violation, within the reported schedule. */
  readonly steps_until_violation: number;
  /** Preemptions in it (switches away from a step that could have run on). */
  readonly preemptions: number;
}

export interface RunResult {
  readonly executions: number;
  readonly elapsed_ms: number;
  readonly failures: number;
  readonly first: FirstFailure | null;
  /**
   * Every execution's decisions, in order (with keep_decisions); null for one the tool
   * abandoned before its end (dpor's sleep-blocked executions): no interleaving.
   */
  readonly decisions: readonly (readonly Decision[] | null)[];
  /** True when the tool had nothing left to explore (dpor). */
  readonly exhausted: boolean;
}

export interface Tool {
  readonly name: string;
  readonly deterministic: boolean;
  run(request: RunRequest): Promise<RunResult>;
}

function targetOf(r: RunRequest): { scenario: Scenario<Params>; params: Params } {
  const target = r.target ?? twinTarget;
  return { scenario: target.scenario, params: target.params(r.variant, r.race) };
}

/** fast-check's own wall-clock budget: stop starting runs, and do not call that a failure. */
function timeLimit<Ts>(request: RunRequest): fc.Parameters<Ts> {
  return request.budget_ms === undefined
    ? {}
    : { plugins: [fc.interruptAfterTimeLimit(request.budget_ms) as fc.Plugin<Ts>] };
}

/** fast-check's scheduler: random release order of the scheduled promises, no shrinking. */
export const fcScheduler: Tool = {
  name: "fc.scheduler",
  deterministic: false,
  async run(request) {
    let executions = 0;
    let failures = 0;
    let first: FirstFailure | null = null;
    const decisions: Decision[][] = [];
    const started = performance.now();
    await fc.check(
      fc.asyncProperty(fc.scheduler(), async (s) => {
        executions++;
        const o = await runRaceOnScheduler(s, request.variant, request.race);
        if (request.keep_decisions) decisions.push(o.order.map(stepOf));
        if (o.violation === null) return true;
        failures++;
        if (first === null) {
          first = {
            execution: executions,
            property: o.violation[0],
            // What fc prints as the counterexample: every task it scheduled.
            reported_steps: s.report().length,
            steps_until_violation: o.steps_until_violation,
            // fc cannot tell; the twin, replaying fc's order, can.
            preemptions: twinPreemptions(request, o.order),
          };
        }
        return !request.stop_on_first;
      }),
      {
        seed: request.seed,
        numRuns: request.max_executions,
        endOnFailure: true,
        ...timeLimit(request),
      },
    );
    const elapsed_ms = performance.now() - started;
    return { executions, elapsed_ms, failures, first, decisions, exhausted: false };
  },
};

/** Preemptions of an fc.scheduler order (actor per step), replayed in the twin. */
function twinPreemptions(request: RunRequest, order: readonly number[]): number {
  const params = twinTarget.params(request.variant, request.race);
  const r = runOnce(twinTarget.scenario, params, new ReplayStrategy(order.map(stepOf)));
  return r?.preemptions ?? Number.NaN;
}

/** A streamsim strategy run through `explore`, its failure shrunk by `shrinkSchedule`. */
function exploring(name: string, make: (seed: number) => Strategy, deterministic: boolean): Tool {
  return {
    name,
    deterministic,
    async run(request) {
      const { scenario, params } = targetOf(request);
      if (request.keep_decisions) return keepingDecisions(make(request.seed), request);
      const r = explore({
        scenario,
        params,
        strategy: make(request.seed),
        max_executions: request.max_executions,
        stop_on_first: request.stop_on_first,
        // Running every execution to its end (throughput), neither tool reports a failure:
        // fc.scheduler's property passes them all, and explore keeps none. Kept, the first
        // failure of each search cost dpor a confirming replay per restart (one in 29
        // executions of round2; 6% of its instructions), which fc.scheduler never pays.
        max_failures: request.stop_on_first ? 1 : 0,
        ...(request.budget_ms === undefined ? {} : { budget_ms: request.budget_ms }),
      });
      const failure = r.failures[0];
      let first: FirstFailure | null = null;
      if (failure !== undefined) {
        const shrunk = request.shrink
          ? shrinkSchedule(scenario, params, failure.schedule)
          : { steps: failure.steps, preemptions: failure.preemptions };
        first = {
          execution: failure.execution + 1,
          property:
            failure.outcome.kind === "violation" ? failure.outcome.property : failure.outcome.kind,
          reported_steps: shrunk.steps,
          steps_until_violation: failure.steps,
          preemptions: shrunk.preemptions,
        };
      }
      const failed = r.executions - r.outcomes.completed - r.outcomes.abandoned;
      return {
        executions: r.executions,
        elapsed_ms: r.elapsed_ms,
        failures: failed,
        first,
        decisions: [],
        exhausted: r.exhausted,
      };
    },
  };
}

/** The same run as `explore`, one `runOnce` at a time, keeping each execution's decisions. */
function keepingDecisions(strategy: Strategy, request: RunRequest): RunResult {
  const { scenario, params } = targetOf(request);
  const decisions: (Decision[] | null)[] = [];
  let failures = 0;
  let exhausted = false;
  const started = performance.now();
  const deadline = started + (request.budget_ms ?? Number.POSITIVE_INFINITY);
  for (let i = 0; i < request.max_executions; i++) {
    if ((i & 63) === 0 && performance.now() >= deadline) break;
    const r = runOnce(scenario, params, strategy, { index: i });
    if (r === null) {
      exhausted = true;
      break;
    }
    decisions.push(r.outcome.kind === "abandoned" ? null : [...r.decisions]);
    if (isFailure(r.outcome)) failures++;
  }
  const elapsed_ms = performance.now() - started;
  return { executions: decisions.length, elapsed_ms, failures, first: null, decisions, exhausted };
}

export const streamsimRandom = exploring("random", (seed) => new RandomStrategy(seed), false);

export function streamsimPct(depth: number): Tool {
  return exploring(`pct d=${depth}`, (seed) => new PctStrategy({ seed, depth }), false);
}

/** streamsim's `choices` schedules, generated and shrunk by fast-check itself. */
export const streamsimChoices: Tool = {
  name: "choices",
  deterministic: false,
  async run(request) {
    const { scenario, params } = targetOf(request);
    let executions = 0;
    let failures = 0;
    let firstExecution = 0;
    const decisions: Decision[][] = [];
    const started = performance.now();
    const details = fc.check(
      fc.property(choicesArbitrary(), (numbers) => {
        executions++;
        const r = runChoices(scenario, params, numbers);
        if (request.keep_decisions) decisions.push([...r.decisions]);
        if (r.outcome.kind === "completed") return true;
        failures++;
        if (firstExecution === 0) firstExecution = executions;
        return !request.stop_on_first;
      }),
      {
        seed: request.seed,
        numRuns: request.max_executions,
        endOnFailure: !request.shrink,
        ...timeLimit(request),
      },
    );
    const elapsed_ms = performance.now() - started;
    let first: FirstFailure | null = null;
    if (details.failed && details.counterexample !== null) {
      const [numbers] = details.counterexample;
      const r = runChoices(scenario, params, numbers);
      first = {
        execution: firstExecution,
        property: r.outcome.kind === "violation" ? r.outcome.property : r.outcome.kind,
        reported_steps: r.steps,
        steps_until_violation: r.steps,
        preemptions: r.preemptions,
      };
    }
    return {
      // While shrinking, fast-check runs the property again: those are not explorations.
      executions: request.shrink && firstExecution > 0 ? firstExecution : executions,
      elapsed_ms,
      failures,
      first,
      decisions,
      exhausted: false,
    };
  },
};

/**
 * streamsim's `dpor` strategy in its first-option order (one search, the same every time),
 * and in a random order per seed (`--seed` on the command line): the same traces, met in
 * another order.
 */
export const streamsimDpor: readonly Tool[] = [
  exploring("dpor", () => new DporStrategy(), true),
  exploring("dpor seeded", (seed) => new DporStrategy({ seed }), false),
];
