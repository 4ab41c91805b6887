/**
 * streamsim against fast-check's `fc.scheduler`, on the same race (PROTOCOL.md §3 round 2)
 * and its `fixed` design, in one process, tools alternating, several rounds:
 *
 *   npm run bench:peer                  # the full run (a few minutes on one core)
 *   npm run bench:peer -- --quick       # a smoke run with small counts
 *
 * fc.scheduler runs `race-fc.ts` (async code, every step an awaited scheduled promise);
 * streamsim runs its step-for-step twin `race-sim.ts`, so the first table compares tools on
 * one program. A second table runs streamsim alone on the project's full model (src/) set
 * to the same shape. Every figure is measured by this script on this machine.
 */
import { parseArgs } from "node:util";
import fc from "fast-check";
import { enumerateInterleavings } from "./enumerate.ts";
import {
  measureCounterexamples,
  measureCoverage,
  measureFirstFailures,
  measureFullCoverage,
  measurePctDepths,
  measureThroughput,
  type Plan,
  type Samples,
} from "./measure.ts";
import { loadModelTarget } from "./model-target.ts";
import { defaultRaceOptions, type RaceOptions } from "./race.ts";
import { runRaceOnScheduler } from "./race-fc.ts";
import { count, markdownTable, median, ms, percent, ratio, worst } from "./table.ts";
import {
  fcScheduler,
  streamsimChoices,
  streamsimDpor,
  streamsimPct,
  streamsimRandom,
  type Tool,
  twinTarget,
} from "./tools.ts";
import { coverage } from "./traces.ts";

interface BenchOptions {
  readonly quick: boolean;
  /** Measurement rounds; tools alternate within each. Default 5. */
  readonly rounds: number;
  /** Seeds for executions-until-first-failure, in total per randomised tool. Default 200. */
  readonly seeds: number;
  readonly pct_depth: number;
  readonly race: RaceOptions;
  /** Skip the table on the src/ model. */
  readonly no_model: boolean;
}

function parseOptions(): BenchOptions {
  const config = {
    options: {
      quick: { type: "boolean", default: false },
      "no-model": { type: "boolean", default: false },
      events: { type: "string" },
      "pct-depth": { type: "string" },
      rounds: { type: "string" },
      seeds: { type: "string" },
    },
  } as const;
  let values: ReturnType<typeof parseArgs<typeof config>>["values"];
  try {
    ({ values } = parseArgs(config));
  } catch (e) {
    // An unknown or malformed flag: one line and exit code 2, no stack trace.
    const first = (e as Error).message.split("\n")[0];
    console.error(
      `bench:peer: ${first} (flags: --quick, --no-model, --events N, --pct-depth N, --rounds N, --seeds N)`,
    );
    process.exit(2);
  }
  const int = (raw: string | undefined, fallback: number, name: string): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
      console.error(`bench:peer: --${name} must be a whole number from 1 to 1000000, got '${raw}'`);
      process.exit(2);
    }
    return n;
  };
  const quick = values.quick === true;
  const events = int(values.events, defaultRaceOptions.events, "events");
  if (events < 2 || events > 8) {
    console.error(
      `bench:peer: --events must be from 2 to 8 (tokens plus stream_end), got ${events}`,
    );
    process.exit(2);
  }
  return {
    quick,
    rounds: int(values.rounds, quick ? 2 : 5, "rounds"),
    seeds: int(values.seeds, quick ? 20 : 200, "seeds"),
    pct_depth: int(values["pct-depth"], 3, "pct-depth"),
    race: { ...defaultRaceOptions, events },
    no_model: values["no-model"] === true,
  };
}

const fcName = fcScheduler.name;

/** One row: a label, then one cell per tool, streamsim's with its ratio to fast-check. */
function row(
  label: string,
  names: readonly string[],
  value: (tool: string) => number,
  format: (n: number) => string,
  withRatio = true,
): string[] {
  const fcValue = names.includes(fcName) ? value(fcName) : Number.NaN;
  return [
    label,
    ...names.map((t) =>
      t === fcName || !withRatio || Number.isNaN(fcValue)
        ? format(value(t))
        : `${format(value(t))} (${ratio(value(t), fcValue)})`,
    ),
  ];
}

const med = (s: Samples) => (t: string) => median(s.get(t) ?? []);
const wst = (s: Samples) => (t: string) => worst(s.get(t) ?? []);

async function main(): Promise<void> {
  const options = parseOptions();
  const streamsimTools: Tool[] = [
    streamsimRandom,
    streamsimPct(options.pct_depth),
    streamsimChoices,
    ...streamsimDpor,
  ];
  const tools = [fcScheduler, ...streamsimTools];
  const names = tools.map((t) => t.name);
  const plan: Plan = {
    race: options.race,
    target: twinTarget,
    rounds: options.rounds,
    throughput_fc: options.quick ? 300 : 2_000,
    throughput_sim: options.quick ? 5_000 : 50_000,
    max_to_failure: 100_000,
  };
  console.log(
    `bench:peer: node ${process.version}, fast-check ${fc.__version}; the race: 1 producer, ` +
      `${options.race.events} events (the last is stream_end), 1 tab attaching at any time, caps ` +
      `${options.race.cap}; ${options.rounds} rounds, ${options.seeds} seeds per randomised tool; ` +
      `pct depth ${options.pct_depth}`,
  );

  // The space itself: every interleaving of the twin (the program fc.scheduler runs too).
  const space = {
    round2: { interleavings: 0, failing: 0 },
    fixed: { interleavings: 0, traces: 0 },
  };
  for (const variant of ["round2", "fixed"] as const) {
    const params = twinTarget.params(variant, options.race);
    const decisions: number[][] = [];
    const all = enumerateInterleavings(twinTarget.scenario, params, {
      max_interleavings: 500_000,
      onExecution: (d) => {
        if (variant === "fixed") decisions.push([...d]);
      },
    });
    const n = all.complete ? all.interleavings : Number.NaN;
    if (variant === "round2") {
      space.round2 = {
        interleavings: n,
        failing: all.interleavings - (all.outcomes.get("completed") ?? 0),
      };
    } else {
      // Past the cap the space is unknown: the trace count (and full coverage) stay unmeasured.
      space.fixed = {
        interleavings: n,
        traces: all.complete ? coverage(twinTarget.scenario, params, decisions).traces : Number.NaN,
      };
    }
  }

  // Warm-up: a small run of each tool on each variant, not recorded.
  for (const tool of tools) {
    for (const variant of ["round2", "fixed"] as const) {
      await tool.run({
        variant,
        race: options.race,
        seed: 0,
        max_executions: 200,
        stop_on_first: false,
      });
    }
  }

  const { rates, fixedFailures, round2Failing } = await measureThroughput(tools, plan);
  const first = await measureFirstFailures(tools, plan, options.seeds);
  const pctDepths = measurePctDepths(
    plan,
    [2, 3, 4, 6, 8, 10, 12, 16],
    options.quick ? 2_000 : 20_000,
  );
  const shrunk = await measureCounterexamples(tools, plan, options.quick ? 5 : 30);
  const budget_executions = options.quick ? 500 : 2_000;
  const budget_ms = options.quick ? 200 : 1_000;
  const byCount = await measureCoverage(tools, plan, { executions: budget_executions });
  const byTime = await measureCoverage(tools, plan, { ms: budget_ms });
  const fullCap = options.quick ? 2_000 : 20_000;
  const full = await measureFullCoverage(
    tools,
    plan,
    space.fixed.traces,
    options.quick ? 2 : 5,
    fullCap,
  );

  const rows: string[][] = [
    ...throughputRows(names, rates),
    row("round2: share of executions that fail", names, med(round2Failing), percent),
    row("round2: executions to 1st failure, median", names, med(first.executions), count),
    row("round2: executions to 1st failure, worst", names, wst(first.executions), count),
    row("round2: time to 1st failure, median", names, med(first.time_ms), ms),
    row("round2: time to 1st failure, worst", names, wst(first.time_ms), ms),
    row("round2: counterexample steps, median", names, med(shrunk.reported), count),
    row("round2: counterexample steps, worst", names, wst(shrunk.reported), count),
    row("round2: counterexample preemptions, median", names, med(shrunk.preemptions), count),
    propertyRow(names, first.properties),
    row(
      `fixed: distinct interleavings in ${count(budget_executions)} executions`,
      names,
      (t) => byCount.get(t)?.interleavings ?? Number.NaN,
      count,
    ),
    row(
      `fixed: distinct traces in ${count(budget_executions)} executions`,
      names,
      (t) => byCount.get(t)?.traces ?? Number.NaN,
      count,
    ),
    row(
      `fixed: distinct interleavings in ${ms(budget_ms)}`,
      names,
      (t) => byTime.get(t)?.interleavings ?? Number.NaN,
      count,
    ),
    row(
      `fixed: distinct traces in ${ms(budget_ms)}`,
      names,
      (t) => byTime.get(t)?.traces ?? Number.NaN,
      count,
    ),
    row(
      `fixed: executions to reach all ${space.fixed.traces} traces, median`,
      names,
      med(full),
      count,
    ),
    row(
      `fixed: executions to reach all ${space.fixed.traces} traces, worst`,
      names,
      wst(full),
      count,
    ),
    row("fixed: violations found", names, (t) => fixedFailures.get(t) ?? Number.NaN, count, false),
  ];
  console.log();
  console.log(
    "Same program in both tools (fc.scheduler: race-fc.ts; streamsim: its twin race-sim.ts)",
  );
  console.log();
  console.log(markdownTable(["", ...names], rows));
  console.log();
  console.log(
    `The space, every interleaving enumerated: round2 ${count(space.round2.interleavings)} interleavings ` +
      `(up to the failure), ${count(space.round2.failing)} of them failing; fixed ` +
      `${count(space.fixed.interleavings)} interleavings in ${count(space.fixed.traces)} Mazurkiewicz ` +
      `traces, none failing.`,
  );
  console.log(
    `Ratios are streamsim / fast-check. fc.scheduler's counterexample is the schedule it prints ` +
      `(every task it released; it does not shrink), the violation came at its step ` +
      `${count(median(shrunk.until_violation.get(fcName) ?? []))} (median); streamsim's are shrunk ` +
      `(random, pct, dpor by shrinkSchedule; choices by fast-check's shrinker). "none": not within ` +
      `${count(plan.max_to_failure)} executions (first failure) or ${count(fullCap)} (all traces). ` +
      `Executions/s: median of ${options.rounds} rounds (every tool in turn in each); their ratio: the median of the ${options.rounds} rounds' ratios.`,
  );

  const k = pctDepths[0]?.steps_estimate ?? Number.NaN;
  console.log(
    `pct, share of round2 executions that fail, by bug depth d (${count(options.quick ? 2_000 : 20_000)} ` +
      `executions each, seed 1; change points fall among k = ${k} scheduling points): ` +
      `${pctDepths.map((p) => `d=${p.depth} ${percent(p.failing)}`).join(", ")}. ` +
      `A tool that draws each execution afresh has a median of 1 execution to the first failure ` +
      `only when more than half of its executions fail. When d−1 change points cover ` +
      `(nearly) all k scheduling points, pct switches actor at (nearly) every point: round-robin, ` +
      `not a search for a bug of depth d.`,
  );
  await waitAllNote(options);
  if (!options.no_model) await modelTable(options, streamsimTools);
}

/**
 * Why fc.scheduler runs with `waitIdle()`: the deprecated `waitAll()` is faster, but returns
 * before the program has run to its end, so its executions are not executions of the race.
 */
async function waitAllNote(options: BenchOptions): Promise<void> {
  const parts: string[] = [];
  for (const variant of ["round2", "fixed"] as const) {
    for (const wait of ["idle", "all"] as const) {
      let executions = 0;
      let steps = 0;
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(fc.scheduler(), async (s) => {
          executions++;
          steps += (await runRaceOnScheduler(s, variant, options.race, wait)).order.length;
        }),
        { numRuns: options.quick ? 300 : 2_000, seed: 11 },
      );
      const rate = (executions / (performance.now() - started)) * 1000;
      parts.push(
        `${variant} with wait${wait === "idle" ? "Idle" : "All"}(): ${count(rate)} executions/s, ` +
          `${(steps / executions).toFixed(1)} steps per execution`,
      );
    }
  }
  console.log(`fc.scheduler, how the program is awaited: ${parts.join("; ")}.`);
}

/** streamsim alone on the src/ model at the same shape: what the project's model costs. */
async function modelTable(options: BenchOptions, tools: readonly Tool[]): Promise<void> {
  const target = await loadModelTarget();
  console.log();
  if (target === null) {
    console.log("src/ protocol model: not present (src/index.ts does not load); table skipped.");
    return;
  }
  const plan: Plan = {
    race: options.race,
    target,
    rounds: Math.min(options.rounds, 3),
    throughput_fc: 0,
    throughput_sim: options.quick ? 300 : 2_000,
    max_to_failure: options.quick ? 2_000 : 20_000,
    run_budget_ms: options.quick ? 2_000 : 10_000,
  };
  const names = tools.map((t) => t.name);
  const { rates, fixedFailures } = await measureThroughput(tools, plan);
  const first = await measureFirstFailures(tools, plan, options.quick ? 6 : 30);
  const shrunk = await measureCounterexamples(tools, plan, options.quick ? 3 : 10);
  const rows: string[][] = [
    ...throughputRows(names, rates),
    row("round2: executions to 1st failure, median", names, med(first.executions), count),
    row("round2: executions to 1st failure, worst", names, wst(first.executions), count),
    row("round2: time to 1st failure, median", names, med(first.time_ms), ms),
    row("round2: counterexample steps (shrunk), median", names, med(shrunk.reported), count),
    row("round2: counterexample preemptions, median", names, med(shrunk.preemptions), count),
    propertyRow(names, first.properties),
    row("fixed: violations found", names, (t) => fixedFailures.get(t) ?? Number.NaN, count),
  ];
  const example = target.params("round2", options.race);
  console.log(
    `streamsim alone on the ${target.label} (${JSON.stringify(example)}); no fc.scheduler counterpart`,
  );
  console.log();
  console.log(markdownTable(["", ...names], rows));
  console.log();
  console.log(
    `A run stops after ${count(plan.max_to_failure)} executions or ${ms(plan.run_budget_ms ?? 0)}; ` +
      `"none": no failure within that. Executions/s: median of ${plan.rounds} rounds.`,
  );
}

await main();

/**
 * The executions/s rows that both tables start with: each tool's median over the rounds.
 * A streamsim tool's ratio is paired: the median over rounds of its rate divided by
 * fc.scheduler's in the same round. This machine's speed drifts by a quarter within a run,
 * and a ratio of two medians taken at different times carries that drift into the ratio.
 */
function throughputRows(
  names: readonly string[],
  rates: ReadonlyMap<string, number[]>,
): string[][] {
  return (["round2", "fixed"] as const).map((variant) => [
    `${variant}: executions/s`,
    ...names.map((t) => {
      const own = rates.get(`${t}/${variant}`) ?? [];
      const fcRates = rates.get(`${fcName}/${variant}`);
      if (t === fcName || fcRates === undefined) return count(median(own));
      const paired = own.map((rate, round) => rate / (fcRates[round] ?? Number.NaN));
      return `${count(median(own))} (${ratio(median(paired), 1)})`;
    }),
  ]);
}

/** Which property each tool saw broken on round2. */
function propertyRow(
  names: readonly string[],
  properties: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  return [
    "round2: property broken",
    ...names.map((t) => [...(properties.get(t) ?? [])].join(", ") || "none"),
  ];
}
