import { CLOCK_OBJECT, objectOfAccess, renumberAccess } from "../objects/tracked.ts";
import type { StepInfo } from "../strategy.ts";
import { type Decision, decisionKind, decisionSubject } from "../types.ts";
import { ActorStatus, type World } from "../world.ts";
import {
  type ActorKeys,
  CLOCK_WRITE,
  deadlineAccess,
  type Event,
  normaliseAccesses,
  objectMask,
} from "./event.ts";

/**
 * The steps of the running execution, with what partial-order reduction needs afterwards:
 * each step's event, the actor id that ran it, the step that spawned that actor, and which
 * actors could run when the step was chosen. Reused across executions (cleared, not
 * reallocated) so that memory stays flat with the number of executions.
 */
export class ExecutionLog {
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
  private readonly spawnedAt: number[] = [];
  private readonly started: boolean[] = [];

  private world: World | null = null;
  private resuming = true;
  private endsTimedWait = false;

  /** Stable object number of each object id of the running execution (see stableAccesses). */
  private readonly objectKey: number[] = [];
  /** Objects named so far in the running execution. */
  private objectsNamed = 0;
  /** Objects created so far by each actor id, in the running execution. */
  private readonly createdBy: number[] = [];
  private readonly objectIds = new Map<string, number>();
  private readonly scratch: number[] = [];

  constructor(readonly keys: ActorKeys) {}

  /**
   * Object ids are handed out in creation order, which differs between interleavings when
   * steps create objects (a connection's queue, say). Like actors, an object is therefore
   * named by the setup ("o3") or by its creator and rank ("s1.0#2": the third object made
   * by actor s1.0), and accesses are rewritten to those stable numbers, so that events
   * compare across executions.
   */
  private stableAccesses(accesses: readonly number[], actor: number): readonly number[] {
    const world = this.world;
    if (world === null) return accesses;
    const total = world.objects.length;
    for (let id = this.objectsNamed; id < total; id++) {
      const name =
        this.events.length === 0 && id < this.setupObjects
          ? `o${id}`
          : `${this.keys.names[this.keys.keyOf(actor)]}#${this.bumpCreated(actor)}`;
      let k = this.objectIds.get(name);
      if (k === undefined) {
        k = this.objectIds.size;
        this.objectIds.set(name, k);
      }
      this.objectKey[id] = k;
    }
    this.objectsNamed = total;
    const out = this.scratch;
    out.length = 0;
    for (let i = 0; i < accesses.length; i++) {
      const c = accesses[i] as number;
      const obj = objectOfAccess(c);
      out.push(obj < 0 ? c : renumberAccess(c, this.objectKey[obj] ?? obj));
    }
    return out;
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
    this.endsTimedWait =
      state === undefined ||
      (state.status === ActorStatus.Waiting && state.deadline_ms !== Number.POSITIVE_INFINITY);
  }

  clear(): void {
    this.events.length = 0;
    this.actorIds.length = 0;
    this.spawnStep.length = 0;
    this.enabled.length = 0;
    this.resumed.length = 0;
    this.objectKey.length = 0;
    this.createdBy.length = 0;
    this.objectsNamed = 0;
    this.spawnedAt.length = 0;
    this.started.length = 0;
    this.actorCount = 0;
    this.keys.reset();
  }

  /**
   * The pseudo-objects a step touches (see event.ts): a timer firing writes the clock and
   * reads every actor's deadline; starting a timed wait reads the clock (the deadline is
   * now + timeout) and writes the actor's deadline; ending one writes it.
   */
  private engineAccesses(key: number, timer: boolean, startsTimedWait: boolean): number[] {
    const out = this.engine;
    out.length = 0;
    if (timer) {
      out.push(CLOCK_WRITE);
      const actors = this.world?.actors.length ?? 0;
      for (let id = 0; id < actors; id++) {
        const k = this.keys.keyOf(id);
        if (k !== key) out.push(deadlineAccess(k, false));
      }
    }
    if (startsTimedWait) out.push(CLOCK_OBJECT * 2);
    if (startsTimedWait || this.endsTimedWait) out.push(deadlineAccess(key, true));
    return out;
  }

  private readonly engine: number[] = [];

  /**
   * A step that starts a timed wait: the predicate's reads become the step's own. Whether
   * the waiter's timer may fire depends on its predicate from now on (the engine evaluates
   * it right after this step), so the writes that would wake the waiter must be ordered
   * against the start: "wait starts, then the timer fires, then the write" is explored too.
   * An untimed wait's start reads nothing, so that a blocking acquire stays one event as in
   * the DPOR literature. (Recording its reads too was tried against the known gap in
   * dpor.test.ts, a waiter that could have woken in a window that later closed: it did not
   * close it, and it changed the classic benchmarks' trace counts.)
   */
  private recordWaitStart(until: () => boolean): void {
    const world = this.world;
    if (world === null) return;
    world.recording = true;
    try {
      until();
    } finally {
      world.recording = false;
    }
  }

  /** Forgets every step from `n` on. */
  truncate(n: number): void {
    if (n >= this.events.length) return;
    this.events.length = n;
    this.actorIds.length = n;
    this.spawnStep.length = n;
    this.enabled.length = n;
    this.resumed.length = n;
  }

  /** Records a finished step; `choices`/`ranges` are the data choices made inside it. */
  record(info: StepInfo, choices: readonly number[], ranges: readonly number[]): Event {
    const actor = info.actor;
    const after = this.world?.actors[actor];
    const startsTimedWait =
      after === undefined ||
      (after.status === ActorStatus.Waiting && after.deadline_ms !== Number.POSITIVE_INFINITY);
    if (startsTimedWait && after !== undefined && after.until !== null) {
      this.recordWaitStart(after.until);
    }
    const resumed = this.resuming;
    const key = this.keys.keyOf(actor);
    this.keys.spawned(actor, info.spawned);
    const timer = decisionKind(info.decision) === 1;
    const engine = this.engineAccesses(key, timer, startsTimedWait);
    const acc = normaliseAccesses(this.stableAccesses(info.accesses, actor), engine);
    const event: Event = {
      key,
      timer,
      choices: choices.slice(),
      ranges: ranges.slice(),
      acc,
      mask: objectMask(acc),
      resumed,
      ...(startsTimedWait && after !== undefined ? { deadline_ms: after.deadline_ms } : {}),
      ...(timer && this.world === null ? { opaque: true } : {}),
    };
    const first = this.started[actor] !== true;
    this.started[actor] = true;
    this.events.push(event);
    this.actorIds.push(actor);
    this.resumed.push(resumed);
    this.spawnStep.push(first ? (this.spawnedAt[actor] ?? -1) : -1);
    const enabled = info.enabled.slice();
    this.enabled.push(enabled);
    for (const child of info.spawned) this.spawnedAt[child] = info.index;
    let top = actor;
    for (const child of info.spawned) if (child > top) top = child;
    for (const d of enabled) if (decisionSubject(d) > top) top = decisionSubject(d);
    if (top + 1 > this.actorCount) this.actorCount = top + 1;
    return event;
  }
}
