import type { Cell } from "../objects/cell.ts";
import type { Scenario } from "../scenario.ts";
import type { Actor, Params } from "../types.ts";
import type { World } from "../world.ts";
import type { Coverage } from "./coverage.ts";
import { exploreSystematic, type SystematicKind } from "./systematic.ts";

/**
 * A systematic search to the end (or to `max_executions`), with the canonical form of every
 * complete execution's trace in order: what the tests compare dpor with enumeration by.
 */
export function searchTraces<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  strategy: SystematicKind,
  options: {
    readonly max_executions: number;
    readonly max_failures?: number;
    readonly seed?: number;
  },
): { readonly coverage: Coverage; readonly seen: string[] } {
  const seen: string[] = [];
  const coverage = exploreSystematic({
    scenario,
    params,
    strategy,
    stop_on_first: false,
    max_executions: options.max_executions,
    ...(options.max_failures === undefined ? {} : { max_failures: options.max_failures }),
    on_trace: (t) => seen.push(t),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  return { coverage, seen };
}

/** A scenario for a test: no parameters, only a setup. */
export function testScenario(name: string, setup: (world: World) => void): Scenario<Params> {
  return { name, summary: "test", defaults: {}, setup };
}

/**
 * Actors `a` and `b` (or the names given), each writing its number (1, 2, …) to `x` in one
 * step: the smallest race, two traces, for tests that need a search to replay a prefix.
 */
export function spawnWriters(world: World, x: Cell<number>, names = ["a", "b"]): void {
  names.forEach((name, i) => {
    world.spawn(
      name,
      (function* (): Actor {
        x.set(i + 1);
        yield "s";
      })(),
    );
  });
}

/** How one dpor search compares with plain enumeration (see compareWithEnumeration). */
export interface Comparison {
  readonly exhausted: boolean;
  /** Traces dpor completed more than once. */
  readonly duplicates: number;
  /** Traces enumeration reached and dpor did not, and the other way round. */
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  readonly same_final_states: boolean;
}

/** What a sound, optimal dpor search gives: every trace once, nothing else. */
export const MATCHES_ENUMERATION: Comparison = {
  exhausted: true,
  duplicates: 0,
  missing: [],
  extra: [],
  same_final_states: true,
};

/**
 * dpor in the default order and in each of `seeds`' orders against plain enumeration of the
 * same scenario; null when enumeration does not finish within `max_enumerated` executions
 * (a property test skips those programs).
 */
export function compareWithEnumeration<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  seeds: readonly number[],
  max_enumerated = 20_000,
): Comparison[] | null {
  const all = searchTraces(scenario, params, "exhaustive", { max_executions: max_enumerated });
  if (!all.coverage.exhausted) return null;
  const wanted = new Set(all.seen);
  return [undefined, ...seeds].map((seed) => {
    const dpor = searchTraces(scenario, params, "dpor", {
      max_executions: 100_000,
      ...(seed === undefined ? {} : { seed }),
    });
    const got = new Set(dpor.seen);
    return {
      exhausted: dpor.coverage.exhausted,
      duplicates: dpor.seen.length - got.size,
      missing: [...wanted].filter((t) => !got.has(t)).sort(),
      extra: [...got].filter((t) => !wanted.has(t)).sort(),
      same_final_states: dpor.coverage.final_states === all.coverage.final_states,
    };
  });
}
