import { fillArray } from "../arrays.ts";
import { CLOCK_OBJECT, DEADLINE_OBJECTS, objectOfAccess } from "../objects/tracked.ts";

/**
 * One step of an execution as partial-order reduction sees it: which actor ran it (by a
 * name that is stable across executions), whether it was a timer firing, the data choices
 * made inside it and the tracked objects it touched.
 */
export interface Event {
  /** Interned stable actor key (see ActorKeys): equal across executions for the same actor. */
  readonly key: number;
  /** True when the step was a timer firing: it moves the virtual clock. */
  readonly timer: boolean;
  /** Values of the data choices made inside the step, in order. */
  readonly choices: readonly number[];
  /** The range n of each choice. */
  readonly ranges: readonly number[];
  /** Distinct access codes (objectId * 2 + isWrite), with a write dropping the read of the same object. */
  readonly acc: readonly number[];
  /**
   * True for an event known only by its actor (an option that was disabled before it ran):
   * its accesses are unknown, so it is treated as dependent with everything.
   */
  readonly opaque?: boolean;
  /** True when the step resumed a waiter: at another point it may not be able to run. */
  readonly resumed?: boolean;
  /** When the step left its actor in a timed wait: the virtual time of its deadline. */
  readonly deadline_ms?: number;
  /**
   * A 32-bit summary of the objects in `acc` (see objectMask): two events whose masks do
   * not meet touch no object in common. Absent: unknown, compare the accesses.
   */
  readonly mask?: number;
  /**
   * The same summary of the objects that `acc` writes. Two events conflict only on an
   * object that one writes and the other touches: the clock, which nearly every step reads,
   * then no longer makes every pair of masks meet.
   */
  readonly wmask?: number;
  /**
   * When the step left its actor in a wait, its predicate false: the reads of the
   * predicate right after the step. For a wait without a timeout they are not part of
   * `acc` (a blocking acquire stays one event, and traces are as before): only the search
   * looks at them, for the windows before the wait and the other steps that could have
   * woken the waiter (see insertWaitWindows and insertLaterWakers in dpor.ts). A timed
   * wait's start reads them (they are in `acc`, so its races with writes before and after
   * it are ordinary races), and only insertLaterWakers looks at them: the waiter, woken by
   * one part of a disjunction, could have been woken first by a later write to another.
   */
  readonly waitReads?: readonly number[];
  /** objectMask of waitReads: a step whose wmask misses it writes none of them. */
  readonly waitMask?: number;
  /**
   * Waiters that this step disabled, their predicates reading two objects or more: per
   * waiter, its stable key and the reads of its now-false predicate (see
   * insertEarlierClosers in dpor.ts). Absent: none.
   */
  readonly disabled?: readonly DisabledWaiter[];
  /**
   * The mutex (a stable object number, as in `acc`) that this step took as it resumed its
   * actor from `Mutex.acquire`. Absent: none.
   */
  readonly acquires?: number;
  /** The mutexes this step released (`Mutex.release`), as stable object numbers. Absent: none. */
  readonly releases?: readonly number[];
  /** A hash of the accesses as the step recorded them (checks that a replay agrees). */
  readonly raw?: number;
  /**
   * The index of the step in the execution that recorded it. A replay reuses the event
   * only at that index, and only a node's own event is put to sleep there (backtrack in
   * dpor.ts), so a sleeping event's step is the node where it was explored: the root of
   * its own branch (see sleeperStandsFor). Events also go into wakeup sequences planned
   * for earlier nodes; there the field says nothing about where they will run.
   */
  readonly step?: number;
}

/**
 * Two events of different actors are dependent when they touch the same object and one of
 * them writes it. The engine's own shared state takes part as pseudo-objects (see log.ts):
 * a timer firing writes the clock and reads every actor's deadline, its waiter's
 * predicate and those of the waiters due before it (readHeldWaiters in execute.ts);
 * starting a timed wait reads the clock and writes the actor's deadline. So a
 * firing commutes with a step that neither reads the clock, nor changes a deadline, nor
 * touches what the waiter waits on: that step can neither enable nor disable the firing,
 * nor see which came first. Events of the same actor are ordered by program order (the
 * caller handles that case). An opaque event is dependent with everything.
 */
export function dependent(a: Event, b: Event): boolean {
  if (a.opaque === true || b.opaque === true) return true;
  // Two starts of timed waits commute as state changes, but the earlier deadline holds back
  // the other's timer, which then never fires in an execution where the earlier wait
  // started first: only this dependency makes the search try the other order. Equal
  // deadlines hold nothing back (both timers are due together).
  if (a.deadline_ms !== undefined && b.deadline_ms !== undefined) {
    if (a.deadline_ms !== b.deadline_ms) return true;
  }
  // A cheap filter first: happens-before asks this for most pairs of steps.
  // (Both masks or neither: makeEvent in log.ts sets them together; without the write mask
  // an event would look independent of everything.)
  if (
    a.wmask !== undefined &&
    b.wmask !== undefined &&
    (((a.mask as number) & b.wmask) | (a.wmask & (b.mask as number))) === 0
  ) {
    return false;
  }
  const x = a.acc;
  const y = b.acc;
  for (let i = 0; i < x.length; i++) {
    const cx = x[i] as number;
    for (let j = 0; j < y.length; j++) {
      const cy = y[j] as number;
      if (cx >> 1 === cy >> 1 && ((cx | cy) & 1) === 1) return true;
    }
  }
  return false;
}

/**
 * `dependent`, with the parts of an object (a queue's head, tail and slots) taken as the
 * whole object. Which slot a step touches depends on what ran before it (a queue's head
 * slot moves with every pop and clear), so two events recorded in different executions
 * may name different slots of the same queue and still conflict where they meet.
 */
export function dependentOnObjects(a: Event, b: Event): boolean {
  if (dependent(a, b)) return true;
  const x = a.acc;
  const y = b.acc;
  for (let i = 0; i < x.length; i++) {
    const cx = x[i] as number;
    const ox = objectOfAccess(cx);
    if (ox < 0) continue;
    for (let j = 0; j < y.length; j++) {
      const cy = y[j] as number;
      if (((cx | cy) & 1) === 1 && objectOfAccess(cy) === ox) return true;
    }
  }
  return false;
}

/**
 * Step `a` released the mutex that step `b` took, and had not taken it itself: `b` can
 * never run before `a`, as the mutex was held until `a` (by `a`'s actor, the only one that
 * may release it). Their race is not reversed; the search looks past it for the acquire
 * behind the release (see HappensBefore.compute). A step that both takes and releases the
 * mutex found it free, and `b` may come first (the property test lost the trace where `b`
 * takes it and never gives it back). The caller also leaves out an acquire whose wait was
 * timed: reversed, its timer takes its place, and may fire while the mutex is held.
 */
export function lockHandoff(a: Event, b: Event): boolean {
  const m = b.acquires;
  return m !== undefined && a.acquires !== m && a.releases?.includes(m) === true;
}

/** Same actor and same data choices: the same event when met at the same point. */
export function sameEvent(a: Event, b: Event): boolean {
  if (a.key !== b.key || a.choices.length !== b.choices.length) return false;
  for (let i = 0; i < a.choices.length; i++) if (a.choices[i] !== b.choices[i]) return false;
  return true;
}

/** Access code of the clock pseudo-object, written by every timer firing. */
export const CLOCK_WRITE = CLOCK_OBJECT * 2 + 1;

/**
 * Access code of actor `key`'s deadline pseudo-object. Which timer may fire next depends on
 * every pending deadline, so a firing reads them all, and a step that starts or ends a
 * timed wait writes its own (two such steps of different actors commute: the set of
 * deadlines ends up the same; see `dependent` for why some are dependent all the same).
 */
export function deadlineAccess(key: number, write: boolean): number {
  return (DEADLINE_OBJECTS + key) * 2 + (write ? 1 : 0);
}

/** Distinct access codes; a write subsumes a read of the same object. */
export function normaliseAccesses(
  accesses: readonly number[],
  engine: readonly number[] = [],
): number[] {
  const out: number[] = [];
  add(out, engine);
  add(out, accesses);
  return out;
}

/**
 * One bit per object of `acc` (objects hashed onto 32 bits; collisions only cost time), of
 * every object or (`writes`) of the objects written only.
 */
export function objectMask(acc: readonly number[], writes = false): number {
  let mask = 0;
  for (let i = 0; i < acc.length; i++) {
    const c = acc[i] as number;
    if (!writes || (c & 1) === 1) mask |= 1 << (Math.imul(c >> 1, 0x9e3779b1) >>> 27);
  }
  return mask;
}

function add(out: number[], accesses: readonly number[]): void {
  for (let i = 0; i < accesses.length; i++) addAccess(out, accesses[i] as number);
}

/** Adds access code `c` to the distinct codes `out`; a write subsumes a read of its object. */
/** A waiter a step disabled (Event.disabled): what its false predicate reads. */
export interface WaitReads {
  readonly waitReads?: readonly number[];
  readonly waitMask?: number;
}

export interface DisabledWaiter extends WaitReads {
  readonly key: number;
}

/**
 * `ev` reading `reads` too (access codes, taken as reads): a waiter's resumption as it runs
 * when a write to what its predicate read while false woke it, not the part that woke it
 * where it was recorded (see insertLaterWakers in dpor.ts).
 */
export function withReads(ev: Event, reads: readonly number[]): Event {
  const acc = ev.acc.slice();
  for (let i = 0; i < reads.length; i++) addAccess(acc, ((reads[i] as number) >> 1) * 2);
  return { ...ev, acc, mask: objectMask(acc), wmask: objectMask(acc, true) };
}

export function addAccess(out: number[], c: number): void {
  const obj = c >> 1;
  for (let j = 0; j < out.length; j++) {
    if ((out[j] as number) >> 1 === obj) {
      if ((c & 1) === 1) out[j] = c;
      return;
    }
  }
  out.push(c);
}

/**
 * Stable actor names across executions. Actor ids are handed out in spawn order, which
 * differs between interleavings when two actors spawn children; an actor is therefore named
 * by its parent's name and its birth rank among that parent's children ("s0.1" is the second
 * child of setup actor 0). Names are interned into small integers for the whole exploration.
 */
export class ActorKeys {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];
  /** Key of each actor id in the running execution, or -1 (not looked up yet). */
  private readonly byActor: number[] = [];
  private readonly childCount: number[] = [];
  /** Key of setup actor id, kept across executions (interning is a string and a lookup). */
  private readonly setupKeys: number[] = [];

  /** Forgets the running execution's actors (keys stay interned). */
  reset(): void {
    fillArray(this.byActor, -1);
    fillArray(this.childCount, 0);
  }

  /** The key of actor `id`; actors not seen as spawned by a step come from the setup. */
  keyOf(id: number): number {
    const k = this.byActor[id];
    if (k !== undefined && k >= 0) return k;
    let key = this.setupKeys[id];
    if (key === undefined) {
      key = this.intern(`s${id}`);
      this.setupKeys[id] = key;
    }
    this.byActor[id] = key;
    return key;
  }

  /** Records the children spawned by a step of actor `parent`. */
  spawned(parent: number, children: readonly number[]): void {
    if (children.length === 0) return;
    const pk = this.keyOf(parent);
    for (const child of children) {
      const rank = this.childCount[parent] ?? 0;
      this.childCount[parent] = rank + 1;
      this.byActor[child] = this.intern(`${this.names[pk]}.${rank}`);
    }
  }

  private intern(name: string): number {
    let k = this.ids.get(name);
    if (k === undefined) {
      k = this.names.length;
      this.ids.set(name, k);
      this.names.push(name);
    }
    return k;
  }
}
