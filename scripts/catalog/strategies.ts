import { IndexShardedStrategy, type Shard } from "../../sim/dpor/shard.ts";
import {
  ChoicesStrategy,
  explore,
  type Failure,
  type Outcome,
  type Params,
  PctStrategy,
  RandomStrategy,
  runOnce,
  type Scenario,
  type Strategy,
} from "../../sim/index.ts";
import { RandomChoicesStrategy } from "../strategies/random-choices.ts";

/** What a user can set about a strategy from the command line. */
export interface StrategyOptions {
  readonly seed: number;
  /** True when --seed was given (dpor keeps its first-option order otherwise). */
  readonly seed_given?: boolean;
  /** PCT bug depth. */
  readonly depth: number;
  /** Context bound for the systematic strategies; undefined for none. */
  readonly preemption_bound?: number;
  readonly shard?: Shard;
  /** worker_threads for a sharded exhaustive search on this machine. */
  readonly workers?: number;
}

/** Where a scenario is exported from, so worker threads can load it themselves. */
export interface ScenarioSource {
  readonly module: string;
  readonly export_name: string;
}

/** One exploration asked of a strategy. */
export interface ExploreRequest {
  readonly scenario: Scenario;
  readonly params: Params;
  readonly options: StrategyOptions;
  readonly max_executions: number;
  /** Wall-clock budget; Infinity for none. */
  readonly budget_ms: number;
  /**
   * How far the search has got. A systematic search counts runs ("run"): sleep-blocked and
   * infeasible ones too, as `--runs` does, where its result's "executions" are complete ones.
   */
  readonly onProgress?: (done: number, elapsed_ms: number, unit?: "execution" | "run") => void;
  /**
   * The failures to hunt for (a variant known to break several invariants, searched for the
   * one its real bug broke); others are kept but the search goes on. Default: any failure.
   */
  readonly target?: (outcome: Outcome) => boolean;
  /** Needed by --workers only. */
  readonly source?: ScenarioSource;
}

/** What an exploration did, whatever the strategy. */
export interface Exploration {
  /** The strategy's own description of itself and its guarantees. */
  readonly strategy: string;
  readonly executions: number;
  readonly elapsed_ms: number;
  /** True when the strategy ran out of things to explore. */
  readonly exhausted: boolean;
  /**
   * True when a failure-free exhausted run covered every interleaving (within its bounds,
   * or of its shard, when those applied): a proof for that scope.
   */
  readonly systematic: boolean;
  /** Bounds that applied (preemption, depth, executions); empty when none did. */
  readonly bounds: readonly string[];
  readonly failure: Failure | null;
  /** 1-based: executions run until the failure was found. */
  readonly executions_to_failure: number | null;
  /** Extra figures from systematic strategies (coverage), as plain JSON. */
  readonly coverage: Readonly<Record<string, unknown>> | null;
}

/**
 * Whether an exploration that did not finish was stopped by its execution cap (--runs):
 * it ran that many, or a systematic search says the bound applied (dpor counts its
 * sleep-blocked runs too, which `executions` leaves out). Otherwise time ran out.
 */
export function stoppedByRuns(e: Exploration, max_executions: number): boolean {
  return e.executions >= max_executions || e.bounds.some((b) => b.startsWith("execution bound"));
}

export interface StrategySpec {
  readonly name: string;
  readonly summary: string;
  /** True when the strategy can say "no violation in any interleaving" (within its bounds). */
  readonly systematic: boolean;
  /** False for strategies that only make sense behind another command (replay). */
  readonly explores: boolean;
  /** Which options it reads, for `list` and for rejecting ones it would ignore. */
  readonly reads: readonly ("seed" | "depth" | "preemption_bound" | "shard" | "workers")[];
  /**
   * Throws an InputError for options it reads but cannot take together (--workers with
   * --shard, say); the CLI calls it before it prints anything or starts the search.
   */
  check?(options: StrategyOptions): void;
  explore(request: ExploreRequest): Exploration | Promise<Exploration>;
}

/** Explores with sim's runner: the seeded strategies, one execution after another. */
function seeded(make: (o: StrategyOptions) => Strategy): (r: ExploreRequest) => Exploration {
  return (r) => {
    const strategy = make(r.options);
    const e = explore({
      scenario: r.scenario,
      params: r.params,
      strategy,
      max_executions: r.max_executions,
      ...(Number.isFinite(r.budget_ms) ? { budget_ms: r.budget_ms } : {}),
      stop_on_first: true,
      ...(r.target === undefined ? {} : { stop_when: r.target }),
      progress_every: 500,
      ...(r.onProgress === undefined
        ? {}
        : {
            onProgress: (p: { executions: number; elapsed_ms: number }) =>
              r.onProgress?.(p.executions, p.elapsed_ms),
          }),
    });
    // The failure that ended the search, or else the first one seen.
    const failure =
      (r.target === undefined ? undefined : e.failures.find((f) => r.target?.(f.outcome))) ??
      e.failures[0] ??
      null;
    return {
      strategy: e.strategy,
      executions: e.executions,
      elapsed_ms: e.elapsed_ms,
      exhausted: e.exhausted,
      systematic: false,
      bounds: [],
      failure,
      executions_to_failure: failure === null ? null : failure.execution + 1,
      coverage: null,
    };
  };
}

/** The strategies every streamsim has; the systematic ones are added when present. */
export const builtinStrategies: readonly StrategySpec[] = [
  {
    name: "random",
    summary: "uniform choice among the enabled steps, one seed per execution",
    systematic: false,
    explores: true,
    reads: ["seed", "shard"],
    explore: seeded((o) => sharded(new RandomStrategy(o.seed), o.shard)),
  },
  {
    name: "pct",
    summary:
      "probabilistic concurrency testing: random priorities with depth-1 change points (finds a depth-d bug with a known probability)",
    systematic: false,
    explores: true,
    reads: ["seed", "depth", "shard"],
    explore: (r) =>
      seeded((o) =>
        sharded(
          new PctStrategy({
            seed: o.seed,
            depth: o.depth,
            // A learnt k differs between shards; a fixed one makes shard k of n run exactly
            // executions k-1, k-1+n, ... of the unsharded run (sim/dpor/shard.ts).
            ...(o.shard === undefined ? {} : { steps_estimate: defaultRunSteps(r) }),
          }),
          o.shard,
        ),
      )(r),
  },
  {
    name: "choices",
    summary: "random arrays in the fast-check `choices` encoding, biased to few context switches",
    systematic: false,
    explores: true,
    reads: ["seed", "shard"],
    explore: seeded((o) => sharded(new RandomChoicesStrategy({ seed: o.seed }), o.shard)),
  },
  {
    name: "replay",
    summary: "follows one recorded schedule exactly; use `streamsim replay <schedule>`",
    systematic: false,
    explores: false,
    reads: [],
    explore: () => {
      throw new Error("the replay strategy is run by the replay command");
    },
  },
];

/** Steps of the scenario's default execution (no preemptions): PCT's k when sharded. */
function defaultRunSteps(r: ExploreRequest): number {
  return Math.max(1, runOnce(r.scenario, r.params, new ChoicesStrategy([]))?.steps ?? 1);
}

/** Shard k of n runs executions k-1, k-1+n, ... of the unsharded run (sim/dpor/shard.ts). */
function sharded(inner: Strategy, shard: Shard | undefined): Strategy {
  return shard === undefined || shard.count === 1 ? inner : new IndexShardedStrategy(inner, shard);
}
