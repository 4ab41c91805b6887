import type { Trace, TraceStep } from "../../sim/index.ts";
import type { Lane, LaneKind, Run } from "./layout.ts";
import type { ReportNote } from "./notes.ts";

/** Lanes of the report: which column each actor gets, and the runs that can collapse. */

const KIND_ORDER: readonly LaneKind[] = ["producer", "handler", "tab", "timer", "other"];

/**
 * Which kind of lane an actor gets: what its notes show it doing wins (a step that sends
 * frames is a handler's), then its name, since models name actors after their role.
 */
function classify(name: string, verbs: ReadonlySet<string>): LaneKind {
  if (verbs.has("render")) return "tab";
  if (verbs.has("send") || verbs.has("skip")) return "handler";
  if (verbs.has("journal")) return "producer";
  // Helpers are named after the tab they serve ("sse-tab-1#1", "net-tab-1",
  // "persist-tab-1"), so the role words are tried before "tab".
  const n = name.toLowerCase();
  if (/handler|sse/.test(n)) return "handler";
  if (/^net-|network/.test(n)) return "other";
  if (/persist|timer|heartbeat|clock/.test(n)) return "timer";
  if (/producer|worker|ticker|meter|title|cancel|emit|writer/.test(n)) return "producer";
  if (/tab|browser|page|client/.test(n)) return "tab";
  return "other";
}

export function makeLanes(trace: Trace, notesByStep: readonly (readonly ReportNote[])[]): Lane[] {
  const verbs = new Map<number, Set<string>>();
  const counts = new Map<number, number>();
  for (const [i, s] of trace.steps.entries()) {
    counts.set(s.actor, (counts.get(s.actor) ?? 0) + 1);
    let v = verbs.get(s.actor);
    if (v === undefined) {
      v = new Set();
      verbs.set(s.actor, v);
    }
    for (const n of notesByStep[i] ?? []) v.add(n.verb);
  }
  const blocked = new Map<string, string>();
  if (trace.outcome.kind === "deadlock") {
    for (const b of trace.outcome.blocked) blocked.set(b.actor, `waits at '${b.label}' on ${b.on}`);
  }
  // An actor that never ran gets no lane (it would be an empty column); the header lists it.
  const draft = trace.actors
    .filter((a) => (counts.get(a.id) ?? 0) > 0)
    .map((a) => ({
      actor: a.id,
      name: a.name,
      kind: classify(a.name, verbs.get(a.id) ?? new Set()),
      steps: counts.get(a.id) ?? 0,
      blocked: blocked.get(a.name) ?? null,
    }));
  draft.sort(
    (a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.actor - b.actor,
  );
  return draft.map((d, column) => ({ column, ...d }));
}

export function findRuns(
  steps: readonly TraceStep[],
  columnOf: ReadonlyMap<number, number>,
  min_steps: number,
): Run[] {
  const runs: Run[] = [];
  let first = 0;
  for (let i = 1; i <= steps.length; i++) {
    if (i < steps.length && steps[i]?.actor === steps[first]?.actor) continue;
    const s = steps[first];
    if (s !== undefined && i - first >= min_steps) {
      runs.push({ column: columnOf.get(s.actor) ?? 0, first, last: i - 1 });
    }
    first = i;
  }
  return runs;
}
