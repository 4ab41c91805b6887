import { compareText, Hash53, nameHash } from "../hash53.ts";
import type { Event } from "./event.ts";
import type { HappensBefore } from "./hb.ts";
import type { ExecutionLog } from "./log.ts";

/**
 * The canonical representative of an execution's Mazurkiewicz trace: among all
 * linearisations of its happens-before order (the executions obtained by swapping adjacent
 * independent steps), the lexicographically least one when each step is written as its
 * actor's stable name. Two executions are the same trace iff their canonical forms are equal.
 * Returned as text ("s0 s1.0 s0! s2[1]": '!' marks a timer firing, [..] data choices),
 * after the setup's data choices as a step without a name ("[1,0] s0 …") when it made any.
 */
export function canonicalForm(log: ExecutionLog, hb: HappensBefore): string {
  const n = log.length;
  const w = log.actorCount;
  const names = log.keys.names;
  const emittedUpTo = new Int32Array(w);
  // Steps of each actor in program order, and how many of them are emitted.
  const byActor: number[][] = [];
  for (let a = 0; a < w; a++) byActor.push([]);
  for (let k = 0; k < n; k++) (byActor[log.actorIds[k] as number] as number[]).push(k);
  const next = new Int32Array(w);
  const parts: string[] = [];
  if (log.setupChoices.length > 0) parts.push(`[${log.setupChoices.join(",")}]`);
  for (let emitted = 0; emitted < n; emitted++) {
    let best = -1;
    let bestName = "";
    for (let a = 0; a < w; a++) {
      const steps = byActor[a] as number[];
      const k = steps[next[a] as number];
      if (k === undefined || !ready(hb, k, a, w, emittedUpTo)) continue;
      const name = names[(log.events[k] as { key: number }).key] as string;
      if (best < 0 || name < bestName) {
        best = k;
        bestName = name;
      }
    }
    if (best < 0) throw new Error("canonicalForm: happens-before has a cycle");
    const a = log.actorIds[best] as number;
    next[a] = (next[a] as number) + 1;
    emittedUpTo[a] = best + 1;
    const e = log.events[best] as { timer: boolean; choices: readonly number[] };
    parts.push(
      bestName + (e.timer ? "!" : "") + (e.choices.length > 0 ? `[${e.choices.join(",")}]` : ""),
    );
  }
  return parts.join(" ");
}

function ready(
  hb: HappensBefore,
  k: number,
  actor: number,
  w: number,
  emittedUpTo: Int32Array,
): boolean {
  for (let b = 0; b < w; b++) {
    if (b === actor) continue;
    if (hb.entry(k, b) > (emittedUpTo[b] as number)) return false;
  }
  return true;
}

/**
 * A 53-bit hash of the execution's Mazurkiewicz trace, equal for two executions iff their
 * canonical forms are equal (up to hash collisions, as hash53 of the form): what counting
 * traces needs, without building the form. Building it cost dpor 6% of its instructions on
 * boundedScope("fixed") (8% of its time in a profile): the least linearisation is a search
 * over ready steps, and text.
 * Instead each actor, in the order of their stable names, contributes its steps in program
 * order, each with its timer mark, data choices and, for every other actor, how many of
 * that actor's steps happen before it. That is a function of the trace alone: swapping two
 * adjacent independent steps changes no step's predecessors. And it determines the trace:
 * the steps' happens-before relation is all that a trace is.
 */
export function traceHash(log: ExecutionLog, hb: HappensBefore): number {
  const n = log.length;
  const w = log.actorCount;
  const names = log.keys.names;
  const events = log.events;
  const ids = log.actorIds;
  // Scratch, kept between calls (this runs after every execution of a dpor search):
  // each step's position among its actor's steps and the next step of its actor; each
  // actor's step count, first and last step.
  const s = scratch(n, w);
  const { ordinal, nextOf, count, first, last } = s;
  count.fill(0, 0, w);
  for (let k = 0; k < n; k++) {
    const a = ids[k] as number;
    const c = count[a] as number;
    ordinal[k] = c;
    nextOf[k] = -1;
    if (c === 0) first[a] = k;
    else nextOf[last[a] as number] = k;
    last[a] = k;
    count[a] = c + 1;
  }
  // Actors that took a step, by name: ids follow the spawn order, which varies. (A few
  // actors: sorted by insertion.)
  const actors = s.actors;
  let m = 0;
  for (let a = 0; a < w; a++) {
    if ((count[a] as number) === 0) continue;
    const name = nameOf(names, events, first[a] as number);
    let j = m++;
    while (
      j > 0 &&
      compareText(nameOf(names, events, first[actors[j - 1] as number] as number), name) > 0
    ) {
      actors[j] = actors[j - 1] as number;
      j--;
    }
    actors[j] = a;
  }
  const h = new Hash53();
  // The count first: a separator after them (-1) was also the choice 2^32 - 1.
  h.add(log.setupChoices.length);
  for (const v of log.setupChoices) h.add(v);
  h.add(m);
  for (let x = 0; x < m; x++) {
    const a = actors[x] as number;
    // The name by its own hash (kept per name): the same for the same name, as its text.
    h.double(nameHash(nameOf(names, events, first[a] as number)));
    h.add(count[a] as number);
    for (let k = first[a] as number; k >= 0; k = nextOf[k] as number) {
      const e = events[k] as Event;
      h.add(e.timer ? 1 : 0);
      h.add(e.choices.length);
      for (const c of e.choices) h.add(c);
      for (let y = 0; y < m; y++) {
        const b = actors[y] as number;
        if (b === a) continue;
        const before = hb.entry(k, b) - 1;
        h.add(before < 0 ? 0 : (ordinal[before] as number) + 1);
      }
    }
  }
  return h.value();
}

function nameOf(names: readonly string[], events: readonly Event[], k: number): string {
  return names[(events[k] as Event).key] as string;
}

/** traceHash's arrays, grown as needed. */
interface Scratch {
  ordinal: Int32Array;
  nextOf: Int32Array;
  count: Int32Array;
  first: Int32Array;
  last: Int32Array;
  actors: Int32Array;
}

let kept: Scratch | null = null;

function scratch(n: number, w: number): Scratch {
  if (kept === null || kept.ordinal.length < n || kept.count.length < w) {
    const steps = Math.max(n, 2 * (kept?.ordinal.length ?? 64));
    const actors = Math.max(w, 2 * (kept?.count.length ?? 8));
    kept = {
      ordinal: new Int32Array(steps),
      nextOf: new Int32Array(steps),
      count: new Int32Array(actors),
      first: new Int32Array(actors),
      last: new Int32Array(actors),
      actors: new Int32Array(actors),
    };
  }
  return kept;
}
