import type { Trace } from "../../sim/index.ts";
import type { Duplicate } from "./frames.ts";
import type { Arrow, Mark, ViolationView } from "./layout.ts";
import { NO_FRAME_ID, type ReportNote } from "./notes.ts";

/** The broken invariant: which frame (or lost journal row) the page paints red. */

/**
 * Names the frame that broke the invariant, from the notes:
 * 1. a loss-like property ("no silent loss"): the first journal row some tab that renders
 *    frames never rendered;
 * 2. otherwise a duplicate render on the failing step, else the first duplicate anywhere;
 * 3. otherwise a render on the failing step (out of order, after the terminal, ...);
 * 4. otherwise no frame: the failing step itself is marked.
 */
export function findViolation(
  trace: Trace,
  notesByStep: readonly (readonly ReportNote[])[],
  duplicates: readonly Duplicate[],
): ViolationView | null {
  const o = trace.outcome;
  if (o.kind !== "violation") return null;
  const step = o.steps > 0 ? Math.min(o.steps, trace.steps.length) - 1 : null;
  const base = {
    property: o.property,
    message: o.message,
    step,
    frame: null,
    duplicate_of: null,
    lost_row: null,
  };
  if (/loss|lost|miss|silent/i.test(o.property)) {
    const lost = firstLostRow(trace, notesByStep);
    if (lost !== null) return { ...base, lost_row: lost };
  }
  const dup = duplicates.find((d) => d.step === step) ?? duplicates[0];
  if (dup !== undefined) {
    return {
      ...base,
      frame: { id: dup.frame, event: dup.event, tab: dup.tab, step: dup.step },
      duplicate_of: dup.first,
    };
  }
  if (step !== null) {
    const render = [...(notesByStep[step] ?? [])].reverse().find((n) => n.verb === "render");
    if (render !== undefined) {
      const tab = trace.steps[step]?.name ?? "";
      const frame = {
        id: render.fields.frame ?? NO_FRAME_ID,
        event: render.fields.event ?? "",
        tab,
        step,
      };
      return { ...base, frame };
    }
  }
  return base;
}

function firstLostRow(
  trace: Trace,
  notesByStep: readonly (readonly ReportNote[])[],
): ViolationView["lost_row"] {
  const rows: { id: string; event: string; step: number }[] = [];
  const rendered = new Map<string, Set<string>>();
  for (const [i, notes] of notesByStep.entries()) {
    for (const n of notes) {
      if (n.verb === "journal") {
        rows.push({ id: n.fields.frame ?? "", event: n.fields.event ?? "", step: i });
      } else if (n.verb === "render") {
        const tab = trace.steps[i]?.name ?? "";
        const seen = rendered.get(tab) ?? new Set<string>();
        seen.add(n.fields.frame ?? NO_FRAME_ID);
        rendered.set(tab, seen);
      }
    }
  }
  for (const row of rows) {
    for (const [tab, seen] of rendered) {
      if (!seen.has(row.id)) return { ...row, tab };
    }
  }
  return null;
}

export function markViolation(v: ViolationView, arrows: Arrow[], marks: Mark[]): void {
  if (v.frame !== null) {
    const at = v.frame.step;
    const k = arrows.findIndex((a) => a.to === at && a.frame === v.frame?.id);
    const arrow = arrows[k];
    if (arrow !== undefined) arrows[k] = { ...arrow, tone: "violation" };
    const dup = v.duplicate_of === null ? "" : ` again (first rendered at step ${v.duplicate_of})`;
    marks.push({
      step: at,
      kind: "violation",
      text: `${v.property}: ${v.frame.tab} renders ${v.frame.event} ${v.frame.id}${dup}`,
      link: v.duplicate_of,
      preempted: null,
    });
  }
  if (v.lost_row !== null) {
    marks.push({
      step: v.lost_row.step,
      kind: "lost",
      text: `${v.property}: journal row ${v.lost_row.event} ${v.lost_row.id} never rendered by ${v.lost_row.tab}`,
      link: null,
      preempted: null,
    });
  }
  if (v.step !== null && v.frame?.step !== v.step) {
    marks.push({
      step: v.step,
      kind: "violation",
      text: `${v.property}: ${v.message}`,
      link: null,
      preempted: null,
    });
  }
}
