import { stringifyTrace, type Trace } from "../../sim/index.ts";
import type { Variant } from "../catalog.ts";
import { writeOutputFile } from "./files.ts";
import { writeHtml } from "./html.ts";
import type { Counterexample } from "./hunt.ts";
import type { Output } from "./output.ts";
import { outcomeLine, reproduceCommand, stepLines } from "./timeline.ts";

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
 * Prints a trace as a timeline ending with the replay command, and writes it to --out /
 * --html when asked. --quiet keeps the command, and the outcome line too where it is the
 * result (`replay`, whose command only echoes its input).
 */
export function printTrace(trace: Trace, out: Output, files: TraceFiles & PrintOptions): void {
  for (const line of stepLines(trace, out)) out.line(line);
  const outcome = outcomeLine(trace, out);
  if (files.outcomeIsResult === true) out.essential(outcome);
  else out.line(outcome);
  try {
    writeTraceFiles(trace, out, files);
  } finally {
    // Printed even when a write fails (a file that appeared meanwhile, a full disk): the
    // command is the result of the search, and the error follows it on stderr.
    out.essential(`Reproduce: ${out.paint("bold", reproduceCommand(trace.schedule))}`);
  }
}

export interface PrintOptions {
  /** Whether --quiet keeps the outcome line (default: only the replay command). */
  readonly outcomeIsResult?: boolean;
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
