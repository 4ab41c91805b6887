import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Coverage } from "../../sim/dpor/coverage.ts";
import type { SystematicOptions } from "../../sim/dpor/systematic.ts";
import { type Params, plural, type Scenario } from "../../sim/index.ts";
import { OptionValueError } from "../cli/input.ts";
import type { Exploration, ExploreRequest, StrategyOptions, StrategySpec } from "./strategies.ts";

type ExploreSystematic = (options: SystematicOptions<Params>) => Coverage;

/**
 * The systematic strategies (dpor, exhaustive) from sim/dpor/systematic.ts, when present.
 * They explore the whole space of a bounded scenario, so a "pass" from them is a proof for
 * that scope (unless a bound applied, which the result says).
 */
export async function loadSystematicStrategies(): Promise<StrategySpec[]> {
  const path = fileURLToPath(new URL("../../sim/dpor/systematic.ts", import.meta.url));
  if (!existsSync(path)) return [];
  const mod = (await import(pathToFileURL(path).href)) as { exploreSystematic?: ExploreSystematic };
  const run = mod.exploreSystematic;
  if (run === undefined) return [];
  return [
    {
      name: "dpor",
      summary:
        "optimal dynamic partial-order reduction: one execution per Mazurkiewicz trace; a proof for the bounded scope when it meets no waits or timers",
      systematic: true,
      explores: true,
      reads: ["preemption_bound", "seed", "shard", "workers"],
      check: (o) => checkSplit("dpor", o),
      explore: (r) => {
        checkSplit("dpor", r.options);
        return r.options.workers !== undefined ? pooled(r, "dpor") : systematic(run, "dpor", r);
      },
    },
    {
      name: "exhaustive",
      summary: "every interleaving, no reduction (the reference dpor is tested against)",
      systematic: true,
      explores: true,
      reads: ["preemption_bound", "shard", "workers"],
      check: (o) => checkSplit("exhaustive", o),
      explore: (r) => {
        checkSplit("exhaustive", r.options);
        return r.options.workers !== undefined
          ? pooled(r, "exhaustive")
          : systematic(run, "exhaustive", r);
      },
    },
  ];
}

/** The ways of splitting a search that cannot be combined, refused before any work. */
function checkSplit(kind: "dpor" | "exhaustive", o: StrategyOptions): void {
  // Any --workers, 1 included, is a pool: it runs to the end, and does the sharding.
  const pool = o.workers !== undefined;
  if (pool && o.shard !== undefined) {
    throw new OptionValueError("--workers shards the search itself; drop --shard");
  }
  if (kind === "dpor" && (pool || o.shard !== undefined) && o.preemption_bound !== undefined) {
    throw new OptionValueError(
      "dpor split by --shard or --workers cannot take --preemption-bound (a bounded search is not complete, so its shards would not add up to it); drop one",
    );
  }
}

/** Random executions run after an unsharded dpor search (SystematicOptions.probe). */
const PROBE_EXECUTIONS = 100;

function systematic(
  run: ExploreSystematic,
  kind: "dpor" | "exhaustive",
  r: ExploreRequest,
): Exploration {
  // Every execution starts with the scenario's setup, so a wrapped setup reports progress.
  const started = performance.now();
  let runs = 0;
  const inner = r.scenario;
  const scenario: Scenario = {
    ...inner,
    setup(world, params) {
      runs++;
      if (runs % 500 === 0) r.onProgress?.(runs, performance.now() - started, "run");
      inner.setup(world, params);
    },
  };
  const c = run({
    scenario,
    params: r.params,
    strategy: kind,
    ...(r.options.preemption_bound === undefined
      ? {}
      : { preemption_bound: r.options.preemption_bound }),
    ...(r.options.shard === undefined ? {} : { shard: r.options.shard }),
    ...(kind === "dpor" && r.options.seed_given === true ? { seed: r.options.seed } : {}),
    ...(Number.isFinite(r.max_executions) && r.max_executions < Number.MAX_SAFE_INTEGER
      ? { max_executions: r.max_executions }
      : {}),
    ...(Number.isFinite(r.budget_ms) ? { budget_ms: r.budget_ms } : {}),
    stop_on_first: true,
    ...(r.target === undefined ? {} : { stop_when: r.target }),
    // A few random executions after a dpor search, each checked against the search's one
    // of the same trace: what says that a "pass" rests on state the world does not track,
    // or on traces dpor missed. (exhaustive runs every interleaving: nothing to check.)
    ...(kind === "dpor" && r.options.shard === undefined ? { probe: PROBE_EXECUTIONS } : {}),
  });
  const { failures, trace_hashes: _t, state_hashes: _s, ...figures } = c;
  // The failure that ended the search, or else the first one seen.
  const failure =
    (r.target === undefined ? undefined : failures.find((f) => r.target?.(f.outcome))) ??
    failures[0] ??
    null;
  return {
    strategy: c.strategy,
    executions: c.executions,
    elapsed_ms: c.elapsed_ms,
    exhausted: c.exhausted,
    systematic: isProof(kind, c),
    bounds: c.bounds,
    failure,
    executions_to_failure: failure === null ? null : failure.execution + 1,
    coverage: { ...figures, failures: failures.length },
  };
}

/**
 * Whether a failure-free exhausted run is a proof for its scope. Not a dpor run that met
 * waits or timers (see Coverage.known_gap), nor one whose replays diverged (see
 * Coverage.divergent_replays) or whose probe found executions that end otherwise than the
 * search's of the same trace, or of traces it did not run (Coverage.probe), nor a
 * preemption-bounded dpor run: a
 * sleep-set reduction under a bound can miss interleavings within it.
 */
function isProof(kind: "dpor" | "exhaustive", c: Coverage): boolean {
  return (
    c.known_gap !== true &&
    (c.divergent_replays ?? 0) === 0 &&
    (c.probe?.differing ?? 0) === 0 &&
    (c.probe?.unmatched ?? 0) === 0 &&
    !(kind === "dpor" && c.bounds.length > 0)
  );
}

/**
 * A search split over worker threads (sim/dpor/pool.ts): each worker loads the scenario
 * from its module and explores one shard; the merged traces, final states, outcomes and
 * complete executions equal an unsharded run's (dpor shards pay other sleep-blocked ones).
 * The pool has no wall-clock budget: it runs to the end, or to --runs per worker.
 */
async function pooled(r: ExploreRequest, kind: "dpor" | "exhaustive"): Promise<Exploration> {
  if (r.source === undefined) {
    // A worker imports the scenario itself, by module path and export name.
    throw new OptionValueError(
      `--workers cannot load scenario '${r.scenario.name}' in a worker: its module is not in the sources of loadCatalog (scripts/catalog.ts); add its module path and export name there, or run without --workers`,
    );
  }
  const workers = r.options.workers ?? 2;
  const { explorePool } = await import("../../sim/dpor/pool.ts");
  const c = await explorePool({
    module: r.source.module,
    export_name: r.source.export_name,
    params: r.params,
    strategy: kind,
    workers,
    stop_on_first: true,
    ...(kind === "dpor" && r.options.seed_given === true ? { seed: r.options.seed } : {}),
    ...(r.options.preemption_bound === undefined
      ? {}
      : { preemption_bound: r.options.preemption_bound }),
    ...(Number.isFinite(r.max_executions) && r.max_executions < Number.MAX_SAFE_INTEGER
      ? { max_executions: r.max_executions }
      : {}),
    ...(r.onProgress === undefined
      ? {}
      : { onProgress: (runs: number, ms: number) => r.onProgress?.(runs, ms, "run") }),
  });
  const { failures, trace_hashes: _t, state_hashes: _s, ...figures } = c;
  return {
    strategy: `${c.strategy}, ${plural(workers, "worker")}`,
    executions: c.executions,
    elapsed_ms: c.elapsed_ms,
    exhausted: c.exhausted,
    systematic: isProof(kind, c),
    bounds: c.bounds,
    failure: failures[0] ?? null,
    executions_to_failure: c.executions_to_first_failure,
    coverage: { ...figures, failures: failures.length },
  };
}
