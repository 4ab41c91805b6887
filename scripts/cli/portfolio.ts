import type { Outcome, Params, Scenario } from "../../sim/index.ts";
import type { Exploration } from "../catalog/strategies.ts";
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
  // --runs is a budget too: the systematic search gets the same share of it.
  const capped = Number.isFinite(o.max_executions) && o.max_executions < Number.MAX_SAFE_INTEGER;
  const runsShare =
    primary.systematic && capped
      ? Math.max(1, Math.floor(o.max_executions * SYSTEMATIC_SHARE))
      : o.max_executions;
  const first = await request(primary.name, share, runsShare);
  const e = first.explored;
  // A failure that is not the one hunted for (when hunting) does not end the hunt.
  const hit =
    first.counterexample !== null &&
    (o.target === undefined || o.target(first.counterexample.trace.outcome));
  // --runs counts every run of both, the systematic search's sleep-blocked ones too (as
  // its own cap does): none left, no handover.
  const used = runsOf(e);
  if (!primary.systematic || hit || e.exhausted || used >= o.max_executions) {
    return { strategy: primary.name, result: first, earlier: null };
  }
  const left = o.max_executions - used;
  const second = await request("pct", Math.max(0, o.budget_ms - e.elapsed_ms), left);
  // Keep the systematic failure when pct finds nothing better.
  const secondHit =
    second.counterexample !== null &&
    (o.target === undefined || o.target(second.counterexample.trace.outcome));
  if (!secondHit && first.counterexample !== null) {
    return { strategy: primary.name, result: first, earlier: null };
  }
  return {
    strategy: `pct after ${primary.name}`,
    result: counted(first, second, left, o.max_executions),
    earlier: first,
  };
}

/**
 * The runs an exploration used: its executions, and a systematic search's runs that ended
 * otherwise (sleep-blocked, infeasible, pruned by the bound, passing another shard's
 * subtree), which its execution cap counts too.
 */
function runsOf(e: Exploration): number {
  const c = e.coverage as Partial<Record<string, unknown>> | null;
  let runs = e.executions;
  for (const key of ["sleep_blocked", "infeasible", "pruned_by_bound", "other_shard"]) {
    const n = c?.[key];
    if (typeof n === "number") runs += n;
  }
  return runs;
}

/**
 * pct's result with the systematic search's executions and time added in front: the
 * figures of a handover are until the first failure of the whole hunt, not of pct alone.
 */
function counted(
  first: HuntResult,
  second: HuntResult,
  pctRuns: number,
  max_executions: number,
): HuntResult {
  const before = first.explored;
  const after = second.explored;
  const c = second.counterexample;
  // The sum leaves out the systematic search's sleep-blocked runs, which --runs counted:
  // the bound says that --runs stopped the hunt (see stoppedByRuns).
  const byRuns = !after.exhausted && after.executions >= pctRuns;
  return {
    ...second,
    explored: {
      ...after,
      executions: before.executions + after.executions,
      elapsed_ms: before.elapsed_ms + after.elapsed_ms,
      bounds: byRuns ? [...after.bounds, `execution bound ${max_executions}`] : after.bounds,
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
