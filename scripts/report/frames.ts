import type { Trace, TraceStep } from "../../sim/index.ts";
import type { Arrow } from "./layout.ts";
import { NO_FRAME_ID, type ReportNote } from "./notes.ts";

/** Frames on the wire: pairing handler sends with tab renders, and spotting duplicates. */

export interface Duplicate {
  readonly step: number;
  readonly first: number;
  readonly frame: string;
  readonly event: string;
  readonly tab: string;
}

/**
 * Pairs each render with the earliest unmatched send of the same frame and event to the
 * same tab (the wire is FIFO per connection, and pairing by content keeps a dropped frame
 * from shifting every later arrow), and finds renders of a frame id the tab already showed.
 */
export function matchFrames(
  trace: Trace,
  notesByStep: readonly (readonly ReportNote[])[],
  columnOf: ReadonlyMap<number, number>,
): { arrows: Arrow[]; duplicates: Duplicate[] } {
  const pending = new Map<string, number[]>();
  const sends: {
    step: number;
    frame: string;
    event: string;
    via: string | null;
    matched: boolean;
  }[] = [];
  const arrows: Arrow[] = [];
  const duplicates: Duplicate[] = [];
  const firstRender = new Map<string, number>();
  for (const [i, notes] of notesByStep.entries()) {
    const s = trace.steps[i] as TraceStep;
    for (const n of notes) {
      const frame = n.fields.frame ?? NO_FRAME_ID;
      const event = n.fields.event ?? "";
      if (n.verb === "send") {
        const key = wireKey(n.fields.to ?? "", frame, event);
        const list = pending.get(key) ?? [];
        list.push(sends.length);
        pending.set(key, list);
        sends.push({ step: i, frame, event, via: n.fields.via ?? null, matched: false });
      } else if (n.verb === "render") {
        const queue = pending.get(wireKey(s.name, frame, event));
        const k = queue?.shift();
        const send = k === undefined ? undefined : sends[k];
        if (send !== undefined) send.matched = true;
        const fromStep = send?.step ?? null;
        arrows.push({
          frame,
          event,
          from: fromStep,
          to: i,
          from_column: fromStep === null ? null : columnOfStep(trace, fromStep, columnOf),
          to_column: columnOf.get(s.actor) ?? null,
          tone: "ok",
          via: send?.via ?? null,
        });
        if (frame === NO_FRAME_ID) continue; // no id: nothing to call a duplicate of
        const key = `${s.name}\u0000${frame}`;
        const first = firstRender.get(key);
        if (first === undefined) firstRender.set(key, i);
        else duplicates.push({ step: i, first, frame, event, tab: s.name });
      }
    }
  }
  for (const send of sends) {
    if (send.matched) continue;
    arrows.push({
      frame: send.frame,
      event: send.event,
      from: send.step,
      to: null,
      from_column: columnOfStep(trace, send.step, columnOf),
      to_column: null,
      tone: "ok",
      via: send.via,
    });
  }
  arrows.sort((a, b) => (a.from ?? a.to ?? 0) - (b.from ?? b.to ?? 0));
  const dupSteps = new Set(duplicates.map((d) => d.step));
  return {
    arrows: arrows.map((a) =>
      a.to !== null && dupSteps.has(a.to) ? { ...a, tone: "duplicate" } : a,
    ),
    duplicates,
  };
}

function wireKey(tab: string, frame: string, event: string): string {
  return `${tab}\u0000${frame}\u0000${event}`;
}

function columnOfStep(
  trace: Trace,
  step: number,
  columnOf: ReadonlyMap<number, number>,
): number | null {
  const s = trace.steps[step];
  return s === undefined ? null : (columnOf.get(s.actor) ?? null);
}
