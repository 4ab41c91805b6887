import type { Command } from "commander";
import { type Outcome, plural } from "../../sim/index.ts";
import { stoppedByRuns } from "../catalog/strategies.ts";
import { type Catalog, loadCatalog, type Variant } from "../catalog.ts";
import { addOutputOptions, type BudgetFlags, type OutputFlags, outputFor } from "../cli/common.ts";
import type { HuntResult } from "../cli/hunt.ts";
import { parseDuration_ms, parseSeedOption, parseWholeNumber } from "../cli/input.ts";
import { EXIT, type ExitSlot } from "../cli/main.ts";
import { formatDuration, type Output, table } from "../cli/output.ts";
import { huntPreferred } from "../cli/portfolio.ts";
import { counterexampleJson } from "../cli/report.ts";
import { reproduceCommand } from "../cli/timeline.ts";
import { invariantOf, PASS, verdictOf } from "../cli/verdict.ts";

interface VerdictFlags extends OutputFlags, BudgetFlags {
  readonly variant?: string[];
  readonly seed?: string;
}

/** The whole table's default wall-clock budget: under a minute, as `npm start` promises. */
const DEFAULT_TOTAL_BUDGET_MS = 40_000;

export function addVerdictsCommand(program: Command, exit: ExitSlot): void {
  const cmd = program
    .command("verdicts")
    .description(
      "explore every built-in variant and print the verdict table (what `npm start` runs)",
    )
    .option("--variant <name...>", "only these variants (default: all)")
    .option(
      "--budget <duration>",
      "total wall-clock budget, split evenly across variants (default 40s, at most 60m)",
    )
    .option("--runs <n>", "at most n executions per variant")
    .option("--seed <n>", "seed of the seeded strategies (default 1)");
  addOutputOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Examples:
  $ npm start
  $ streamsim verdicts --budget 10s
  $ streamsim verdicts --variant counter-race counter-solo --json

Exit code 0 when every variant gives its expected verdict (buggy ones fail, the rest pass),
1 when one does not, 2 for bad input.`,
  );
  cmd.action(async (flags: VerdictFlags) => {
    exit.code = await verdicts(flags);
  });
}

interface Row {
  readonly variant: Variant;
  /** The strategy whose result is shown ("pct after dpor" when dpor found nothing). */
  readonly strategy: string;
  readonly result: HuntResult;
  /** The systematic exploration that came first, when it found nothing in its share. */
  readonly earlier: HuntResult | null;
  readonly matches: boolean;
}

async function verdicts(flags: VerdictFlags): Promise<number> {
  const out = outputFor(flags);
  const catalog = await loadCatalog();
  // A name given twice is explored once (a second row would only split the budget).
  const chosen = [...new Set(flags.variant ?? [])].map((name) => catalog.variant(name));
  const variants = chosen.length > 0 ? chosen : catalog.variants;
  const total_ms =
    flags.budget === undefined
      ? DEFAULT_TOTAL_BUDGET_MS
      : parseDuration_ms("--budget", flags.budget);
  const max_executions =
    flags.runs === undefined
      ? Number.MAX_SAFE_INTEGER
      : parseWholeNumber("--runs", flags.runs, 1, 1_000_000_000);
  const seed = flags.seed === undefined ? 1 : parseSeedOption(flags.seed);
  out.line(
    `Exploring ${plural(variants.length, "variant")} in ${formatDuration(total_ms)} at most${flags.runs === undefined ? "" : `, ${plural(max_executions, "execution")} each at most`}...`,
  );
  // Each variant gets an even share of what is left, so time a variant does not need (its
  // race shows up at once, or its space is exhausted) goes to the ones after it.
  const started = performance.now();
  const rows: Row[] = [];
  for (const [i, variant] of variants.entries()) {
    const left_ms = Math.max(0, total_ms - (performance.now() - started));
    const budget_ms = left_ms / (variants.length - i);
    rows.push(await exploreVariant(catalog, variant, { seed, budget_ms, max_executions, out }));
  }
  out.document({
    streamsim_json: 1,
    command: "verdicts",
    budget_ms: total_ms,
    variants: rows.map((r) => ({
      variant: r.variant.name,
      scenario: r.variant.scenario.name,
      strategy: r.strategy,
      expected: r.variant.expected,
      verdict: r.result.verdict,
      matches_expected: r.matches,
      executions: r.result.explored.executions,
      elapsed_ms: Math.round(r.result.explored.elapsed_ms),
      exhausted: r.result.explored.exhausted,
      bounds: r.result.explored.bounds,
      before:
        r.earlier === null
          ? null
          : {
              strategy: r.earlier.explored.strategy,
              executions: r.earlier.explored.executions,
              elapsed_ms: Math.round(r.earlier.explored.elapsed_ms),
            },
      counterexample:
        r.result.counterexample === null ? null : counterexampleJson(r.result.counterexample),
    })),
  });
  printTable(rows, out, max_executions);
  printNext(rows, out);
  return rows.every((r) => r.matches) ? EXIT.ok : EXIT.failed;
}

async function exploreVariant(
  catalog: Catalog,
  variant: Variant,
  o: { seed: number; budget_ms: number; max_executions: number; out: Output },
): Promise<Row> {
  // A buggy variant can break several invariants (a lost terminal is also an endless
  // wait); the table hunts for the one its real bug broke, and shows any other it met.
  const target =
    variant.expected === PASS ? undefined : (o: Outcome) => verdictOf(o) === variant.expected;
  const p = await huntPreferred(catalog, {
    preferred: variant.strategy,
    ...(target === undefined ? {} : { target }),
    scenario: variant.scenario,
    params: { ...variant.scenario.defaults, ...(variant.exploreParams ?? variant.params) },
    ...o,
  });
  return { variant, ...p, matches: p.result.verdict === variant.expected };
}

function printTable(rows: readonly Row[], out: Output, max_executions: number): void {
  const body = rows.map((r) => {
    const c = r.result.counterexample;
    const e = r.result.explored;
    const verdict = c === null ? "pass" : "FAIL";
    const scope =
      c === null
        ? !e.exhausted
          ? stoppedByRuns(e, max_executions)
            ? "--runs"
            : "budget"
          : e.bounds.length > 0
            ? "bounded"
            : e.systematic
              ? "all interleavings"
              : "exhausted"
        : "";
    return [
      r.variant.name,
      r.matches ? verdict : `${verdict} (expected ${r.variant.expected})`,
      c === null ? "-" : (invariantOf(c.verdict) ?? c.verdict),
      c === null ? "-" : String(c.trace.steps.length),
      c === null
        ? `${e.executions.toLocaleString("en-US")} (${scope})`
        : c.executions_to_failure.toLocaleString("en-US"),
      formatDuration(c === null ? e.elapsed_ms : c.elapsed_to_failure_ms),
      r.strategy,
    ];
  });
  const lines = table(
    ["variant", "verdict", "invariant broken", "steps", "executions", "time", "strategy"],
    body,
  );
  out.line("");
  out.essential(lines[0] as string);
  out.essential(lines[1] as string);
  lines.slice(2).forEach((line, i) => {
    const r = rows[i] as Row;
    out.essential(r.matches ? line : out.paint("red", line));
  });
  out.line("");
  out.line(
    "steps: of the shrunk counterexample. executions and time: until the first failure, or in total when none was found.",
  );
  if (rows.some((r) => r.earlier !== null)) {
    out.line(
      "pct after dpor: dpor neither found the failure nor finished in its share of the budget, then pct ran; executions and time count both (each one's figures are in --json).",
    );
  }
}

function printNext(rows: readonly Row[], out: Output): void {
  out.line("");
  out.line(out.paint("bold", "Where to go next"));
  for (const r of rows) {
    const c = r.result.counterexample;
    if (c === null) continue;
    out.line(`  ${r.variant.name}: ${reproduceCommand(c.trace.schedule)}`);
  }
  out.line("  see a race step by step:      npx streamsim run --variant <name> --out race.json");
  out.line("  shrink a trace you saved:     npx streamsim shrink race.json");
  out.line(
    "  keep it from coming back:     npx streamsim corpus add race.json && npx streamsim corpus replay",
  );
  out.line("  every scenario and strategy:  npx streamsim list");
  const wrong = rows.filter((r) => !r.matches);
  for (const r of wrong) {
    out.essential(
      out.paint(
        "red",
        `variant ${r.variant.name} gave ${r.result.verdict}, expected ${r.variant.expected}`,
      ),
    );
  }
}
