import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { probeWarning } from "../../sim/dpor/coverage.ts";
import type { ProbeReport } from "../../sim/dpor/probe.ts";
import type { Shard } from "../../sim/dpor/shard.ts";
import { type Params, plural } from "../../sim/index.ts";
import { formatSchedule } from "../../sim/schedule.ts";
import { type Exploration, stoppedByRuns } from "../catalog/strategies.ts";
import { loadCatalog } from "../catalog.ts";
import {
  addBudgetOptions,
  addOutputOptions,
  addStrategyOptions,
  type BudgetFlags,
  budgetFrom,
  type OutputFlags,
  outputFor,
  type StrategyFlags,
  strategyFrom,
} from "../cli/common.ts";
import { checkForceHasOutput, checkOutputPath } from "../cli/files.ts";
import { checkHtmlOption } from "../cli/html.ts";
import { hunt } from "../cli/hunt.ts";
import { OptionValueError } from "../cli/input.ts";
import { EXIT, type ExitSlot } from "../cli/main.ts";
import { formatDuration } from "../cli/output.ts";
import { huntPreferred } from "../cli/portfolio.ts";
import { counterexampleJson, printTrace } from "../cli/report.ts";
import { collectParam, resolveTarget } from "../cli/target.ts";

interface RunFlags extends OutputFlags, StrategyFlags, BudgetFlags {
  readonly variant?: string;
  readonly scenario?: string;
  readonly param?: Params;
  readonly out?: string;
  readonly html?: string;
  readonly force?: boolean;
  /** False with --no-shrink. */
  readonly shrink?: boolean;
}

const DEFAULT_BUDGET_MS = 10_000;

export function addRunCommand(program: Command, exit: ExitSlot): void {
  const cmd = program
    .command("run")
    .description(
      "explore one variant (or scenario); on a violation print the shrunk counterexample as a timeline and the command that replays it",
    )
    .option("--variant <name>", "a built-in variant (see 'streamsim list')")
    .option("--scenario <name>", "a scenario, explored with its default parameters")
    .option("--param <key=value>", "set a scenario parameter (repeatable)", collectParam);
  addStrategyOptions(
    cmd,
    "default: dpor, handing over to pct if dpor neither fails nor finishes in 60% of the budget (and of --runs)",
  );
  addBudgetOptions(cmd, "10s");
  cmd
    .option("--out <trace.json>", "write the shrunk counterexample's trace to this file")
    .option("--no-shrink", "print and write the failing execution as found")
    .option("--html <file.html>", "write the counterexample as an HTML swimlane report")
    .option("--force", "replace the --out or --html file if it exists");
  addOutputOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Examples:
  $ streamsim run --variant counter-race
  $ streamsim run --variant counter-race --strategy random --seed 7 --runs 1000
  $ streamsim run --scenario counter --param workers=3 --budget 30s --out race.json
  $ streamsim run --variant counter-solo --json
  $ streamsim run --variant round2 --no-shrink --out race.json --html race.html
  $ streamsim run --variant fixed --strategy dpor --preemption-bound 2

Exit code 1 when a violation was found, 0 when none, 2 for bad input.`,
  );
  cmd.action(async (flags: RunFlags) => {
    exit.code = await run(flags);
  });
}

async function run(flags: RunFlags): Promise<number> {
  const out = outputFor(flags);
  checkForceHasOutput(flags.force, [flags.out, flags.html], "--out or --html");
  checkOutputPath(flags.out, "--out", flags.force === true);
  checkHtmlOption(flags.html, flags.force === true, flags.out);
  const catalog = await loadCatalog();
  const target = resolveTarget(catalog, flags);
  const { spec, options } = strategyFrom(catalog, flags, "pct");
  const budget = budgetFrom(flags, DEFAULT_BUDGET_MS);
  const source = catalog.sourceOf(target.scenario.name);
  if (options.workers !== undefined && flags.budget !== undefined) {
    throw new OptionValueError(
      "--workers runs the search to its end (or to --runs per worker); drop --budget, or drop --workers",
    );
  }
  if (flags.strategy === undefined && options.shard !== undefined) {
    // Without --strategy, dpor runs and pct takes over when dpor neither fails nor ends in
    // its share of the budget: a shard of that would be a shard of neither search.
    throw new OptionValueError(
      "--shard splits the search of one strategy; name it with --strategy (dpor, exhaustive, random, pct or choices)",
    );
  }
  const name = target.variant?.name ?? target.scenario.name;
  // Without --strategy, explore the way the verdict table does (dpor, then pct if dpor
  // neither finishes nor fails); an explicit --strategy runs alone.
  const preferred =
    flags.strategy !== undefined
      ? spec.name
      : (target.variant?.strategy ??
        (catalog.strategies.some((x) => x.name === "dpor") ? "dpor" : "pct"));
  out.line(
    `Exploring ${out.paint("bold", name)} (scenario ${target.scenario.name}) with ${preferred}`,
  );
  const cores = availableParallelism();
  if (options.workers !== undefined && options.workers > cores) {
    // Not an error: the search covers the same space, with no speed-up beyond one worker
    // per core. Said, as whoever asked for more likely expected one.
    out.line(
      `  note: ${plural(options.workers, "worker")} on ${plural(cores, "core")}: they share them; expect no speed-up beyond ${cores}`,
    );
  }
  const hunted =
    preferred === spec.name
      ? {
          result: await hunt({
            scenario: target.scenario,
            params: target.params,
            strategy: spec,
            options,
            ...budget,
            shrink: flags.shrink !== false,
            out,
            ...(source === undefined ? {} : { source }),
          }),
          earlier: null,
        }
      : await huntPreferred(catalog, {
          preferred,
          scenario: target.scenario,
          params: target.params,
          seed: options.seed,
          depth: options.depth,
          ...budget,
          shrink: flags.shrink !== false,
          out,
        });
  const result = hunted.result;
  const earlier = hunted.earlier?.explored;
  if (earlier !== undefined) {
    out.line(
      `  ${earlier.strategy}: no failure in ${plural(earlier.executions, "execution")} (${formatDuration(earlier.elapsed_ms)}), space not exhausted; pct took over`,
    );
  }
  const e = result.explored;
  const c = result.counterexample;
  out.document({
    streamsim_json: 1,
    command: "run",
    scenario: target.scenario.name,
    variant: target.variant?.name ?? null,
    params: target.params,
    strategy: e.strategy,
    executions: e.executions,
    elapsed_ms: Math.round(e.elapsed_ms),
    exhausted: e.exhausted,
    bounds: e.bounds,
    coverage: e.coverage,
    before:
      earlier === undefined
        ? null
        : {
            strategy: earlier.strategy,
            executions: earlier.executions,
            elapsed_ms: Math.round(earlier.elapsed_ms),
          },
    verdict: result.verdict,
    counterexample: c === null ? null : counterexampleJson(c),
  });
  out.line(`  ${e.strategy}`);
  if (e.coverage !== null) out.line(`  coverage: ${coverageLine(e.coverage)}`);
  const probe = e.coverage?.probe as ProbeReport | undefined;
  const missed = c === null && e.exhausted && e.bounds.length === 0 && options.shard === undefined;
  if (probe !== undefined && (probe.differing > 0 || (missed && probe.unmatched > 0))) {
    out.line(`  probe: ${probeWarning(probe, missed)}`);
    const first = probe.first;
    if (first !== undefined) {
      const search = first.search_ended === null ? "" : `; the search's: ${first.search_ended}`;
      out.line(
        `  one of them (${first.ended}${search}): npx streamsim replay '${formatSchedule(first.run.schedule)}'`,
      );
    }
  }
  if (c === null) {
    out.essential(
      `No violation in ${plural(e.executions, "execution")} (${formatDuration(e.elapsed_ms)}; ${scopeOf(e, options.shard, budget.max_executions, options.workers !== undefined)}).`,
    );
    // --out and --html write a counterexample; say so rather than leave the user looking.
    const asked = [flags.out, flags.html].filter((f) => f !== undefined);
    if (asked.length > 0)
      out.line(`No counterexample, so nothing written to ${asked.join(" or ")}.`);
    return EXIT.ok;
  }
  // The result, kept by --quiet as "No violation in ..." is: without it a quiet run that
  // found a race printed only the command to replay it.
  out.essential(
    `Found ${c.verdict} after ${plural(c.executions_to_failure, "execution")} (${formatDuration(c.elapsed_to_failure_ms)}); ${
      c.shrink === null
        ? `not shrunk (--no-shrink): ${plural(c.trace.steps.length, "step")}, ${plural(c.trace.preemptions, "preemption")}.`
        : `shrunk from ${c.shrink.before.steps} to ${plural(c.shrink.steps, "step")} (${plural(c.shrink.preemptions, "preemption")}) in ${plural(c.shrink.attempts, "attempt")}.`
    }`,
  );
  out.line("");
  printTrace(c.trace, out, {
    ...(flags.out === undefined ? {} : { out: flags.out }),
    ...(flags.html === undefined ? {} : { html: flags.html }),
    force: flags.force === true,
    ...(target.variant === undefined ? {} : { variant: target.variant }),
  });
  return EXIT.failed;
}

/**
 * What a failure-free run covered, in words that never claim more than it did: a shard
 * covers only its part of the space, and a bound only the interleavings within it.
 */
function scopeOf(
  e: Exploration,
  shard: Shard | undefined,
  max_executions: number,
  pooled: boolean,
): string {
  // A run that stopped early says which limit stopped it: --runs (per worker under
  // --workers, which takes no time budget) or the time budget.
  if (!e.exhausted) {
    const each = pooled ? " per worker" : "";
    // A pool of workers has no time budget: only --runs stops it.
    const byRuns = pooled || stoppedByRuns(e, max_executions);
    const limit = byRuns ? `--runs ${max_executions}${each}` : "time budget";
    return `${limit} used up: not a proof`;
  }
  const within = e.bounds.length > 0 ? ` within ${e.bounds.join(", ")}` : "";
  if (!e.systematic) return `the strategy had nothing left to try${within}`;
  const part = shard === undefined ? "" : ` of shard ${shard.index + 1}/${shard.count}`;
  return `every interleaving${part}${within}`;
}

/** The systematic strategies' figures in one line: what a bounded proof covered. */
function coverageLine(c: Readonly<Record<string, unknown>>): string {
  const parts = [plural(Number(c.executions), "execution")];
  // Only dpor abandons executions (exhaustive never starts one past the bound): for
  // exhaustive, "0 pruned by the bound" read as "the bound cut nothing".
  if (String(c.strategy).startsWith("dpor")) {
    parts.push(
      `${Number(c.sleep_blocked).toLocaleString("en-US")} sleep-blocked`,
      `${Number(c.pruned_by_bound).toLocaleString("en-US")} pruned by the bound`,
    );
  }
  if (Number(c.other_shard) > 0) {
    parts.push(`${Number(c.other_shard).toLocaleString("en-US")} run for other shards`);
  }
  if (c.traces !== null) parts.push(plural(Number(c.traces), "Mazurkiewicz trace"));
  if (c.final_states !== null) parts.push(plural(Number(c.final_states), "final state"));
  parts.push(c.exhausted === true ? "space exhausted" : "space not exhausted");
  return parts.join(", ");
}
