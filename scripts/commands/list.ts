import type { Command } from "commander";
import { formatParams, plural } from "../../sim/index.ts";
import { loadCatalog } from "../catalog.ts";
import { addOutputOptions, type OutputFlags, outputFor } from "../cli/common.ts";
import { EXIT, type ExitSlot } from "../cli/main.ts";
import { table } from "../cli/output.ts";

export function addListCommand(program: Command, exit: ExitSlot): void {
  const cmd = program
    .command("list")
    .description(
      "list the scenarios, variants (with their policy values), invariants and strategies",
    );
  addOutputOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Examples:
  $ streamsim list
  $ streamsim list --json | jq '.variants[].name'`,
  );
  cmd.action(async (flags: OutputFlags) => {
    exit.code = await list(flags);
  });
}

async function list(flags: OutputFlags): Promise<number> {
  const out = outputFor(flags);
  const catalog = await loadCatalog();
  const scenarios = catalog.scenarios.all();
  const strategies = catalog.strategies.filter((s) => s.explores || s.name === "replay");
  out.document({
    streamsim_json: 1,
    command: "list",
    scenarios: scenarios.map((s) => ({ name: s.name, summary: s.summary, defaults: s.defaults })),
    variants: catalog.variants.map((v) => ({
      name: v.name,
      scenario: v.scenario.name,
      summary: v.summary,
      policies: v.policies,
      expected: v.expected,
      strategy: v.strategy,
    })),
    invariants: catalog.invariants,
    strategies: strategies.map((s) => ({
      name: s.name,
      summary: s.summary,
      systematic: s.systematic,
      options: s.reads,
    })),
  });
  // Sections are set apart by a blank line; none before the first.
  let first = true;
  const section = (title: string) => {
    if (!first) out.line("");
    first = false;
    out.line(out.paint("bold", title));
  };
  section("Scenarios");
  for (const line of table(
    ["name", "default parameters", "summary"],
    scenarios.map((s) => [s.name, formatParams(s.defaults), s.summary]),
  ))
    out.line(`  ${line}`);
  section("Variants");
  for (const line of table(
    ["name", "scenario", "expected", "policies"],
    catalog.variants.map((v) => [
      v.name,
      v.scenario.name,
      v.expected,
      Object.entries(v.policies)
        .map(([k, value]) => `${k}=${JSON.stringify(value)}`)
        .join(" "),
    ]),
  ))
    out.line(`  ${line}`);
  section("Invariants");
  for (const line of table(
    ["name", "scenario", "summary"],
    catalog.invariants.map((i) => [i.name, i.scenario, i.summary]),
  ))
    out.line(`  ${line}`);
  section("Strategies");
  for (const line of table(
    ["name", "options", "summary"],
    strategies.map((s) => [
      s.name,
      s.reads.map((r) => `--${r.replace("_", "-")}`).join(" "),
      s.summary,
    ]),
  ))
    out.line(`  ${line}`);
  if (out.quiet && !out.json) {
    out.essential(
      `${plural(scenarios.length, "scenario")}, ${plural(catalog.variants.length, "variant")}, ${plural(catalog.invariants.length, "invariant")}, ${plural(strategies.length, "strategy", "strategies")}`,
    );
  }
  return EXIT.ok;
}
