/**
 * dpor checked against itself: one protocol scope explored to the end in the default order
 * and in seeded orders, trace set against trace set. Every order must reach the same
 * Mazurkiewicz traces; a trace that one order reaches and another misses is a loss. (Plain
 * enumeration cannot be the reference here: even a one-event, one-tab scope has millions
 * of interleavings.) Exits 1 when the orders disagree, and 2 when an execution breaks an
 * invariant or the step budget: it ends there, so a failing variant's trace sets depend on
 * the order.
 *
 *   npm run check:dpor-orders -- --param tabs=a0d --param horizon_s=6 --seeds 1,2,5
 *
 * Parameters are boundedScope("fixed")'s, each --param overriding one. With `--missed
 * FILE`, the canonical forms of up to 20 missed traces are written to FILE (the orders that
 * reached them run again to find them), for `npm run check:dpor-walk` to trace one through
 * the order that missed it.
 */
import { existsSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { exploreSystematic } from "../sim/dpor/systematic.ts";
import { NumberSet } from "../sim/hash-collections.ts";
import type { Params, Scenario } from "../sim/index.ts";
import { boundedScope, protocolScenario } from "../src/index.ts";
import { paramOption as param } from "./param-option.ts";

const scenario = protocolScenario as unknown as Scenario<Params>;

function seeds(raw: string): number[] {
  const list = raw.split(",").map(Number);
  if (list.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new InvalidArgumentError(`expected whole numbers joined by commas, got '${raw}'`);
  }
  return list;
}

const program = new Command("check:dpor-orders")
  .description("explore one protocol scope in several dpor orders and compare their trace sets")
  .option("--variant <name>", "protocol variant", "fixed")
  .option("--param <key=value>", "override a parameter of boundedScope (repeatable)", param, {})
  .option("--seeds <list>", "seeded orders besides the default one", seeds, [1, 2, 5])
  .option("--missed <file>", "write up to 20 missed traces to this JSON file (must not exist)")
  .configureOutput({
    outputError: (text, write) =>
      write(`check:dpor-orders: ${text.split("\n")[0]?.replace(/^error: /, "")}\n`),
  })
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
program.parse();
const options = program.opts<{
  variant: string;
  param: Params;
  seeds: number[];
  missed?: string;
}>();
if (options.missed !== undefined && existsSync(options.missed)) {
  console.error(`check:dpor-orders: ${options.missed} exists; name a new file for --missed`);
  process.exit(2);
}
// Checked now, not after minutes of search: the file's directory must exist.
if (options.missed !== undefined && !existsSync(dirname(resolve(options.missed)))) {
  console.error(
    `check:dpor-orders: no directory for ${options.missed}; name a file in an existing one`,
  );
  process.exit(2);
}

let params: Params;
try {
  params = scenario.parseParams?.({ ...boundedScope(options.variant), ...options.param }) as Params;
} catch (err) {
  console.error(`check:dpor-orders: ${(err as Error).message}`);
  process.exit(2);
}
console.log(`dpor orders on ${JSON.stringify(params)}`);

const union = new NumberSet();
const reached: { order: string; traces: NumberSet }[] = [];
for (const seed of [undefined, ...options.seeds]) {
  const order = seed === undefined ? "default" : `seed ${seed}`;
  const c = exploreSystematic({
    scenario,
    params,
    strategy: "dpor",
    stop_on_first: false,
    count_states: false,
    keep_hashes: true,
    ...(seed === undefined ? {} : { seed }),
  });
  const cut = c.outcomes.violation + c.outcomes.crash + c.outcomes.budget;
  if (cut > 0) {
    // An execution ends at its violation, so which traces exist depends on the order.
    console.error(
      `check:dpor-orders: the ${order} order met ${cut.toLocaleString("en-US")} executions that break an invariant or the step budget; each ends there, so the orders' trace sets cannot be compared: check a variant that passes (fixed)`,
    );
    process.exit(2);
  }
  const traces = new NumberSet(c.trace_hashes ?? []);
  for (const h of traces) union.add(h);
  reached.push({ order, traces });
  console.log(
    `  ${order}: ${c.traces?.toLocaleString("en-US")} traces, ${c.sleep_blocked.toLocaleString("en-US")} sleep-blocked, ` +
      `${c.infeasible.toLocaleString("en-US")} infeasible, ${unfinished(c.outcomes.horizon, c.outcomes.deadlock)}` +
      `${c.exhausted ? "exhausted" : "NOT exhausted"}, ${(c.elapsed_ms / 1000).toFixed(1)} s`,
  );
}
/**
 * Executions that ended unfinished, with nothing left to run: no order can take them
 * further, so they do not stop the check. A `horizon` one needs a timer past the horizon.
 * On the cancel scope within 4 s, each order meets 873: in every one (a throw-away script
 * in round 24 looked at the actors left), the worker is done and tab-1's second handler
 * waits on its queue, as the run's cancel (not journaled) went out before it subscribed;
 * only its liveness check, on the heartbeat at 5 s, would end that wait. (Until round 24
 * this line printed the length of the list of failures kept, which stops at 20.)
 */
function unfinished(horizon: number, deadlock: number): string {
  const parts = [`${horizon.toLocaleString("en-US")} reached the horizon, `];
  if (deadlock > 0) parts.push(`${deadlock.toLocaleString("en-US")} deadlocked, `);
  return parts.join("");
}

const missed = reached.map((r) => ({ order: r.order, missed: union.size - r.traces.size }));
console.log(`union: ${union.size.toLocaleString("en-US")} traces`);
for (const m of missed) console.log(`  ${m.order} misses ${m.missed.toLocaleString("en-US")}`);
if (options.missed !== undefined) writeMissed(options.missed);

/**
 * Up to 20 traces that some order missed, each with the seed of an order that missed it
 * (null: the default order), found by running the orders that reached them again.
 */
function writeMissed(file: string): void {
  const wanted = new Map<number, number | null>();
  for (const [i, r] of reached.entries()) {
    for (const h of union) {
      if (wanted.size >= 20) break;
      if (!r.traces.has(h) && !wanted.has(h))
        wanted.set(h, i === 0 ? null : (options.seeds[i - 1] as number));
    }
  }
  if (wanted.size === 0) {
    console.log(`no order missed a trace: nothing written to ${file}`);
    return;
  }
  const found: { seed: number | null; trace: string; hash: number }[] = [];
  for (const [i, r] of reached.entries()) {
    if (found.length === wanted.size) break;
    if (![...wanted.keys()].some((h) => r.traces.has(h))) continue;
    exploreSystematic({
      scenario,
      params,
      strategy: "dpor",
      stop_on_first: false,
      count_states: false,
      ...(i === 0 ? {} : { seed: options.seeds[i - 1] as number }),
      on_trace: (c, h) => {
        if (wanted.has(h) && !found.some((f) => f.hash === h)) {
          found.push({ seed: wanted.get(h) ?? null, trace: c, hash: h });
        }
      },
    });
  }
  try {
    writeFileSync(
      file,
      `${JSON.stringify({ params, missed: found.map(({ seed, trace }) => ({ seed, trace })) }, null, 1)}\n`,
      { flag: "wx" },
    );
  } catch (err) {
    console.error(`check:dpor-orders: cannot write ${file}: ${(err as Error).message}`);
    process.exit(2);
  }
  console.log(`${found.length} missed traces written to ${file}`);
}
process.exit(missed.some((m) => m.missed > 0) ? 1 : 0);
