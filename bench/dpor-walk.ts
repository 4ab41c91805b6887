/**
 * Traces one Mazurkiewicz trace through a dpor search: where it was reached, or the
 * deepest prefixes of the search's executions that agree with it and what ran there
 * instead (see sim/dpor/walk.ts). For a trace that one order misses:
 *
 *   npm run check:dpor-orders -- --param events=the --param cancel=true \
 *     --param tabs=a0d/a2 --param horizon_s=4 --seeds 1 --missed missed.json
 *   npm run check:dpor-walk -- --missed missed.json --index 0
 *
 * (check:dpor-orders writes the file only when an order missed a trace: that scope's seed 1
 * missed 9 before the fix in dpor.ts's sleeperStandsFor.) Exits 0 when the
 * search reached the trace, 1 when it did not, 2 on bad input.
 *
 * or with the trace and the scope given by hand (`--trace`, `--param`, `--seed`).
 */
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { type WalkResult, walkTrace } from "../sim/dpor/walk.ts";
import type { Params, Scenario } from "../sim/index.ts";
import { boundedScope, protocolScenario } from "../src/index.ts";
import { paramOption as param } from "./param-option.ts";

const scenario = protocolScenario as unknown as Scenario<Params>;

function whole(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`expected a whole number, got '${raw}'`);
  return n;
}

const program = new Command("check:dpor-walk")
  .description(
    "trace one Mazurkiewicz trace of a protocol scope through a dpor search; exit 0: reached, 1: not reached, 2: bad input",
  )
  .addOption(
    new Option("--missed <file>", "a file written by check:dpor-orders --missed").conflicts([
      "trace",
      "variant",
      "param",
    ]),
  )
  .option("--index <n>", "which trace of that file", whole, 0)
  .option(
    "--trace <canonical>",
    "the trace, as a canonical form ('s0 s1.0 s0! ...'; '[1,0] s0 ...' when the setup made data choices)",
  )
  .option("--variant <name>", "protocol variant (with --trace)", "fixed")
  .option("--param <key=value>", "override a parameter of boundedScope (with --trace)", param, {})
  .option(
    "--seed <n>",
    "the dpor order to walk (default: the file's, else the first-option order)",
    whole,
  )
  .option("--max-executions <n>", "stop the search after this many executions", whole)
  .option("--top <n>", "how many of the deepest prefixes to print", whole, 3)
  .configureOutput({
    outputError: (text, write) =>
      write(`check:dpor-walk: ${text.split("\n")[0]?.replace(/^error: /, "")}\n`),
  })
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
program.parse();
const o = program.opts<{
  missed?: string;
  index: number;
  trace?: string;
  variant: string;
  param: Params;
  seed?: number;
  maxExecutions?: number;
  top: number;
}>();

function fail(message: string): never {
  console.error(`check:dpor-walk: ${message}`);
  process.exit(2);
}

let params: Params;
let trace: string;
let seed = o.seed;
try {
  if (o.missed !== undefined) {
    const file = JSON.parse(readFileSync(o.missed, "utf8")) as {
      params?: Params;
      missed?: { seed: number | null; trace: string }[];
    };
    if (file.params === undefined || !Array.isArray(file.missed)) {
      fail(`${o.missed} is not a file written by check:dpor-orders --missed (no params or missed)`);
    }
    const entry = file.missed[o.index];
    if (entry === undefined)
      fail(`${o.missed} has ${file.missed.length} traces; --index ${o.index} is past them`);
    params = file.params;
    trace = entry.trace;
    seed ??= entry.seed ?? undefined;
  } else if (o.trace !== undefined) {
    params = scenario.parseParams?.({ ...boundedScope(o.variant), ...o.param }) as Params;
    trace = o.trace;
  } else {
    fail("give --missed FILE (from check:dpor-orders) or --trace");
  }
} catch (err) {
  fail((err as Error).message);
}

let w: WalkResult;
try {
  w = walkTrace({
    scenario,
    params,
    trace,
    keep: o.top,
    on_progress: (n) => process.stderr.write(`  ${n.toLocaleString("en-US")} executions\n`),
    ...(seed === undefined ? {} : { seed }),
    ...(o.maxExecutions === undefined ? {} : { max_executions: o.maxExecutions }),
  });
} catch (err) {
  fail((err as Error).message);
}
const order = seed === undefined ? "the default order" : `seed ${seed}'s order`;
console.log(`trace of ${w.steps.length} steps (t<i>: step, <- the steps it comes right after):`);
w.steps.forEach((s, i) => {
  console.log(
    `  t${i} ${s.text}${s.after.length > 0 ? `  <- ${s.after.map((a) => `t${a}`).join(" ")}` : ""}`,
  );
});
const cut = o.maxExecutions !== undefined && w.executions >= o.maxExecutions;
console.log(
  `dpor in ${order}: ${w.executions.toLocaleString("en-US")} executions${cut ? " (cut by --max-executions)" : ""}; the trace was ${w.reached ? "REACHED" : "NOT reached"}`,
);
for (const p of w.deepest) {
  const kinds = Object.entries(p.kinds)
    .map(([k, v]) => `${v} ${k}`)
    .join(", ");
  console.log(`\ncompatible for ${p.path.length} steps (${p.executions} executions: ${kinds})`);
  console.log(`  ran: ${p.path.map((k) => `t${k}`).join(" ")}`);
  if (p.needed.length > 0) {
    console.log(
      `  the trace needed next: ${p.needed.map((k) => `t${k} ${w.steps[k]?.text}`).join(" | ")}`,
    );
    console.log(
      `  ran there instead:     ${p.taken.join(" | ") || "(nothing: every option asleep)"}`,
    );
    console.log(`  asleep there:          ${p.asleep.join(" ") || "(none)"}`);
  }
}
process.exit(w.reached ? 0 : 1);
