import type { Json, Trace, TraceStep } from "../../sim/index.ts";
import { matchFrames } from "./frames.ts";
import { inferPreemptions } from "./insight.ts";
import { findRuns, makeLanes } from "./lanes.ts";
import { parseNote, type ReportNote } from "./notes.ts";
import { findViolation, markViolation } from "./violation.ts";

/**
 * The report's picture as plain data: lanes, one box per step, frame arrows and marks. The
 * HTML page only draws this; everything that decides what the reader sees (which lane a step
 * sits in, which frame is red, which step is a preemption) is computed here, where unit
 * tests can check it without a browser.
 */
export interface ReportLayout {
  readonly lanes: readonly Lane[];
  /** Actors spawned but never scheduled: no lane. */
  readonly idle_actors: readonly string[];
  /** One box per trace step, in step order (boxes[i].step === i). */
  readonly boxes: readonly Box[];
  /** Maximal runs of consecutive steps of one actor, long enough to collapse. */
  readonly runs: readonly Run[];
  readonly arrows: readonly Arrow[];
  readonly marks: readonly Mark[];
  readonly violation: ViolationView | null;
  /** "exact" when preemptions came from a replay (TraceInsight), else "inferred". */
  readonly preemption_rule: "exact" | "inferred";
  readonly objects: readonly { readonly name: string; readonly kind: string }[];
  /** Object states before step 0, when known (TraceInsight); else only never-written ones. */
  readonly initial_state: { readonly [object: string]: Json };
  /** Problems that did not stop the report (a malformed note). */
  readonly warnings: readonly string[];
}

export type LaneKind = "producer" | "handler" | "tab" | "timer" | "other";

/** One actor's column. Actors that never ran have none (see ReportLayout.idle_actors). */
export interface Lane {
  /** Column, left to right: producers, handlers, tabs, timers, others; then by actor id. */
  readonly column: number;
  readonly actor: number;
  readonly name: string;
  readonly kind: LaneKind;
  readonly steps: number;
  /** For a deadlock outcome: what this actor was left waiting on. */
  readonly blocked: string | null;
}

export interface Box {
  readonly step: number;
  readonly column: number;
  readonly label: string;
  readonly t: number;
  /** The step ran because its timer fired. */
  readonly timer: boolean;
  /** Index into `runs`, or -1 when the step is in no collapsible run. */
  readonly run: number;
  /** The step's report notes, parsed (sends, renders, journal rows, skips). */
  readonly frames: readonly ReportNote[];
}

export interface Run {
  readonly column: number;
  readonly first: number;
  readonly last: number;
}

export type ArrowTone = "ok" | "duplicate" | "violation";

/** A frame on the wire: from the handler step that sent it to the tab step that rendered it. */
export interface Arrow {
  readonly frame: string;
  readonly event: string;
  /** Sending step, or null when a render matches no recorded send. */
  readonly from: number | null;
  /** Rendering step, or null when the frame was sent and never rendered. */
  readonly to: number | null;
  readonly from_column: number | null;
  readonly to_column: number | null;
  readonly tone: ArrowTone;
  /** The send's `via` (replay, live, ...), when the model says how the frame got there. */
  readonly via: string | null;
}

export type MarkKind = "violation" | "preemption" | "duplicate" | "lost" | "skip";

export interface Mark {
  readonly step: number;
  readonly kind: MarkKind;
  readonly text: string;
  /** A step the mark points at: the earlier delivery a duplicate repeats, say. */
  readonly link: number | null;
  /** For a preemption: the actor that could have continued and was switched away from. */
  readonly preempted: string | null;
}

/** The broken invariant and, when the notes tell, the frame that broke it. */
export interface ViolationView {
  readonly property: string;
  readonly message: string;
  /** The step after which the check failed (the last step for an end-of-run check). */
  readonly step: number | null;
  /** The render that broke it (red), if one can be named. */
  readonly frame: {
    readonly id: string;
    readonly event: string;
    readonly tab: string;
    readonly step: number;
  } | null;
  /** The earlier render of the same frame by the same tab. */
  readonly duplicate_of: number | null;
  /** The journal row a tab never rendered (for a loss). */
  readonly lost_row: {
    readonly id: string;
    readonly event: string;
    readonly tab: string;
    readonly step: number;
  } | null;
}

/** What the report knows beyond the trace (see insight.ts), and layout knobs. */
export interface LayoutExtra {
  /** Exact preemption steps from replayInsight; default: inferred from the trace. */
  readonly preemptions?: readonly number[];
  /** Object states before step 0, from replayInsight. */
  readonly initial_state?: { readonly [object: string]: Json };
  /** Runs of at least this many steps of one actor can be collapsed. Default 3. */
  readonly collapse_min_steps?: number;
}

/** Builds the report's layout data from a trace. Pure: the same trace gives the same data. */
export function layoutFromTrace(trace: Trace, extra: LayoutExtra = {}): ReportLayout {
  const warnings: string[] = [];
  const notesByStep = trace.steps.map((s) => parseFrameNotes(s, warnings));
  const lanes = makeLanes(trace, notesByStep);
  const columnOf = new Map(lanes.map((l) => [l.actor, l.column]));
  const runs = findRuns(trace.steps, columnOf, extra.collapse_min_steps ?? 3);
  const runOf = new Int32Array(trace.steps.length).fill(-1);
  runs.forEach((r, k) => {
    for (let i = r.first; i <= r.last; i++) runOf[i] = k;
  });
  const boxes: Box[] = trace.steps.map((s, i) => ({
    step: i,
    column: columnOf.get(s.actor) ?? 0,
    label: s.label,
    t: s.t,
    timer: s.kind === "timer",
    run: runOf[i] ?? -1,
    frames: notesByStep[i] ?? [],
  }));

  const marks: Mark[] = [];
  const { arrows, duplicates } = matchFrames(trace, notesByStep, columnOf);
  const violation = findViolation(trace, notesByStep, duplicates);
  if (violation !== null) markViolation(violation, arrows, marks);
  for (const d of duplicates) {
    if (violation?.frame?.step === d.step) continue;
    marks.push({
      step: d.step,
      kind: "duplicate",
      text: `renders ${d.event} ${d.frame} again (first rendered at step ${d.first})`,
      link: d.first,
      preempted: null,
    });
  }
  for (const [i, notes] of notesByStep.entries()) {
    for (const n of notes) {
      if (n.verb !== "skip") continue;
      const why = n.fields.reason === undefined ? "" : ` (${n.fields.reason})`;
      marks.push({
        step: i,
        kind: "skip",
        text: `skips ${n.fields.event} ${n.fields.frame}${why}`,
        link: null,
        preempted: null,
      });
    }
  }
  const preemptions = extra.preemptions ?? inferPreemptions(trace);
  for (const i of preemptions) marks.push(preemptionMark(trace, i));
  marks.sort((a, b) => a.step - b.step || KIND_RANK[a.kind] - KIND_RANK[b.kind]);

  const idle_actors = trace.actors.filter((a) => !columnOf.has(a.id)).map((a) => a.name);
  return {
    lanes,
    idle_actors,
    boxes,
    runs,
    arrows,
    marks,
    violation,
    preemption_rule: extra.preemptions === undefined ? "inferred" : "exact",
    objects: trace.objects.map((o) => ({ name: o.name, kind: o.kind })),
    initial_state: initialState(trace, extra.initial_state),
    warnings,
  };
}

const KIND_RANK: Readonly<Record<MarkKind, number>> = {
  violation: 0,
  lost: 1,
  duplicate: 2,
  skip: 3,
  preemption: 4,
};

/**
 * The state of every object after step `step` (-1: before step 0), folded forward from the
 * initial state over each step's `after` snapshots. An object written later in the trace
 * whose initial state is unknown is absent (the page shows "not yet written"); one never
 * written has its final state throughout.
 */
export function objectStatesAt(
  trace: Trace,
  layout: Pick<ReportLayout, "initial_state">,
  step: number,
): Record<string, Json> {
  const state: Record<string, Json> = { ...layout.initial_state };
  const end = Math.min(step, trace.steps.length - 1);
  for (let i = 0; i <= end; i++) Object.assign(state, trace.steps[i]?.after ?? {});
  return state;
}

/**
 * The states known before step 0: a never-written object has its final state throughout
 * (this also covers objects made during the run, which a setup snapshot cannot have); the
 * others come from the replay's setup snapshot when there is one.
 */
function initialState(
  trace: Trace,
  known: { readonly [object: string]: Json } | undefined,
): Record<string, Json> {
  const written = new Set<string>();
  for (const s of trace.steps) for (const name of Object.keys(s.after)) written.add(name);
  const out: Record<string, Json> = { ...known };
  for (const [name, value] of Object.entries(trace.final_state)) {
    if (!written.has(name)) out[name] = value;
  }
  return out;
}

function parseFrameNotes(step: TraceStep, warnings: string[]): ReportNote[] {
  const out: ReportNote[] = [];
  for (const text of step.notes) {
    try {
      const n = parseNote(text);
      if (n !== null) out.push(n);
    } catch (e) {
      warnings.push(`step ${step.i}: ${(e as Error).message}`);
    }
  }
  return out;
}

// ---- preemptions ---------------------------------------------------------------------

function preemptionMark(trace: Trace, i: number): Mark {
  const prev = trace.steps[i - 1];
  const cur = trace.steps[i];
  let resumed: number | null = null;
  for (let j = i + 1; j < trace.steps.length && prev !== undefined; j++) {
    if (trace.steps[j]?.actor === prev.actor) {
      resumed = j;
      break;
    }
  }
  const next = resumed === null ? "" : ` (it resumes with '${trace.steps[resumed]?.label}')`;
  return {
    step: i,
    kind: "preemption",
    text: `preemption: ${cur?.name} runs while ${prev?.name} could have continued${next}`,
    link: resumed,
    preempted: prev?.name ?? null,
  };
}
