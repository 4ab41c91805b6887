import { stringifyTrace, type Trace } from "../../sim/index.ts";
import type { Variant } from "../catalog.ts";
import { writeOutputFile } from "./files.ts";
import { writeHtml } from "./html.ts";
import type { Counterexample } from "./hunt.ts";
import type { Output } from "./output.ts";
import { reproduceCommand, timelineLines } from "./timeline.ts";

/** The JSON form of a counterexample, shared by `run`, `verdicts` and `shrink`. */
export interface CounterexampleJson {
  readonly verdict: string;
  readonly message: string;
  readonly executions_to_failure: number;
  readonly elapsed_to_failure_ms: number;
  readonly steps_before_shrink: number;
  readonly steps: number;
  readonly preemptions: number;
  readonly schedule: string;
  readonly reproduce: string;
}

export function counterexampleJson(c: Counterexample): CounterexampleJson {
  const o = c.trace.outcome;
  return {
    verdict: c.verdict,
    message: "message" in o ? o.message : "",
    executions_to_failure: c.executions_to_failure,
    elapsed_to_failure_ms: Math.round(c.elapsed_to_failure_ms),
    steps_before_shrink: c.steps_found,
    steps: c.trace.steps.length,
    preemptions: c.trace.preemptions,
    schedule: c.trace.schedule,
    reproduce: reproduceCommand(c.trace.schedule),
  };
}

/**
 * Prints a trace as a timeline ending with the replay command (the command is the one line
 * --quiet keeps), and writes it to --out / --html when asked.
 */
export function printTrace(trace: Trace, out: Output, files: TraceFiles): void {
  for (const line of timelineLines(trace, out)) out.line(line);
  try {
    writeTraceFiles(trace, out, files);
  } finally {
    // Printed even when a write fails (a file that appeared meanwhile, a full disk): the
    // command is the result of the search, and the error follows it on stderr.
    out.essential(`Reproduce: ${out.paint("bold", reproduceCommand(trace.schedule))}`);
  }
}

/** Where a trace goes besides stdout, and whether an existing file may be replaced. */
export interface TraceFiles {
  readonly out?: string;
  readonly html?: string;
  readonly variant?: Variant;
  readonly force: boolean;
}

function writeTraceFiles(trace: Trace, out: Output, files: TraceFiles): void {
  if (files.out !== undefined) {
    writeOutputFile(files.out, stringifyTrace(trace), "--out", files.force);
    out.line(`Trace written to ${files.out}`);
  }
  if (files.html !== undefined) {
    writeHtml(trace, files.html, files.variant, files.force);
    out.line(`HTML report written to ${files.html}`);
  }
}
