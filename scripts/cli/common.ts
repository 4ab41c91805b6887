import { type Command, Option } from "commander";
import type { StrategyOptions } from "../catalog/strategies.ts";
import type { Catalog, StrategySpec } from "../catalog.ts";
import {
  OptionValueError,
  parseDuration_ms,
  parseSeedOption,
  parseShardOption,
  parseWholeNumber,
} from "./input.ts";
import { Output } from "./output.ts";

/** Options every command with output takes. */
export interface OutputFlags {
  readonly json?: boolean;
  readonly quiet?: boolean;
}

export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option("--json", "print one JSON document on stdout instead of text (shape: see README)")
    .option("-q, --quiet", "print only the result line(s)");
}

export function outputFor(flags: OutputFlags): Output {
  return new Output({ json: flags.json === true, quiet: flags.quiet === true });
}

/** Raw strategy flags as commander hands them over (strings, parsed here). */
export interface StrategyFlags {
  readonly strategy?: string;
  readonly seed?: string;
  readonly depth?: string;
  readonly preemptionBound?: string;
  readonly shard?: string;
  readonly workers?: string;
}

export function addStrategyOptions(cmd: Command, defaultNote: string): Command {
  return cmd
    .option("--strategy <name>", `how to explore: random, pct, choices, ... (${defaultNote})`)
    .option(
      "--seed <n>",
      "seed of the random choices (default 1); dpor: explore in a random order from it",
    )
    .option("--depth <d>", "pct bug depth: ordering constraints the bug needs (default 3)")
    .option("--preemption-bound <n>", "systematic strategies: at most n preemptions per execution")
    .option("--shard <k/n>", "run only shard k of n (split a search across CI jobs)")
    .option(
      "--workers <n>",
      "with --strategy dpor or exhaustive: split the search over n worker threads",
    );
}

/** Builds the strategy from its flags; an option the strategy would ignore is an error. */
export function strategyFrom(
  catalog: Catalog,
  flags: StrategyFlags,
  fallback: string,
): { spec: StrategySpec; options: StrategyOptions } {
  const spec = catalog.strategy(flags.strategy ?? fallback);
  const given: [Exclude<keyof StrategyOptions, "seed_given">, string, string | undefined][] = [
    ["seed", "--seed", flags.seed],
    ["depth", "--depth", flags.depth],
    ["preemption_bound", "--preemption-bound", flags.preemptionBound],
    ["shard", "--shard", flags.shard],
    ["workers", "--workers", flags.workers],
  ];
  for (const [key, flag, value] of given) {
    if (value === undefined || spec.reads.includes(key)) continue;
    // Without --strategy the user never named the fallback: "strategy 'pct' does not use
    // --preemption-bound" reads as a bug when the help says dpor runs first.
    const reader = catalog.strategies.find((s) => s.explores && s.reads.includes(key));
    if (flags.strategy === undefined && reader !== undefined) {
      throw new OptionValueError(
        `${flag} needs --strategy (without it, ${flag} would go to ${spec.name}, which does not use it); name one that does, e.g. --strategy ${reader.name} (see 'streamsim list')`,
      );
    }
    throw new OptionValueError(
      `strategy '${spec.name}' does not use ${flag}; drop it or pick a strategy that does (see 'streamsim list')`,
    );
  }
  const options: StrategyOptions = {
    seed: flags.seed === undefined ? 1 : parseSeedOption(flags.seed),
    seed_given: flags.seed !== undefined,
    depth: flags.depth === undefined ? 3 : parseWholeNumber("--depth", flags.depth, 1, 20),
    ...(flags.preemptionBound === undefined
      ? {}
      : {
          preemption_bound: parseWholeNumber("--preemption-bound", flags.preemptionBound, 0, 100),
        }),
    ...(flags.shard === undefined ? {} : { shard: parseShardOption(flags.shard) }),
    ...(flags.workers === undefined
      ? {}
      : { workers: parseWholeNumber("--workers", flags.workers, 1, 64) }),
  };
  // Here, not when the search starts: by then the command has printed its first lines.
  spec.check?.(options);
  return { spec, options };
}

/** Raw budget flags. */
export interface BudgetFlags {
  readonly runs?: string;
  readonly budget?: string;
}

export function addBudgetOptions(cmd: Command, defaultBudget: string): Command {
  return cmd
    .option("--runs <n>", "at most n executions")
    .addOption(
      new Option(
        "--budget <duration>",
        `wall-clock budget: 500ms, 30s, 2m, at most 60m (default ${defaultBudget}, or none with --runs)`,
      ),
    );
}

/** The execution cap and wall-clock budget; --runs alone lifts the default time budget. */
export function budgetFrom(
  flags: BudgetFlags,
  defaultBudget_ms: number,
): { max_executions: number; budget_ms: number } {
  const max_executions =
    flags.runs === undefined
      ? Number.MAX_SAFE_INTEGER
      : parseWholeNumber("--runs", flags.runs, 1, 1_000_000_000);
  const budget_ms =
    flags.budget !== undefined
      ? parseDuration_ms("--budget", flags.budget)
      : flags.runs !== undefined
        ? Number.POSITIVE_INFINITY
        : defaultBudget_ms;
  return { max_executions, budget_ms };
}
