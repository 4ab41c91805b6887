import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Trace } from "../../sim/index.ts";
import { type ReportHeader, renderHtmlReport } from "./html.ts";
import type { LayoutExtra } from "./layout.ts";

let written = 0;

/**
 * Writes the HTML report to `outPath` atomically: a temp file in the same directory, then a
 * rename, so a reader (a browser tab, CI's artefact upload) never sees half a page and a
 * failed write leaves any earlier report in place.
 */
export function writeHtmlReport(
  trace: Trace,
  outPath: string,
  header: ReportHeader,
  extra?: LayoutExtra,
): void {
  const html = renderHtmlReport(trace, header, extra);
  written++;
  const temp = join(dirname(outPath), `.${basename(outPath)}.${process.pid}.${written}.tmp`);
  try {
    writeFileSync(temp, html, { encoding: "utf8", flag: "wx" });
    renameSync(temp, outPath);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
