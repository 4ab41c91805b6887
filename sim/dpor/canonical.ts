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
  // Each step's position among its actor's steps, and each actor's steps in order.
  const ordinal = new Int32Array(n);
  const count = new Int32Array(w);
  const byActor: number[][] = [];
  const nameOf: string[] = [];
  for (let a = 0; a < w; a++) byActor.push([]);
  for (let k = 0; k < n; k++) {
    const a = ids[k] as number;
    ordinal[k] = count[a] as number;
    count[a] = (count[a] as number) + 1;
    (byActor[a] as number[]).push(k);
    if (nameOf[a] === undefined) nameOf[a] = names[(events[k] as Event).key] as string;
  }
  // Actors that took a step, by name: ids follow the spawn order, which varies.
  const actors: number[] = [];
  for (let a = 0; a < w; a++) if ((count[a] as number) > 0) actors.push(a);
  actors.sort((x, y) => compareText(nameOf[x] as string, nameOf[y] as string));
  const h = new Hash53();
  for (const v of log.setupChoices) h.add(v);
  h.add(-1);
  h.add(actors.length);
  for (const a of actors) {
    h.text(nameOf[a] as string);
    h.add(count[a] as number);
    for (const k of byActor[a] as number[]) {
      const e = events[k] as Event;
      h.add(e.timer ? 1 : 0);
      h.add(e.choices.length);
      for (const c of e.choices) h.add(c);
      for (const b of actors) {
        if (b === a) continue;
        const last = hb.entry(k, b) - 1;
        h.add(last < 0 ? 0 : (ordinal[last] as number) + 1);
      }
    }
  }
  return h.value();
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The mixing of hash53 and traceHash, fed numbers (a string's char codes, for hash53). */
class Hash53 {
  private h1 = 0x811c9dc5;
  private h2 = 0x01000193;
  private i = 0;

  add(v: number): void {
    this.h1 = Math.imul(this.h1 ^ v, 0x01000193);
    this.h2 = Math.imul(this.h2 ^ (v + this.i++), 0x5bd1e995);
  }

  text(s: string): void {
    this.add(s.length);
    for (let j = 0; j < s.length; j++) this.add(s.charCodeAt(j));
  }

  value(): number {
    return (this.h1 >>> 0) * 0x20_0000 + ((this.h2 >>> 0) & 0x1f_ffff);
  }
}

/** A 53-bit hash of a string, for counting distinct states in flat memory. */
export function hash53(text: string): number {
  const h = new Hash53();
  for (let i = 0; i < text.length; i++) h.add(text.charCodeAt(i));
  return h.value();
}
