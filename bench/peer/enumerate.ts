/**
 * Every interleaving of a small scenario, by stateless depth-first search: the ground truth
 * that the sampled tools are compared with (how big is the space, how many of its
 * interleavings break the property). Plain enumeration, no reduction; meant for scopes of a
 * few hundred thousand interleavings at most.
 */
import {
  type Decision,
  type Outcome,
  type Params,
  runOnce,
  type Scenario,
  type Strategy,
} from "../../sim/index.ts";

/** Follows `prefix`, then always the first enabled option; records the choices it had. */
class DfsStrategy implements Strategy {
  readonly name = "dfs";
  /** Per step: [index taken, number of options]. */
  readonly path: [number, number][] = [];
  private position = 0;

  constructor(private readonly prefix: readonly number[]) {}

  beginExecution(): boolean {
    this.position = 0;
    this.path.length = 0;
    return true;
  }

  pickStep(enabled: readonly Decision[]): number {
    return this.pick(enabled.length);
  }

  pickChoice(n: number): number {
    return this.pick(n);
  }

  private pick(options: number): number {
    const index = this.prefix[this.position] ?? 0;
    this.position++;
    this.path.push([index, options]);
    return index;
  }
}

export interface Enumeration {
  readonly interleavings: number;
  /** Outcomes by kind, and by violated property for violations. */
  readonly outcomes: ReadonlyMap<string, number>;
  /** False when `max_interleavings` stopped the search early. */
  readonly complete: boolean;
}

/** Runs every interleaving of `scenario` with `params` (at most `max_interleavings`). */
export function enumerateInterleavings<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  options: {
    readonly max_interleavings?: number;
    /** Called with every interleaving's decisions (valid only during the call). */
    readonly onExecution?: (decisions: readonly Decision[], outcome: Outcome) => void;
  } = {},
): Enumeration {
  const max = options.max_interleavings ?? 1_000_000;
  const outcomes = new Map<string, number>();
  let prefix: number[] = [];
  let interleavings = 0;
  while (interleavings < max) {
    const strategy = new DfsStrategy(prefix);
    const r = runOnce(scenario, params, strategy);
    if (r === null) break;
    interleavings++;
    options.onExecution?.(r.decisions, r.outcome);
    const key = outcomeKey(r.outcome);
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    // Backtrack: the deepest step that still has an untried option.
    const path = strategy.path;
    let depth = path.length - 1;
    while (
      depth >= 0 &&
      (path[depth] as [number, number])[0] + 1 >= (path[depth] as [number, number])[1]
    )
      depth--;
    if (depth < 0) return { interleavings, outcomes, complete: true };
    prefix = path.slice(0, depth + 1).map(([index]) => index);
    prefix[depth] = (prefix[depth] as number) + 1;
  }
  return { interleavings, outcomes, complete: false };
}

export function outcomeKey(outcome: Outcome): string {
  return outcome.kind === "violation" ? `violation:${outcome.property}` : outcome.kind;
}
