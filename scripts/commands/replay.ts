import type { Command } from "commander";
import { assert, type Divergence, describeOutcome, plural } from "../../sim/index.ts";
import { loadCatalog } from "../catalog.ts";
import { addOutputOptions, type OutputFlags, outputFor } from "../cli/common.ts";
import { checkForceHasOutput, checkNotInput, checkOutputPath } from "../cli/files.ts";
import { checkHtmlOption } from "../cli/html.ts";
import { EXIT, type ExitSlot } from "../cli/main.ts";
import type { Output } from "../cli/output.ts";
import { printTrace } from "../cli/report.ts";
import { divergenceWhere, type ReplayInput, readReplayInput, replayInput } from "../cli/target.ts";
import { reproduceCommand } from "../cli/timeline.ts";
import { verdictOf } from "../cli/verdict.ts";

interface ReplayFlags extends OutputFlags {
  readonly out?: string;
  readonly html?: string;
  readonly force?: boolean;
}

export function addReplayCommand(program: Command, exit: ExitSlot): void {
  const cmd = program
    .command("replay")
    .description(
      "replay a schedule or a trace file exactly and print its timeline; fails loudly if a trace's execution diverges from the recording",
    )
    .argument("<schedule-or-trace>", "schedule text 'ss1:...' or a trace .json file")
    .option("--out <trace.json>", "write the replayed trace to this file")
    .option("--html <file.html>", "write the execution as an HTML swimlane report")
    .option("--force", "replace the --out or --html file if it exists");
  addOutputOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Examples:
  $ streamsim replay 'ss1:counter:workers=2:0.1x2.0'
  $ streamsim replay 'ss1:counter:workers=2:0.1x2.0' --out race.json
  $ streamsim replay race.json

Exit code 1 when the execution fails or diverges from the trace file (its steps differ, or
its schedule no longer fits the scenario), 0 when every check held, 2 for bad input (a
schedule or trace that does not parse, or a schedule given as text that does not fit).`,
  );
  cmd.action(async (input: string, flags: ReplayFlags) => {
    exit.code = await replay(input, flags);
  });
}

async function replay(input: string, flags: ReplayFlags): Promise<number> {
  const out = outputFor(flags);
  checkForceHasOutput(flags.force, [flags.out, flags.html], "--out or --html");
  // Replaying a trace file into itself would, with --force, replace the recording that the
  // replay is checked against (by the HTML report, with --html).
  checkNotInput(flags.out, "--out", input, "replayed");
  checkNotInput(flags.html, "--html", input, "replayed");
  checkOutputPath(flags.out, "--out", flags.force === true);
  checkHtmlOption(flags.html, flags.force === true, flags.out);
  const catalog = await loadCatalog();
  const r = readReplayInput(catalog, input);
  const { trace, divergence } = replayInput(r);
  const variant = catalog.variantOf(r.scenario.name, r.params);
  if (trace === null) {
    assert(divergence !== null, "replayInput gave no trace and no divergence");
    const code = noLongerFits(out, r, variant?.name ?? null, divergence);
    const asked = [flags.out, flags.html].filter((f) => f !== undefined);
    if (asked.length > 0)
      out.line(`No execution of today's to write, so nothing written to ${asked.join(" or ")}.`);
    return code;
  }
  const verdict = verdictOf(trace.outcome);
  out.document({
    streamsim_json: 1,
    command: "replay",
    scenario: r.scenario.name,
    variant: variant?.name ?? null,
    params: r.params,
    schedule: trace.schedule,
    verdict,
    outcome: describeOutcome(trace.outcome),
    steps: trace.steps.length,
    preemptions: trace.preemptions,
    diverged: divergence,
    reproduce: reproduceCommand(trace.schedule),
    trace,
  });
  if (divergence !== null) reportDivergence(divergence);
  out.line(
    `Replaying ${variant?.name ?? r.scenario.name} (scenario ${r.scenario.name}), ${plural(r.schedule.decisions.length, "decision")}`,
  );
  out.line("");
  printTrace(trace, out, {
    ...(flags.out === undefined ? {} : { out: flags.out }),
    ...(flags.html === undefined ? {} : { html: flags.html }),
    force: flags.force === true,
    ...(variant === undefined ? {} : { variant }),
    outcomeIsResult: true,
  });
  return divergence !== null || trace.outcome.kind !== "completed" ? EXIT.failed : EXIT.ok;
}

function reportDivergence(divergence: Divergence): void {
  process.stderr.write(
    `streamsim: replay diverges from the recorded trace ${divergenceWhere(divergence)}:\n  recorded: ${divergence.expected}\n  replayed: ${divergence.actual}\n`,
  );
}

/**
 * A trace file whose schedule no longer fits today's scenario (a step it records cannot
 * run): a divergence from the recording like any other (exit 1), reported with the step
 * recorded there; there is no execution of today's to print (its fields in the JSON
 * document are null).
 */
function noLongerFits(
  out: Output,
  r: ReplayInput,
  variant: string | null,
  divergence: Divergence,
): number {
  out.document({
    streamsim_json: 1,
    command: "replay",
    scenario: r.scenario.name,
    variant,
    params: r.params,
    schedule: r.recorded?.schedule ?? null,
    verdict: null,
    outcome: null,
    steps: null,
    preemptions: null,
    diverged: divergence,
    reproduce: null,
    trace: null,
  });
  reportDivergence(divergence);
  return EXIT.failed;
}
