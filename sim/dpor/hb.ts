import { holds } from "../arrays.ts";
import { stepOf, timerOf } from "../types.ts";
import { dependent, type Event, lockHandoff } from "./event.ts";
import type { ExecutionLog } from "./log.ts";

/**
 * Happens-before of one execution, by vector clocks: step i happens before step k when
 * they are of the same actor (program order), when i spawned k's actor, or through a chain
 * of dependent steps. `clock(k)[a]` is one more than the index of the latest step of actor
 * a that happens before or is k, so i -> k iff clock(k)[actor(i)] > i.
 */
export class HappensBefore {
  // Plain arrays of small integers, written in order (so they grow at the end, without
  // holes): a search (a strategy) often runs only some dozen executions, and a typed array
  // of a useful size lives off the heap, which cost ~1 us per strategy to allocate (the
  // time of a tenth of a small execution), or as much again to grow.
  /** Step k's clock is clocks[k * width ..][0 .. width). */
  private readonly clocks: number[] = [];
  private readonly raceClock: number[] = [];
  /** Scratch for compute: each actor's latest step so far. */
  private readonly lastOf: number[] = [];
  private width = 0;
  private n = 0;
  /** Leading steps of the log whose clocks are up to date (see invalidate). */
  private valid = 0;

  /**
   * The log's steps from `index` on are new (the search took another branch there, or
   * cut the execution short): their clocks must be computed again. The steps before it
   * replayed the same events, and their clocks only depend on earlier steps.
   */
  invalidate(index: number): void {
    if (index < this.valid) this.valid = Math.max(0, index);
  }

  /**
   * Computes the clocks of `log` and calls `onRace(i, k)` for every race: i < k dependent
   * steps of different actors with no other happens-before path from i to k, whose order
   * could be reversed (k's actor was not made runnable by step i itself). Only races whose
   * later step k is at `racesFrom` or after are reported (earlier ones were reported by
   * the execution that first ran those steps), and only the clocks from there on, or from
   * the first invalidated step, are computed again.
   */
  compute(log: ExecutionLog, onRace?: (i: number, k: number) => void, racesFrom = 0): void {
    const events = log.events;
    const ids = log.actorIds;
    const n = log.length;
    let start = Math.min(this.valid, racesFrom, n);
    // The width only grows, so that the clocks of an unchanged prefix keep their layout.
    if (log.actorCount > this.width) {
      this.width = log.actorCount;
      start = 0;
    }
    const w = Math.max(1, this.width);
    this.width = w;
    this.n = n;
    const c = this.clocks;
    const rc = this.raceClock;
    const lastOf = this.lastOf;
    for (let x = 0; x < w; x++) lastOf[x] = -1;
    for (let k = 0; k < start; k++) lastOf[ids[k] as number] = k;
    for (let k = start; k < n; k++) {
      const a = ids[k] as number;
      const base = k * w;
      const prev = lastOf[a] as number;
      // Plain loops: the width is a handful of actors, below what copyWithin, fill and
      // subarray (which allocates a view) pay off for.
      if (prev >= 0)
        for (let x = 0, from = prev * w; x < w; x++) c[base + x] = c[from + x] as number;
      else for (let x = 0; x < w; x++) c[base + x] = 0;
      const spawner = log.spawnStep[k] as number;
      if (spawner >= 0) this.join(c, base, spawner * w);
      // The race clock is the clock without the edges of races that cannot be reversed
      // (or may not be: a resumed waiter may have been enabled by the write). Looking
      // through such an edge finds the earlier step whose order with k can be reversed:
      // for a lock, the previous acquire behind the release.
      for (let x = 0; x < w; x++) rc[x] = c[base + x] as number;
      const ek = events[k] as (typeof events)[number];
      const resumed = log.resumed[k] === true;
      // A mutex's acquire whose wait was timed can be replaced by its timer, which can
      // fire while the mutex is still held: that race with the release is reversible (the
      // review lost 8 of 227 traces of a program with two timed acquires without this).
      const acquires =
        ek.acquires !== undefined &&
        !(prev >= 0 && (events[prev] as (typeof events)[number]).deadline_ms !== undefined);
      // The steps that the scan skips (k's actor's own, and those the race clock covers)
      // end where every other actor's steps so far are covered: it stops there.
      let floor = scanFloor(rc, lastOf, w, a, k);
      for (let i = k - 1; i >= floor; i--) {
        const ai = ids[i] as number;
        if (ai === a || (rc[ai] as number) > i) continue;
        const ei = events[i] as (typeof events)[number];
        if (!dependent(ei, ek)) continue;
        const rev =
          !(acquires && lockHandoff(ei, ek)) &&
          (reversible(log, i, k, prev) || this.otherWaker(log, i, k));
        if (onRace !== undefined && rev && k >= racesFrom) onRace(i, k);
        if (rev && !resumed) {
          this.join(rc, 0, i * w);
          floor = scanFloor(rc, lastOf, w, a, k);
        }
        if ((c[base + ai] as number) <= i) this.join(c, base, i * w);
      }
      c[base + a] = k + 1;
      lastOf[a] = k;
    }
    this.valid = n;
  }

  /**
   * Step i made waiter k runnable, but another step j between them that does not happen
   * after i touches what k reads (its predicate, in the engine's accesses): moved before i
   * with the rest of notdep(i), j may wake k on its own (a waiter on "queue not empty or
   * connection broken", woken by the push, could have been woken by the break). The race
   * is then reversed: if j does not wake k after all, the replay says so (infeasible).
   */
  private otherWaker(log: ExecutionLog, i: number, k: number): boolean {
    if (log.resumed[k] !== true) return false;
    const ids = log.actorIds;
    const a = ids[k] as number;
    const ek = log.events[k] as Event;
    for (let j = i + 1; j < k; j++) {
      if (ids[j] === a || ids[j] === ids[i]) continue;
      if (this.before(log, i, j)) continue;
      if (dependent(log.events[j] as Event, ek)) return true;
    }
    return false;
  }

  /** True when step i happens before step k (i < k). */
  before(log: ExecutionLog, i: number, k: number): boolean {
    const ai = log.actorIds[i] as number;
    return (this.clocks[k * this.width + ai] as number) > i;
  }

  /** Clock entry: one more than the latest step of actor `a` happening before step k. */
  entry(k: number, a: number): number {
    return a < this.width ? (this.clocks[k * this.width + a] as number) : 0;
  }

  get length(): number {
    return this.n;
  }

  /** target[into..] = max(target[into..], clock of the step starting at `from`). */
  private join(target: number[], into: number, from: number): void {
    const c = this.clocks;
    for (let x = 0; x < this.width; x++) {
      const v = c[from + x] as number;
      if (v > (target[into + x] as number)) target[into + x] = v;
    }
  }
}

/**
 * The least step index below which the race clock `rc` covers every step of every actor
 * but `a` (lastOf: each actor's latest step before k). A step of actor x is covered when
 * rc[x] exceeds its index, and so are all x's earlier steps (program order).
 */
function scanFloor(
  rc: readonly number[],
  lastOf: readonly number[],
  w: number,
  a: number,
  k: number,
): number {
  let floor = k;
  for (let x = 0; x < w; x++) {
    if (x === a) continue;
    const r = rc[x] as number;
    if ((lastOf[x] as number) >= r && r < floor) floor = r;
  }
  return floor;
}

/**
 * A race i < k cannot be reversed when step i is what made k's actor runnable: the actor
 * had no step between i and k, could not run when i was chosen, and could right after.
 * (A waiter resumed by i's write re-reads its predicate, so i and k look dependent, but k
 * can never come first.) Anything this test lets through and that proves impossible on
 * replay is caught by the strategy and counted as a blocked execution.
 */
function reversible(log: ExecutionLog, i: number, k: number, prevOfK: number): boolean {
  if (prevOfK > i) return true;
  // A waiter with a timeout that i woke could instead have timed out before i: its timer
  // takes k's place when the reversal runs (the strategy swaps a step that cannot run for
  // its actor's timer). The timer may only become due after other steps of notdep(i).
  if (prevOfK >= 0 && (log.events[prevOfK] as Event).deadline_ms !== undefined) return true;
  const a = log.actorIds[k] as number;
  const option = (log.events[k] as Event).timer ? timerOf(a) : stepOf(a);
  if (i + 1 >= log.length) return true;
  const before = log.enabled[i] as number[];
  const after = log.enabled[i + 1] as number[];
  return holds(before, option) || !holds(after, option);
}
