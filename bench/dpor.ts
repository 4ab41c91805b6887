/**
 * Systematic exploration benchmarks: the classic DPOR programs with their size parameter N,
 * explored by plain enumeration (where feasible) and by dpor, then the protocol model's
 * bounded scope (src/, when present): buggy variants found, `fixed` checked, throughput
 * and heap.
 *
 *   npm run bench:dpor            (or: npx tsx bench/dpor.ts [--quick] [--fixed-budget <s>])
 *   node --expose-gc --import tsx bench/dpor.ts --fixed-only   (throughput and exact heap)
 *
 * `fixed` is explored to the end on the one-tab scopes, and for --fixed-budget seconds
 * (default 120) on boundedScope("fixed"), which dpor does not exhaust.
 */
import { existsSync } from "node:fs";
import { verdict } from "../sim/dpor/coverage.ts";
import { exploreSystematic, type SystematicKind } from "../sim/dpor/systematic.ts";
import {
  filesystemScenario,
  indexerScenario,
  lastzeroScenario,
  lostUpdateScenario,
  readersScenario,
} from "../sim/examples/dpor/index.ts";
import type { Params, Scenario } from "../sim/index.ts";

const quick = process.argv.includes("--quick");
/** Only the `fixed` throughput and heap figures (run with `node --expose-gc` for exact heap). */
const fixedOnly = process.argv.includes("--fixed-only");
const gc = (globalThis as { gc?: () => void }).gc;
/** Plain enumeration stops after this many executions (it is the reference, not the tool). */
const EXHAUSTIVE_CAP = quick ? 20_000 : 200_000;

interface Row {
  readonly scenario: Scenario<{ n: number }> | Scenario<{ increments: number }>;
  readonly label: string;
  readonly params: Params;
  readonly exhaustive: boolean;
}

function rows(): Row[] {
  const out: Row[] = [];
  const add = (
    scenario: Row["scenario"],
    key: string,
    values: number[],
    exhaustiveUpTo: number,
  ) => {
    for (const v of values) {
      if (quick && v > values[Math.min(1, values.length - 1)]!) continue;
      out.push({
        scenario,
        label: `${scenario.name}(${v})`,
        params: { [key]: v },
        exhaustive: v <= exhaustiveUpTo,
      });
    }
  };
  add(lostUpdateScenario, "increments", [1, 2, 3], 3);
  add(lastzeroScenario, "n", [2, 3, 4, 5, 6, 8, 10], 4);
  add(readersScenario, "n", [2, 4, 6, 8, 10, 13], 6);
  add(indexerScenario, "n", [11, 12, 13, 14, 15], 0);
  add(filesystemScenario, "n", [13, 14, 15, 16, 17, 18], 0);
  return out;
}

function run(row: Row, strategy: SystematicKind) {
  const t0 = performance.now();
  const c = exploreSystematic({
    scenario: row.scenario as Scenario<Params>,
    params: row.params,
    strategy,
    stop_on_first: false,
    count_states: false,
    ...(strategy === "exhaustive" ? { max_executions: EXHAUSTIVE_CAP } : {}),
  });
  return { c, ms: performance.now() - t0 };
}

if (!fixedOnly) classic();

function classic(): void {
  console.log(
    `Classic DPOR benchmarks (one core; exhaustive capped at ${EXHAUSTIVE_CAP} executions)\n`,
  );
  console.log(
    "| benchmark | exhaustive executions | exhaustive traces | dpor complete | dpor blocked | dpor traces | exhaustive ms | dpor ms |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const row of rows()) {
    const ex = row.exhaustive ? run(row, "exhaustive") : null;
    const dp = run(row, "dpor");
    const exExec =
      ex === null ? "—" : ex.c.exhausted ? String(ex.c.executions) : `> ${ex.c.executions}`;
    const exTraces = ex === null ? "—" : ex.c.exhausted ? String(ex.c.traces) : `≥ ${ex.c.traces}`;
    const blocked = dp.c.sleep_blocked + dp.c.infeasible;
    console.log(
      `| ${row.label} | ${exExec} | ${exTraces} | ${dp.c.executions} | ${blocked} | ${dp.c.traces} | ${ex === null ? "—" : ex.ms.toFixed(0)} | ${dp.ms.toFixed(0)} |`,
    );
  }
}

// ---- the protocol model (src/), when it exists -------------------------------------------

if (!existsSync(new URL("../src/index.ts", import.meta.url))) {
  console.log("\nsrc/index.ts is not there: protocol benchmarks skipped.");
} else {
  const src = await import("../src/index.ts");
  const scenario = src.protocolScenario as unknown as Scenario<Params>;
  const cap = quick ? 5_000 : 20_000;
  console.log(`\nProtocol model, boundedScope(variant), dpor (capped at ${cap} executions)\n`);
  console.log(
    "| variant | expected | found | executions until first failure | preemption bound | ms |",
  );
  console.log("|---|---|---|---:|---:|---:|");
  for (const v of fixedOnly ? [] : src.variants) {
    if (v.name === "fixed") continue;
    for (const bound of [undefined, 2] as const) {
      const t0 = performance.now();
      const c = exploreSystematic({
        scenario,
        params: src.boundedScope(v.name) as unknown as Params,
        strategy: "dpor",
        max_executions: cap,
        count_traces: false,
        count_states: false,
        ...(bound === undefined ? {} : { preemption_bound: bound }),
      });
      const f = c.failures[0];
      const found =
        f === undefined
          ? "none"
          : f.outcome.kind === "violation"
            ? f.outcome.property
            : f.outcome.kind;
      const expected = v.expected === "pass" ? "pass" : v.expected.invariant;
      console.log(
        `| ${v.name} | ${expected} | ${found} | ${c.executions_to_first_failure ?? `none in ${c.executions + c.sleep_blocked + c.infeasible + c.pruned_by_bound}`} | ${bound ?? "none"} | ${(performance.now() - t0).toFixed(0)} |`,
      );
    }
  }

  console.log(
    `\nfixed, dpor to the end, on bounded scopes of one tab (boundedScope("fixed") with another \`tabs\`)\n`,
  );
  console.log(
    "| tabs | complete (= traces) | sleep-blocked | infeasible | final states | exhausted | failures | ms |",
  );
  console.log("|---|---:|---:|---:|---:|---|---:|---:|");
  for (const tabs of fixedOnly ? [] : ["a0", "a1", "a2"]) {
    const t0 = performance.now();
    const c = exploreSystematic({
      scenario,
      params: { ...src.boundedScope("fixed"), tabs } as unknown as Params,
      strategy: "dpor",
      stop_on_first: false,
      count_states: true,
    });
    console.log(
      `| ${tabs} | ${c.executions} | ${c.sleep_blocked} | ${c.infeasible} | ${c.final_states} | ${c.exhausted} | ${c.failures.length} | ${(performance.now() - t0).toFixed(0)} |`,
    );
  }

  const fixedBudget_s = quick ? 10 : Number(optionValue("--fixed-budget") ?? 120);
  gc?.();
  const heapStart = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const fixed = exploreSystematic({
    scenario,
    params: src.boundedScope("fixed") as unknown as Params,
    strategy: "dpor",
    stop_on_first: false,
    budget_ms: fixedBudget_s * 1000,
    count_traces: false,
    count_states: false,
  });
  const ms = performance.now() - t0;
  gc?.();
  const heapEnd = process.memoryUsage().heapUsed;
  const runs = fixed.executions + fixed.sleep_blocked + fixed.infeasible;
  console.log(`\nfixed, boundedScope("fixed"), dpor for ${fixedBudget_s} s: ${verdict(fixed)}`);
  console.log(
    `  complete ${fixed.executions}, sleep-blocked ${fixed.sleep_blocked}, infeasible ${fixed.infeasible}, exhausted ${fixed.exhausted}, failures ${fixed.failures.length}`,
  );
  console.log(
    `  throughput ${(runs / (ms / 1000)).toFixed(0)} executions/s (${runs} in ${(ms / 1000).toFixed(1)} s, one core)`,
  );
  console.log(
    `  heap used ${(heapStart / 1e6).toFixed(1)} MB at start, ${(heapEnd / 1e6).toFixed(1)} MB at end${gc === undefined ? " (no forced GC: run with node --expose-gc for exact figures)" : " (after a forced GC)"}`,
  );
}

/** The value after a command-line flag, e.g. `--fixed-budget 600`. */
function optionValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i < 0 ? undefined : process.argv[i + 1];
}
