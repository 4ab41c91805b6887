import { readFileSync } from "node:fs";
import { describeOutcome, type Trace } from "../../sim/index.ts";
import { encodeDeltas } from "./deltas.ts";
import { type LayoutExtra, layoutFromTrace, type ReportLayout } from "./layout.ts";

/** What the report's header says about the run, beyond the trace itself. */
export interface ReportHeader {
  readonly scenario: string;
  /** The named protocol variant (a set of policy values), when the scenario has one. */
  readonly variant?: string;
  /** The variant's policy values, shown as key=value chips. */
  readonly policies?: Readonly<Record<string, string | number | boolean>>;
  /** Schedule text (`ss1:...`): paste it to `streamsim replay`. */
  readonly schedule: string;
  /** The exact shell command that reproduces this execution. */
  readonly reproduce: string;
  /** Page title; default "streamsim race report". */
  readonly title?: string;
}

/**
 * Renders a trace as one self-contained HTML page: swimlanes per actor, frame arrows, the
 * red frame, preemptions, an inspector and search. The page loads nothing: its CSS, script
 * and data are inline, so it can be attached to an issue or opened offline.
 */
export function renderHtmlReport(trace: Trace, header: ReportHeader, extra?: LayoutExtra): string {
  const layout = layoutFromTrace(trace, extra);
  // Steps travel without their `after` snapshots: the deltas carry the same states in
  // linear space (see deltas.ts), and the page folds them forward.
  const deltas = encodeDeltas(trace, layout.initial_state);
  const steps = trace.steps.map(({ after: _after, ...rest }) => rest);
  const data = { layout, trace: { ...trace, steps }, deltas, header };
  const title = header.title ?? "streamsim race report";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(`${title}: ${header.scenario}${header.variant ? ` / ${header.variant}` : ""}`)}</title>
<style>${asset("report.css")}</style>
</head>
<body>
${headerHtml(trace, header, layout, title)}
${toolbarHtml(layout)}
${bannerHtml(layout)}
<main>
<div id="timeline" tabindex="0"></div>
<aside id="inspector"><p class="hint">Click a step to see what it read and wrote and the state of every object after it.</p></aside>
</main>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${asset("client.js")}</script>
</body>
</html>
`;
}

function headerHtml(trace: Trace, h: ReportHeader, layout: ReportLayout, title: string): string {
  const failed = trace.outcome.kind !== "completed";
  const policies = Object.entries(h.policies ?? {})
    .map(([k, v]) => `<span class="policy mono">${esc(`${k}=${String(v)}`)}</span>`)
    .join("");
  const marked = layout.marks.filter((m) => m.kind === "preemption").length;
  const rule =
    layout.preemption_rule === "exact"
      ? "marked exactly, from a replay"
      : "marked by the trace-only rule, which can be off by a few";
  const rows: [string, string][] = [
    ["scenario", `<code>${esc(h.scenario)}</code>`],
    ...(h.variant ? [["variant", `<code>${esc(h.variant)}</code>`] as [string, string]] : []),
    ...(policies ? [["policies", policies] as [string, string]] : []),
    ["schedule", `<code id="schedule">${esc(h.schedule)}</code>`],
    ["reproduce", `<code id="reproduce">${esc(h.reproduce)}</code>`],
    [
      "execution",
      esc(
        `${trace.steps.length} steps, ${trace.actors.length} actors, ${trace.objects.length} objects, virtual time ${trace.time_ms} ms, ${trace.preemptions} preemption(s), ${marked} ${rule}, harness ${trace.harness}`,
      ),
    ],
  ];
  if (layout.idle_actors.length > 0) {
    rows.push(["never ran", esc(layout.idle_actors.join(", "))]);
  }
  const warnings =
    layout.warnings.length === 0
      ? ""
      : `<div class="warnings">${layout.warnings.length} note(s) did not parse: ${esc(layout.warnings.slice(0, 3).join("; "))}</div>`;
  return `<header class="report">
<h1>${esc(title)}: ${esc(h.scenario)}${h.variant ? ` <span class="variant">/ ${esc(h.variant)}</span>` : ""}</h1>
<div class="outcome ${failed ? "failed" : "passed"}">${esc(describeOutcome(trace.outcome))}</div>
<dl class="facts">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join("")}</dl>
${warnings}
</header>`;
}

function toolbarHtml(layout: ReportLayout): string {
  const collapsible = layout.runs.length;
  return `<div class="toolbar">
<input type="search" id="search" placeholder="search labels, actors, notes" aria-label="search steps">
<button id="prev-match" type="button" title="previous match (shift+enter)">↑</button>
<button id="next-match" type="button" title="next match (enter)">↓</button>
<span id="match-count" class="hint"></span>
<label title="${collapsible} runs of consecutive steps of one actor"><input type="checkbox" id="collapse"> collapse runs of one actor</label>
<span class="legend"><span><i class="swatch ok"></i>frame sent → rendered</span><span><i class="swatch violation"></i>frame that broke the invariant</span><span><i class="swatch duplicate"></i>duplicate</span><span><i class="swatch preemption"></i>preemption</span></span>
</div>`;
}

function bannerHtml(layout: ReportLayout): string {
  const v = layout.violation;
  if (v === null) return "";
  const when = v.step === null ? "" : ` after step #${v.step}`;
  const parts = [`<b>${esc(v.property)}</b> broken${when}: ${esc(v.message)}.`];
  if (v.frame !== null) {
    parts.push(
      ` Red frame: <a href="#" data-step="${v.frame.step}" id="goto-red">${esc(`${v.frame.event} ${v.frame.id}`)} rendered by ${esc(v.frame.tab)} at step ${v.frame.step}</a>`,
    );
  }
  if (v.duplicate_of !== null) {
    parts.push(
      `, a duplicate of <a href="#" data-step="${v.duplicate_of}" id="goto-first">its delivery at step ${v.duplicate_of}</a>.`,
    );
  }
  if (v.lost_row !== null) {
    parts.push(
      ` Lost: <a href="#" data-step="${v.lost_row.step}" id="goto-lost">journal row ${esc(`${v.lost_row.event} ${v.lost_row.id}`)} (step ${v.lost_row.step})</a>, never rendered by ${esc(v.lost_row.tab)}.`,
    );
  }
  return `<div id="violation-banner">${parts.join("")}</div>`;
}

const assets = new Map<string, string>();

/** The page's CSS and script live beside this file as real .css/.js (linted, readable). */
function asset(name: string): string {
  let text = assets.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./${name}`, import.meta.url), "utf8");
    assets.set(name, text);
  }
  // An inline <script> or <style> ends at the first "</": the assets are ours, so this
  // only guards against a future edit that would silently truncate the page.
  if (/<\/(script|style)/i.test(text))
    throw new Error(`report asset ${name} contains a closing tag`);
  return text;
}

/** JSON for a <script type="application/json"> block: no "<" can end the block early. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function esc(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
