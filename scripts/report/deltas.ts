import type { Json, Trace } from "../../sim/index.ts";

/**
 * How one step changed one object, for the page's data. A trace stores the whole state of
 * every object a step wrote, so a journal of n rows appended one by one costs O(n²) in the
 * trace (an 800-event run makes a 45 MB page); most writes are appends to a log or pushes
 * and pops on a queue, so the page stores those as "drop k from the head, push these" and
 * stays linear. Anything else is stored whole.
 */
export type StateDelta =
  | { readonly set: Json }
  | { readonly drop: number; readonly push: readonly Json[] };

/** Candidate head drops tried before giving up and storing the value whole. */
const MAX_DROP_CANDIDATES = 4;

/**
 * Encodes every step's `after` snapshots as deltas against the state before the step,
 * starting from `initial` (objects absent from it start unknown and are first stored whole).
 */
export function encodeDeltas(
  trace: Trace,
  initial: { readonly [object: string]: Json },
): Record<string, StateDelta>[] {
  // The running state of each object as item strings, so each step compares only once.
  const current = new Map<string, string[] | null>();
  for (const [name, value] of Object.entries(initial)) current.set(name, itemStrings(value));
  return trace.steps.map((step) => {
    const out: Record<string, StateDelta> = {};
    for (const [name, value] of Object.entries(step.after)) {
      const next = itemStrings(value);
      const prev = current.get(name) ?? null;
      out[name] = prev === null || next === null ? { set: value } : delta(prev, next, value);
      current.set(name, next);
    }
    return out;
  });
}

/** Applies one delta to the state before the step. */
export function applyDelta(prev: Json | undefined, d: StateDelta): Json {
  if ("set" in d) return d.set;
  const items = Array.isArray(prev) ? (prev as readonly Json[]) : [];
  return [...items.slice(d.drop), ...d.push];
}

function itemStrings(value: Json): string[] | null {
  return Array.isArray(value) ? (value as readonly Json[]).map((v) => JSON.stringify(v)) : null;
}

/** The smallest head drop k such that next = prev[k..] + pushed, or the value whole. */
function delta(prev: readonly string[], next: readonly string[], value: Json): StateDelta {
  const items = value as readonly Json[];
  let tried = 0;
  for (let k = 0; k <= prev.length && tried < MAX_DROP_CANDIDATES; k++) {
    const kept = prev.length - k;
    if (kept > next.length) continue;
    // A non-empty kept part must start with next[0]: only such k are worth a full compare.
    if (kept > 0 && prev[k] !== next[0]) continue;
    tried++;
    let same = true;
    for (let j = 0; j < kept && same; j++) same = prev[k + j] === next[j];
    if (same) return { drop: k, push: items.slice(kept) };
  }
  return { set: value };
}
