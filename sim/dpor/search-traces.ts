import type { Scenario } from "../scenario.ts";
import type { Params } from "../types.ts";
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
