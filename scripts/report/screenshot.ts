/**
 * Makes the README's picture of a real report: the round-2 counterexample, opened in
 * Debian's headless Chromium, saved as scripts/report/screenshot.png (or the path given).
 *
 *   npx tsx scripts/report/screenshot.ts [out.png]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromiumStatus, openBrowser } from "./fixtures/browser.ts";
import { round2Case } from "./fixtures/round2-case.ts";
import { writeHtmlReport } from "./write.ts";

const out = resolve(process.argv[2] ?? join(import.meta.dirname, "screenshot.png"));
const status = chromiumStatus();
if (!status.ok) {
  process.stderr.write(`${status.why}\n`);
  process.exit(2);
}
const c = round2Case();
const html = join(mkdtempSync(join(tmpdir(), "streamsim-shot-")), "report.html");
writeHtmlReport(c.trace, html, c.header, c.insight);
const browser = await openBrowser({ width: 1440, height: 900 });
try {
  const page = await browser.context.newPage();
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector("body[data-ready=true]");
  await page.screenshot({ path: out });
  process.stdout.write(`${out} (${c.trace.steps.length} steps, ${c.header.variant})\n`);
} finally {
  await browser.close();
}
