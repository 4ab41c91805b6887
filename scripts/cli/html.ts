import type { Trace } from "../../sim/index.ts";
import type { Variant } from "../catalog.ts";
import { writeHtmlReport } from "../report/index.ts";
import { checkOutputPath } from "./files.ts";
import { reproduceCommand } from "./timeline.ts";

/** Checks --html before any work, so a bad path writes nothing. */
export function checkHtmlOption(path: string | undefined, force = false): void {
  checkOutputPath(path, "--html", force);
}

/** Writes the HTML swimlane report of a trace (scripts/report/, issue 6). */
export function writeHtml(trace: Trace, path: string, variant: Variant | undefined): void {
  const policies: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(variant?.policies ?? {})) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") policies[k] = v;
    else policies[k] = JSON.stringify(v);
  }
  writeHtmlReport(trace, path, {
    scenario: trace.scenario,
    ...(variant === undefined ? {} : { variant: variant.name, policies }),
    schedule: trace.schedule,
    reproduce: reproduceCommand(trace.schedule),
  });
}
