import type { Command } from "commander";
import { plural, recordTrace, shrinkSchedule, stringifyTrace } from "../../sim/index.ts";
import { loadCatalog } from "../catalog.ts";
import { addOutputOptions, type OutputFlags, outputFor } from "../cli/common.ts";
import {
  checkForceHasOutput,
  checkNotInput,
  checkOutputPath,
  FileInputError,
  isStream,
  writeOutputFile,
} from "../cli/files.ts";
import { parseWholeNumber } from "../cli/input.ts";
import { EXIT, type ExitSlot } from "../cli/main.ts";
import { readReplayInput, replayFaithfully } from "../cli/target.ts";
import { outcomeLine, reproduceCommand, timelineLines } from "../cli/timeline.ts";
import { verdictOf } from "../cli/verdict.ts";

interface ShrinkFlags extends OutputFlags {
  readonly out?: string;
  readonly force?: boolean;
  readonly attempts?: string;
}

export function addShrinkCommand(program: Command, exit: ExitSlot): void {
  const cmd = program
    .command("shrink")
    .description(
      "minimise a failing trace (fewer steps, fewer context switches, a smaller scenario) and write the result",
    )
    .argument("<trace-or-schedule>", "a failing trace .json file, or schedule text 'ss1:...'")
    .option(
      "--out <trace.json>",
      "where to write the shrunk trace (default: <input>.shrunk.json for a trace file; a schedule's is only printed)",
    )
    .option("--force", "replace the output file if it exists")
    .option("--attempts <n>", "at most n executions tried while shrinking (default 5000)");
  addOutputOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Examples:
  $ streamsim shrink race.json                 writes race.shrunk.json
  $ streamsim shrink race.json --out min.json --force
  $ streamsim shrink 'ss1:counter:workers=3:0.1.2.0.1.2' --out min.json

Exit code 0 when shrunk (and written, where there is a file to write), 2 for bad input (including a trace that does not fail).`,
  );
  cmd.action(async (input: string, flags: ShrinkFlags) => {
    exit.code = await shrink(input, flags);
  });
}

async function shrink(input: string, flags: ShrinkFlags): Promise<number> {
  const out = outputFor(flags);
  const catalog = await loadCatalog();
  // Asked before the pipe is read (what is read from a pipe is gone): <input>.shrunk.json
  // would be /dev/fd/63.shrunk.json.
  if (flags.out === undefined && isStream(input)) {
    throw new FileInputError(
      `'${input}' is a pipe or a device: there is no file to write the shrunk trace beside; name one with --out`,
    );
  }
  const r = readReplayInput(catalog, input);
  const target =
    flags.out ?? (r.recorded === null ? undefined : input.replace(/(\.json)?$/, ".shrunk.json"));
  // A shrunk schedule is only printed unless --out names a file: --force alone would do nothing.
  checkForceHasOutput(flags.force, [target], "--out");
  // Named as the user knows it: no --out given, the file is the default one beside the input.
  const outLabel = flags.out === undefined ? "the default --out" : "--out";
  checkNotInput(target, outLabel, input, "shrunk");
  // (A default made from an input named "-x.json" is not an option the user left a name out of.)
  checkOutputPath(target, outLabel, flags.force === true, flags.out !== undefined);
  const max_attempts =
    flags.attempts === undefined ? 5_000 : parseWholeNumber("--attempts", flags.attempts, 1, 1e7);
  const original = replayFaithfully(r, input);
  if (original.outcome.kind === "completed") {
    throw new FileInputError(
      `${r.recorded === null ? "the schedule" : `'${input}'`} completes with every check held: there is no failure to shrink`,
    );
  }
  const s = shrinkSchedule(r.scenario, r.params, r.schedule, { max_attempts });
  const trace = recordTrace(r.scenario, s.params, s.schedule);
  out.line(
    `Shrunk from ${plural(s.before.steps, "step")} (${plural(s.before.preemptions, "preemption")}) to ${plural(s.steps, "step")} (${plural(s.preemptions, "preemption")}) in ${plural(s.attempts, "attempt")}${s.capped ? ` (stopped by the cap of ${max_attempts}: a higher --attempts may shrink it further)` : ""}; same failure:`,
  );
  out.line(`  before: ${outcomeLine(original, out)}`);
  out.line("");
  for (const line of timelineLines(trace, out)) out.line(line);
  // A write that fails (a file that appeared meanwhile, a full disk) is reported after the
  // result is printed: the shrunk schedule is what the user waited for.
  let writeError: unknown = null;
  if (target !== undefined) {
    try {
      writeOutputFile(target, stringifyTrace(trace), "--out", flags.force === true);
    } catch (e) {
      writeError = e;
    }
  }
  const written = writeError === null ? (target ?? null) : null;
  out.document({
    streamsim_json: 1,
    command: "shrink",
    scenario: r.scenario.name,
    verdict: verdictOf(trace.outcome),
    before: { steps: s.before.steps, preemptions: s.before.preemptions },
    after: { steps: s.steps, preemptions: s.preemptions },
    attempts: s.attempts,
    capped: s.capped,
    params: s.params,
    schedule: trace.schedule,
    written,
    reproduce: reproduceCommand(trace.schedule),
  });
  if (written !== null) out.line(`Shrunk trace written to ${written}`);
  out.essential(`Reproduce: ${out.paint("bold", reproduceCommand(trace.schedule))}`);
  if (writeError !== null) throw writeError;
  return EXIT.ok;
}
