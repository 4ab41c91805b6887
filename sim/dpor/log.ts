import { fillArray, truncateArray } from "../arrays.ts";
import { stopsTheRun } from "../errors.ts";
import { CLOCK_OBJECT, LIVE_OBJECT, objectOfAccess, renumberAccess } from "../objects/tracked.ts";
import type { StepInfo } from "../strategy.ts";
import { type Decision, decisionKind, decisionSubject, stepOf } from "../types.ts";
import { type ActorState, ActorStatus, type World } from "../world.ts";
import {
  type ActorKeys,
  addAccess,
  CLOCK_WRITE,
  type DisabledWaiter,
  deadlineAccess,
  type Event,
  objectMask,
} from "./event.ts";

/** The choices of a step that made none (shared: events never change their arrays). */
const NO_CHOICES: readonly number[] = Object.freeze([]);

/**
 * The steps of the running execution, with what partial-order reduction needs afterwards:
 * each step's event, the actor id that ran it, the step that spawned that actor, and which
 * actors could run when the step was chosen. Reused across executions (cleared, not
 * reallocated) so that memory stays flat with the number of executions.
 */
export class ExecutionLog {
  /**
   * Steps recorded in the running execution. The arrays below hold one entry per step up
   * to it, and stale entries after it: a restart cuts them by this count, not by popping,
   * which in V8 shrinks an array's storage once it falls below half, so that the next
   * execution grew all five again, step by step (cut by the count, dpor does ~5% more
   * executions a second on the peer twin).
   */
  length = 0;
  readonly events: Event[] = [];
  /** Actor id (in this execution) of each step. */
  readonly actorIds: number[] = [];
  /** For the first step of an actor spawned by a step: that step's index; else -1. */
  readonly spawnStep: number[] = [];
  /** The enabled options (decisions) when each step was chosen. */
  readonly enabled: number[][] = [];
  /**
   * Whether each step resumed an actor from a wait (it may have been made runnable by an
   * earlier write). Unknown without a world to look at: then true, which is conservative.
   */
  readonly resumed: boolean[] = [];
  /** Number of actor ids seen so far. */
  actorCount = 0;
  /** Whether some step of the execution made a data choice. */
  madeChoices = false;
  /**
   * The data choices the setup made, before the first step: part of no event (see
   * SetupChoices), but of the trace. Kept by the strategy; `clear` empties it.
   */
  readonly setupChoices: number[] = [];
  private readonly spawnedAt: number[] = [];
  private readonly started: boolean[] = [];

  private world: World | null = null;
  private resuming = true;
  private endsTimedWait = false;

  /** Stable object number of each object id of the running execution (see stableAccesses). */
  private readonly objectKey: number[] = [];
  /** Objects named so far in the running execution. */
  private objectsNamed = 0;
  /**
   * Whether some object named so far has a stable number other than its id. Mostly none
   * has (the setup's objects are named first, in id order), and then addStable has nothing
   * to rewrite.
   */
  private renamed = false;
  /** Objects created so far by each actor id, in the running execution. */
  private readonly createdBy: number[] = [];
  private readonly objectIds = new Map<string, number>();
  /** objectIds inverted, built on demand (see objectName). */
  private readonly objectNames: string[] = [];

  constructor(readonly keys: ActorKeys) {}

  /**
   * Object ids are handed out in creation order, which differs between interleavings when
   * steps create objects (a connection's queue, say). Like actors, an object is therefore
   * named by the setup ("o3") or by its creator and rank ("s1.0#2": the third object made
   * by actor s1.0), and accesses are rewritten to those stable numbers (addStable), so that
   * events compare across executions.
   */
  private nameNewObjects(actor: number, step: number): void {
    const world = this.world;
    if (world === null) return;
    const total = world.objects.length;
    for (let id = this.objectsNamed; id < total; id++) {
      const key =
        step === 0 && id < this.setupObjects
          ? this.setupObjectKey(id)
          : this.createdObjectKey(this.keys.keyOf(actor), this.bumpCreated(actor));
      this.objectKey[id] = key;
      if (key !== id) this.renamed = true;
    }
    this.objectsNamed = total;
  }

  // The stable numbers are looked up by setup rank, or by creator key and rank, before the
  // name is built: every execution names every object again, and a string and a map
  // lookup per object cost about a tenth of a small scenario's execution.
  private readonly setupKeys: number[] = [];
  private readonly createdKeys: number[][] = [];

  private setupObjectKey(id: number): number {
    let k = this.setupKeys[id];
    if (k === undefined) {
      k = this.intern(`o${id}`);
      this.setupKeys[id] = k;
    }
    return k;
  }

  private createdObjectKey(creator: number, rank: number): number {
    let byRank = this.createdKeys[creator];
    if (byRank === undefined) {
      byRank = [];
      this.createdKeys[creator] = byRank;
    }
    let k = byRank[rank];
    if (k === undefined) {
      k = this.intern(`${this.keys.names[creator]}#${rank}`);
      byRank[rank] = k;
    }
    return k;
  }

  /** The stable name of object number `id` ("o3", "s1.0#2"), for diagnostics. */
  objectName(id: number): string {
    if (this.objectNames.length !== this.objectIds.size) {
      this.objectNames.length = 0;
      for (const [name, k] of this.objectIds) this.objectNames[k] = name;
    }
    return this.objectNames[id] ?? `#${id}`;
  }

  private intern(name: string): number {
    let k = this.objectIds.get(name);
    if (k === undefined) {
      k = this.objectIds.size;
      this.objectIds.set(name, k);
    }
    return k;
  }

  /** Adds the step's accesses to `out`, rewritten to stable object numbers. */
  private addStable(out: number[], accesses: readonly number[]): void {
    const keyed = this.world !== null;
    if (!this.renamed) {
      for (let i = 0; i < accesses.length; i++) addAccess(out, accesses[i] as number);
      return;
    }
    for (let i = 0; i < accesses.length; i++) {
      const c = accesses[i] as number;
      const obj = keyed ? objectOfAccess(c) : -1;
      addAccess(out, obj < 0 ? c : renumberAccess(c, this.objectKey[obj] ?? obj));
    }
  }

  /**
   * `event` with the mutexes its step took or released. Rare, so only those events carry
   * the fields: two more fields on every event cost 1.2% of the instructions of a
   * protocol execution (valgrind).
   */
  private withMutexes(event: Event, world: World): Event {
    return { ...event, acquires: this.acquiredBy(world), releases: this.releasedBy(world) };
  }

  /** The mutex the step just run took (see World.noteMutex), as a stable object number. */
  private acquiredBy(world: World): number | undefined {
    const id = world.acquiredThisStep;
    return id < 0 ? undefined : this.stableObject(id);
  }

  /** The mutexes the step just run released, as stable object numbers. */
  private releasedBy(world: World): number[] | undefined {
    const ids = world.releasedThisStep;
    return ids.length === 0 ? undefined : ids.map((id) => this.stableObject(id));
  }

  /** An object's number as `addStable` writes it into accesses. */
  private stableObject(id: number): number {
    return this.renamed ? (this.objectKey[id] ?? id) : id;
  }

  private bumpCreated(actor: number): number {
    const n = this.createdBy[actor] ?? 0;
    this.createdBy[actor] = n + 1;
    return n;
  }

  /**
   * Shows the log the world of the execution about to run, so that it knows which steps
   * resume a waiter and which start or end a timed wait. Without it, every step is assumed
   * to resume a waiter and to touch the timers: sound, but with more dependencies.
   */
  observe(world: World): void {
    this.world = world;
    this.setupObjects = -1;
  }

  /** Objects made by the scenario's setup (known at the first step). */
  private setupObjects = -1;

  /** Called when the strategy has picked `decision`, before the step runs. */
  beforeStep(decision: Decision): void {
    if (this.setupObjects < 0 && this.world !== null) this.setupObjects = this.world.objects.length;
    const state = this.world?.actors[decisionSubject(decision)];
    this.resuming =
      state === undefined ||
      (decisionKind(decision) === 0 &&
        state.status === ActorStatus.Waiting &&
        state.until !== null);
    this.endsTimedWait = state === undefined || this.timedWait(state);
  }

  clear(): void {
    this.restart(0);
    this.setupChoices.length = 0;
  }

  /**
   * Starts a new execution whose first `keep` steps replay the last one's (a search that
   * branches after them). Their records are kept, not pushed again: record only checks
   * that each replayed step is the same event (most steps of a search are replayed ones).
   */
  restart(keep: number): void {
    this.truncate(keep);
    // objectKey needs no clearing: every object is named before its accesses are read.
    fillArray(this.createdBy, 0);
    this.objectsNamed = 0;
    this.renamed = false;
    fillArray(this.spawnedAt, -1);
    fillArray(this.started, false);
    this.actorCount = 0;
    this.madeChoices = false;
    this.keys.reset();
  }

  /**
   * Adds the pseudo-objects a step touches (see event.ts) to `out`: a timer firing writes
   * the clock and reads every actor's deadline; starting a timed wait reads the clock (the
   * deadline is now + timeout) and writes the actor's deadline; ending one writes it.
   */
  private addEngineAccesses(
    out: number[],
    key: number,
    timer: boolean,
    startsTimedWait: boolean,
  ): void {
    if (timer) {
      out.push(CLOCK_WRITE);
      const actors = this.world?.actors.length ?? 0;
      for (let id = 0; id < actors; id++) {
        const k = this.keys.keyOf(id);
        if (k !== key) out.push(deadlineAccess(k, false));
      }
    }
    if (startsTimedWait) addAccess(out, CLOCK_OBJECT * 2);
    if (startsTimedWait || this.endsTimedWait) out.push(deadlineAccess(key, true));
  }

  /**
   * The pseudo-object that orders the end of the execution against daemons (see
   * LIVE_OBJECT): a daemon's step or timer writes it, a non-daemon actor's finishing step
   * reads it. Without daemons nothing writes it, and no order changes.
   */
  private addEndAccesses(out: number[], after: ActorState): void {
    if (after.daemon) addAccess(out, LIVE_OBJECT * 2 + 1);
    else if (after.status === ActorStatus.Done) addAccess(out, LIVE_OBJECT * 2);
  }

  /**
   * A step that starts a timed wait: the predicate's reads become the step's own. Whether
   * the waiter's timer may fire depends on its predicate from now on (the engine evaluates
   * it right after this step), so the writes that would wake the waiter must be ordered
   * against the start: "wait starts, then the timer fires, then the write" is explored too.
   * An untimed wait's start reads nothing, so that a blocking acquire stays one event as in
   * the DPOR literature. (Recording its reads too changed the classic benchmarks' trace
   * counts.) When its predicate is false at the start, the reads are kept apart instead
   * (Event.waitReads), for the search only: see insertWaitWindows in dpor.ts.
   * Returns whether a timed wait's predicate is false at its start; its reads are then
   * also left in falsePredicateReads (for insertLaterWakers: see Event.waitReads).
   */
  private recordWaitStart(until: () => boolean): boolean {
    const world = this.world;
    if (world === null) return false;
    const acc = world.accesses;
    const len = acc.length;
    let holds = false;
    world.recording = true;
    try {
      holds = until();
    } catch (e) {
      // The waiter's crash is the engine's to report, when it next evaluates the predicate
      // (as under every other strategy); here only its reads were wanted. Taken as false,
      // as in readsOfFalsePredicate.
      if (stopsTheRun(e)) throw e;
    } finally {
      world.recording = false;
    }
    const reads = this.falsePredicateReads;
    truncateArray(reads, 0);
    if (!holds) for (let i = len; i < acc.length; i++) reads.push(acc[i] as number);
    return !holds;
  }

  /** Reused by readsOfFalsePredicate: the reads of the last predicate that was false. */
  private readonly falsePredicateReads: number[] = [];

  /**
   * Whether an untimed wait's predicate is false; if so, its reads (execution-local object
   * ids) are left in falsePredicateReads, apart from the step's accesses (the recorded
   * accesses are put back as they were). A true predicate: the waiter can wake at once.
   * (Copied by hand into a reused array: a splice here, on every step that left its actor
   * waiting, allocated an array that makeEvent then copied again.)
   */
  private readsOfFalsePredicate(until: () => boolean): boolean {
    const world = this.world;
    if (world === null) return false;
    const acc = world.accesses;
    const len = acc.length;
    let holds = false;
    world.recording = true;
    try {
      holds = until();
    } catch (e) {
      // As in recordWaitStart: the engine reports the crash when it evaluates the predicate
      // next. Taken as false, with the reads it made before it threw: a write to them may
      // make it throw, and the search must try the waiter's resumption before that write.
      if (stopsTheRun(e)) throw e;
      holds = false;
    } finally {
      world.recording = false;
    }
    const reads = this.falsePredicateReads;
    truncateArray(reads, 0);
    if (!holds) for (let i = len; i < acc.length; i++) reads.push(acc[i] as number);
    truncateArray(acc, len);
    return !holds;
  }

  /**
   * The actors that could take a step when the execution ended (ready, or waiting on a
   * predicate that holds), as step options; null without a world. Timers are not looked at.
   * None when the execution completed (see `completed`): daemons left ready or waiting
   * cannot run after the end, so the last step disabled their options.
   */
  stepsEnabledAtEnd(): number[] | null {
    const world = this.world;
    if (world === null) return null;
    const out: number[] = [];
    if (world.liveActors === 0) return out;
    for (const a of world.actors) {
      if (a.status === ActorStatus.Ready) out.push(stepOf(a.id));
      else if (a.status === ActorStatus.Waiting && a.until !== null) {
        // A predicate that throws: not enabled, as for the engine, which reports the crash.
        // The search then looks for an order where the waiter woke before what made it throw.
        let ready = false;
        try {
          ready = a.until();
        } catch {}
        if (ready) out.push(stepOf(a.id));
      }
    }
    return out;
  }

  /** Whether step m finished a non-daemon actor (it reads LIVE_OBJECT). */
  finishes(m: number): boolean {
    const acc = (this.events[m] as Event).acc;
    for (let i = 0; i < acc.length; i++) if (acc[i] === LIVE_OBJECT * 2) return true;
    return false;
  }

  /**
   * Whether a daemon could still have taken a step or fired a timer when the execution
   * completed: the step that ended it cut that option off.
   */
  daemonCouldRun(): boolean {
    const world = this.world;
    if (world === null) return false;
    for (const a of world.actors) {
      if (!a.daemon || a.status === ActorStatus.Done) continue;
      if (a.status === ActorStatus.Ready) return true;
      if (a.status !== ActorStatus.Waiting) continue;
      if (a.deadline_ms <= world.timeLimit_ms) return true;
      if (a.until === null) continue;
      let ready = false;
      try {
        ready = a.until();
      } catch {}
      if (ready) return true;
    }
    return false;
  }

  /**
   * Whether the execution ended because every non-daemon actor had finished: its last
   * step ended it, and with it every option a daemon still had (a step or a timer).
   */
  completed(): boolean {
    return this.world !== null && this.world.liveActors === 0;
  }

  /**
   * Whether `a` waits with a timeout that can fire. A deadline past the execution's time
   * horizon never does (the engine offers no timer due after it), so for the search such a
   * wait is untimed: no write needs ordering against its start, which reads only the clock
   * (see makeEvent). On the protocol scopes this is every heartbeat wait that starts within
   * 5 s of the horizon: on the two-tab scope within 4 s, every one of them.
   */
  private timedWait(a: ActorState): boolean {
    return (
      hasDeadline(a) && a.deadline_ms <= (this.world?.timeLimit_ms ?? Number.POSITIVE_INFINITY)
    );
  }

  /** Whether some step of the execution resumed an actor from a wait. */
  resumedAny(): boolean {
    for (let i = 0; i < this.length; i++) if (this.resumed[i] === true) return true;
    return false;
  }

  /** Forgets every step from `n` on. */
  truncate(n: number): void {
    if (n < this.length) this.length = Math.max(0, n);
  }

  /**
   * Records a finished step; `choices`/`ranges` are the data choices made inside it. When
   * the step replays step `info.index` of the path that the search is on, `known` is the
   * event recorded for it then: it is reused (a replayed step is the same event), and
   * `diverged` tells whether the step's accesses differed after all.
   */
  record(
    info: StepInfo,
    choices: readonly number[],
    ranges: readonly number[],
    known: Event | null = null,
  ): Event {
    const actor = info.actor;
    const raw = accessHash(info.accesses);
    if (choices.length > 0) this.madeChoices = true;
    const index = info.index;
    let event: Event;
    let enabled: number[] | undefined;
    this.diverged = known !== null && known.raw !== raw;
    if (known !== null && !this.diverged) {
      this.keys.spawned(actor, info.spawned);
      this.nameNewObjects(actor, index);
      event = known;
      enabled = index < this.length ? this.enabled[index] : undefined;
    } else {
      // A step that diverged from its first run is recorded as it happened this time.
      event = this.makeEvent(info, choices, ranges, raw);
    }
    const first = this.started[actor] !== true;
    this.started[actor] = true;
    // A step kept by restart: the same event, actor and options as recorded then.
    const kept = index < this.length && this.events[index] === event;
    if (!kept) {
      this.truncate(index);
      const at = this.length;
      const spawner = first ? (this.spawnedAt[actor] ?? -1) : -1;
      // Written in place (not through a helper: one per element kind keeps stores fast).
      if (at < this.events.length) {
        this.events[at] = event;
        this.actorIds[at] = actor;
        this.resumed[at] = event.resumed === true;
        this.spawnStep[at] = spawner;
        // A stale step's options array is the log's own: refilled, not allocated again.
        if (enabled === undefined) copyInto(this.enabled[at] as number[], info.enabled);
        else this.enabled[at] = enabled;
      } else {
        const options = enabled ?? info.enabled.slice();
        this.events.push(event);
        this.actorIds.push(actor);
        this.resumed.push(event.resumed === true);
        this.spawnStep.push(spawner);
        this.enabled.push(options);
      }
      this.length = at + 1;
    }
    for (const child of info.spawned) this.spawnedAt[child] = info.index;
    // Every actor id so far, spawned or enabled, is below the world's actor count.
    let top = this.world === null ? actor : this.world.actors.length - 1;
    if (this.world === null) {
      for (const child of info.spawned) if (child > top) top = child;
      for (const d of info.enabled) if (decisionSubject(d) > top) top = decisionSubject(d);
    }
    if (top + 1 > this.actorCount) this.actorCount = top + 1;
    return event;
  }

  /**
   * Per step index, the invariants' reads after the step there (World.checkReads), kept
   * from the execution that ran them: the engine does not run them after a replayed step,
   * which is the step that ran there in the last execution (exhaustive makes its event
   * again; dpor only for a replay that diverged). Most scenarios have none: one shared
   * empty array stands for them.
   */
  private readonly checkReadsAt: (readonly number[])[] = [];

  /** The invariants' reads after step `index`, just run (see checkStep in execute.ts). */
  private checkReadsOf(index: number): readonly number[] {
    const world = this.world;
    if (world === null || world.invariants.length === 0 || world.lastStepChecks === "ended") {
      return NO_CHOICES;
    }
    if (world.lastStepChecks === "replayed") return this.checkReadsAt[index] ?? NO_CHOICES;
    const reads = world.checkReads.length === 0 ? NO_CHOICES : world.checkReads.slice();
    this.checkReadsAt[index] = reads;
    return reads;
  }

  /**
   * The waiters that could resume before this step and cannot after it, whose predicate now
   * reads two objects or more, with what it reads (stable numbers). A predicate of one object
   * that this step made false was written by it, so every earlier write to that object
   * races with this step anyway; a disjunction that was true by one part, and read only
   * that part, is what needs them (see insertDisabledOptions in dpor.ts).
   */
  private disabledWaiters(info: StepInfo, world: World): DisabledWaiter[] | undefined {
    let out: DisabledWaiter[] | undefined;
    for (const d of info.enabled) {
      if (decisionKind(d) !== 0) continue;
      const a = decisionSubject(d);
      const state = world.actors[a];
      if (a === info.actor || state === undefined) continue;
      if (state.status !== ActorStatus.Waiting || state.until === null) continue;
      if (!this.readsOfFalsePredicate(state.until)) continue;
      const reads: number[] = [];
      this.addStable(reads, this.falsePredicateReads);
      // One access per object (addAccess).
      if (reads.length < 2) continue;
      if (out === undefined) out = [];
      out.push({ key: this.keys.keyOf(a), waitReads: reads, waitMask: objectMask(reads) });
    }
    return out;
  }

  /** Whether the last replayed step (see record) touched other objects than the first time. */
  diverged = false;

  private makeEvent(
    info: StepInfo,
    choices: readonly number[],
    ranges: readonly number[],
    raw: number,
  ): Event {
    const actor = info.actor;
    const world = this.world;
    const after = world?.actors[actor];
    const startsTimedWait = after === undefined || this.timedWait(after);
    const waitsOnFalse =
      after !== undefined &&
      after.status === ActorStatus.Waiting &&
      after.until !== null &&
      (startsTimedWait
        ? this.recordWaitStart(after.until)
        : this.readsOfFalsePredicate(after.until));
    const key = this.keys.keyOf(actor);
    this.keys.spawned(actor, info.spawned);
    const timer = decisionKind(info.decision) === 1;
    const acc: number[] = [];
    this.addEngineAccesses(acc, key, timer, startsTimedWait);
    // A wait whose deadline is past the horizon still read the clock: it is untimed only
    // because no timer had moved the clock far enough when it started.
    if (!startsTimedWait && hasDeadline(after)) addAccess(acc, CLOCK_OBJECT * 2);
    if (after !== undefined) this.addEndAccesses(acc, after);
    this.nameNewObjects(actor, info.index);
    this.addStable(acc, info.accesses);
    const checkReads = this.checkReadsOf(info.index);
    if (checkReads.length > 0) this.addStable(acc, checkReads);
    let waitReads: number[] | undefined;
    if (waitsOnFalse) {
      waitReads = [];
      this.addStable(waitReads, this.falsePredicateReads);
    }
    const disabled = world === null ? undefined : this.disabledWaiters(info, world);
    // Every field is set, so that all events share one shape (property reads stay fast).
    const event: Event = {
      key,
      timer,
      choices: choices.length === 0 ? NO_CHOICES : choices.slice(),
      ranges: ranges.length === 0 ? NO_CHOICES : ranges.slice(),
      acc,
      mask: objectMask(acc),
      wmask: objectMask(acc, true),
      resumed: this.resuming,
      deadline_ms: startsTimedWait && after !== undefined ? after.deadline_ms : undefined,
      waitReads,
      waitMask: waitReads === undefined ? undefined : objectMask(waitReads),
      disabled,
      opaque: timer && this.world === null ? true : undefined,
      raw,
      step: info.index,
    };
    return world?.mutexStep === true ? this.withMutexes(event, world) : event;
  }
}

/** Makes `target` a copy of `source`, in place. */
function copyInto(target: number[], source: readonly number[]): void {
  truncateArray(target, source.length);
  for (let i = 0; i < source.length; i++) target[i] = source[i] as number;
}

/** Whether `a` waits with a timeout (a sleep, or a wait with `timeout_ms`). */
function hasDeadline(a: ActorState): boolean {
  return a.status === ActorStatus.Waiting && a.deadline_ms !== Number.POSITIVE_INFINITY;
}

/**
 * A hash of a step's accesses as recorded (execution-local object ids: a replayed prefix
 * creates its objects in the same order, so equal steps hash equal).
 */
function accessHash(accesses: readonly number[]): number {
  let h = accesses.length;
  for (let i = 0; i < accesses.length; i++) {
    h = Math.imul(h ^ (accesses[i] as number), 0x9e3779b1);
    h ^= h >>> 15;
  }
  return h;
}
