import type { Outcome, Params, Scenario } from "../../sim/index.ts";
import type { Catalog } from "../catalog.ts";
import { type HuntResult, hunt } from "./hunt.ts";
import type { Output } from "./output.ts";

/** Share of the budget a systematic strategy gets before the seeded fallback. */
const SYSTEMATIC_SHARE = 0.6;

export interface PreferredHunt {
  /** The strategy whose result is shown ("pct after dpor" when dpor found nothing). */
  readonly strategy: string;
  readonly result: HuntResult;
  /** The systematic exploration that came first, when it found nothing in its share. */
  readonly earlier: HuntResult | null;
}

/**
 * Explores with a variant's preferred strategy when no strategy was asked for. A systematic
 * strategy (dpor) that neither fails nor exhausts its space within its share of the budget
 * hands the rest to pct: dpor proves a bounded scope clean when it can finish, and pct finds
 * deep-but-likely races fast when dpor's depth-first order starts far from them. Which one
 * produced the result is always reported.
 */
export async function huntPreferred(
  catalog: Catalog,
  o: {
    readonly preferred: string;
    readonly scenario: Scenario;
    readonly params: Params;
    readonly seed: number;
    /** pct's bug depth when pct takes over (default 3). */
    readonly depth?: number;
    readonly budget_ms: number;
    readonly max_executions: number;
    readonly shrink?: boolean;
    readonly out: Output;
    /** The failures to hunt for; default any (see ExploreRequest.target). */
    readonly target?: (outcome: Outcome) => boolean;
  },
): Promise<PreferredHunt> {
  const primary =
    catalog.strategies.find((s) => s.name === o.preferred && s.explores) ?? catalog.strategy("pct");
  const request = (name: string, budget_ms: number, max_executions: number) =>
    hunt({
      scenario: o.scenario,
      params: o.params,
      strategy: catalog.strategy(name),
      options: { seed: o.seed, depth: o.depth ?? 3 },
      max_executions,
      budget_ms,
      ...(o.shrink === undefined ? {} : { shrink: o.shrink }),
      ...(o.target === undefined ? {} : { target: o.target }),
      out: o.out,
    });
  const share = primary.systematic ? o.budget_ms * SYSTEMATIC_SHARE : o.budget_ms;
  const first = await request(primary.name, share, o.max_executions);
  const e = first.explored;
  // A failure that is not the one hunted for (when hunting) does not end the hunt.
  const hit =
    first.counterexample !== null &&
    (o.target === undefined || o.target(first.counterexample.trace.outcome));
  // --runs counts the executions of both: none left, no handover.
  if (!primary.systematic || hit || e.exhausted || e.executions >= o.max_executions) {
    return { strategy: primary.name, result: first, earlier: null };
  }
  const second = await request(
    "pct",
    Math.max(0, o.budget_ms - e.elapsed_ms),
    o.max_executions - e.executions,
  );
  // Keep the systematic failure when pct finds nothing better.
  const secondHit =
    second.counterexample !== null &&
    (o.target === undefined || o.target(second.counterexample.trace.outcome));
  if (!secondHit && first.counterexample !== null) {
    return { strategy: primary.name, result: first, earlier: null };
  }
  return { strategy: `pct after ${primary.name}`, result: counted(first, second), earlier: first };
}

/**
 * pct's result with the systematic search's executions and time added in front: the
 * figures of a handover are until the first failure of the whole hunt, not of pct alone.
 */
function counted(first: HuntResult, second: HuntResult): HuntResult {
  const before = first.explored;
  const c = second.counterexample;
  return {
    ...second,
    explored: {
      ...second.explored,
      executions: before.executions + second.explored.executions,
      elapsed_ms: before.elapsed_ms + second.explored.elapsed_ms,
    },
    counterexample:
      c === null
        ? null
        : {
            ...c,
            executions_to_failure: before.executions + c.executions_to_failure,
            elapsed_to_failure_ms: before.elapsed_ms + c.elapsed_to_failure_ms,
          },
  };
}
