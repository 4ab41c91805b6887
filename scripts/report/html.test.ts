import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { handTrace } from "./fixtures/hand-trace.ts";
import { replayWindowTrace } from "./fixtures/replay-window.ts";
import { type ReportHeader, renderHtmlReport } from "./html.ts";
import { writeHtmlReport } from "./write.ts";

const header: ReportHeader = {
  scenario: "report-replay-window",
  variant: "round2",
  policies: { preload: false, replay: "whole-journal" },
  schedule: "ss1:report-replay-window:tokens=2:0.1x3.0x5.1x3.2x3",
  reproduce: "npx streamsim replay 'ss1:report-replay-window:tokens=2:0.1x3.0x5.1x3.2x3'",
};

describe("renderHtmlReport", () => {
  const html = renderHtmlReport(replayWindowTrace(), header);

  it("is one self-contained page: no external script, style, link, image or import", () => {
    expect(html).not.toMatch(/<(script|img|iframe)[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?(https?:)?\/\//i);
    expect(html).not.toMatch(/\bfetch\(|XMLHttpRequest|new WebSocket|EventSource/);
    expect(html).toContain("default-src 'none'");
    expect(html.match(/<script\b/g)).toHaveLength(2);
  });

  it("has the header: scenario, variant, policies, schedule and reproduce command", () => {
    expect(html).toContain("<code>report-replay-window</code>");
    expect(html).toContain("<code>round2</code>");
    expect(html).toContain("preload=false");
    expect(html).toContain("replay=whole-journal");
    expect(html).toContain(`<code id="schedule">${header.schedule}</code>`);
    expect(html).toContain(`<code id="reproduce">${header.reproduce}</code>`);
    expect(html).toContain("exactly once per tab violated after 15 steps");
  });

  it("links the red frame and its earlier delivery from the banner", () => {
    expect(html).toMatch(/data-step="14" id="goto-red"/);
    expect(html).toMatch(/data-step="13" id="goto-first"/);
  });

  it("cannot be broken out of by text in a trace", () => {
    const evil = "</script><script>window.pwned=1</script><!--";
    const trace = handTrace({
      steps: [{ actor: `tab ${evil}`, label: evil, notes: [`render frame=x event="${evil}"`] }],
    });
    const page = renderHtmlReport(trace, { ...header, variant: evil, schedule: evil });
    expect(page.match(/<script\b/g)).toHaveLength(2);
    expect(page).not.toContain("window.pwned=1</script>");
    expect(page).toContain("\\u003c/script>");
  });
});

describe("writeHtmlReport", () => {
  it("writes the page atomically and replaces an earlier report, leaving no temp file", () => {
    const dir = mkdtempSync(join(tmpdir(), "streamsim-report-"));
    const out = join(dir, "report.html");
    writeFileSync(out, "old");
    writeHtmlReport(replayWindowTrace(), out, header);
    expect(readFileSync(out, "utf8")).toMatch(/^<!doctype html>/);
    expect(readdirSync(dir)).toEqual(["report.html"]);
  });

  it("fails without leaving anything when the directory does not exist", () => {
    const dir = mkdtempSync(join(tmpdir(), "streamsim-report-"));
    const out = join(dir, "missing", "report.html");
    expect(() => writeHtmlReport(replayWindowTrace(), out, header)).toThrow(/ENOENT/);
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });
});
