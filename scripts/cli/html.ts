import { resolve } from "node:path";
import type { Trace } from "../../sim/index.ts";
import type { Variant } from "../catalog.ts";
import { renderHtmlReport } from "../report/index.ts";
import { checkOutputPath, FileInputError, writeOutputFile } from "./files.ts";
import { reproduceCommand } from "./timeline.ts";

/**
 * Checks --html before any work, so a bad path writes nothing. The report may not share the
 * --out file: it would replace the trace just written, --force or not.
 */
export function checkHtmlOption(path: string | undefined, force = false, out?: string): void {
  if (path !== undefined && out !== undefined && resolve(path) === resolve(out)) {
    throw new FileInputError(`--out and --html both name '${path}'; give the report its own file`);
  }
  checkOutputPath(path, "--html", force);
}

/**
 * Writes the HTML swimlane report of a trace (scripts/report/, issue 6); an existing file
 * is replaced only with `force`, even one that appeared after checkHtmlOption.
 */
export function writeHtml(
  trace: Trace,
  path: string,
  variant: Variant | undefined,
  force: boolean,
): void {
  const policies: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(variant?.policies ?? {})) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") policies[k] = v;
    else policies[k] = JSON.stringify(v);
  }
  const html = renderHtmlReport(trace, {
    scenario: trace.scenario,
    ...(variant === undefined ? {} : { variant: variant.name, policies }),
    schedule: trace.schedule,
    reproduce: reproduceCommand(trace.schedule),
  });
  writeOutputFile(path, html, "--html", force);
}
