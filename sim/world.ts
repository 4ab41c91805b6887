import { EngineAssertionError, ModelError, numberText } from "./errors.ts";
import { Cell } from "./objects/cell.ts";
import { Log } from "./objects/log.ts";
import { TrackedMap } from "./objects/map.ts";
import { Mutex } from "./objects/mutex.ts";
import { Queue, type QueueOptions } from "./objects/queue.ts";
import { type AccessRecorder, CLOCK_READ, type Tracked } from "./objects/tracked.ts";
import {
  type Acquirable,
  type Actor,
  choiceOf,
  type Decision,
  type Json,
  type Wait,
} from "./types.ts";

/** A property check: returns a description of the violation, or undefined when it holds. */
export type Check = () => string | undefined;

export interface SpawnOptions {
  /** Label of the actor's first step (the code before its first yield). Default "start". */
  readonly label?: string;
  /**
   * A daemon (a metering ticker, say) does not keep the execution alive: the execution
   * completes when every non-daemon actor has finished, whatever daemons are doing.
   */
  readonly daemon?: boolean;
}

export interface UntilOptions {
  /** Label of the step that runs on resume. Default "resume". */
  readonly label?: string;
  /** Give up after this much virtual time; the actor then resumes with "timeout". */
  readonly timeout_ms?: number;
  /** What is waited on, for deadlock reports. */
  readonly on?: string;
}

/** @internal */
export const ActorStatus = { Ready: 0, Waiting: 1, Done: 2 } as const;
/** @internal */
export type ActorStatus = (typeof ActorStatus)[keyof typeof ActorStatus];

/** @internal The engine's bookkeeping for one actor. */
export interface ActorState {
  readonly id: number;
  readonly name: string;
  readonly gen: Actor;
  readonly daemon: boolean;
  /** The actor whose step spawned this one, or -1 when spawned by the scenario's setup. */
  readonly spawnedBy: number;
  /** Index of the step that spawned it, or -1. */
  readonly spawnedAtStep: number;
  status: ActorStatus;
  label: string;
  until: (() => boolean) | null;
  /** The mutex the actor's wait acquires when it resumes (Wait.acquires), or null. */
  acquires: Acquirable | null;
  deadline_ms: number;
  on: string;
}

/** A chooser of data values, supplied by the running strategy. */
export interface ChoiceSource {
  pickChoice(n: number, label: string): number;
}

/** @internal Per-step trace annotations, collected only when tracing. */
export interface StepNotes {
  notes: string[];
}

/**
 * The world of one execution: the tracked objects, the actors, the virtual clock and the
 * checks. A scenario's setup receives a fresh world, makes its objects, spawns its actors
 * and registers its checks; actors capture the world in their closures and use it for
 * waits, time, data choices and trace notes.
 */
export class World implements AccessRecorder {
  /** True when this execution records a full trace; use it to skip building note text. */
  readonly tracing: boolean;

  /** @internal */ readonly actors: ActorState[] = [];
  /** @internal */ readonly objects: Tracked[] = [];
  /** @internal */ readonly invariants: { name: string; check: Check }[] = [];
  /** @internal */ readonly finalChecks: { name: string; check: Check }[] = [];
  /** @internal */ readonly decisions: Decision[] = [];
  /** @internal Accesses of the running step: objectId * 2 + (write ? 1 : 0). */
  readonly accesses: number[] = [];
  /** @internal */ recording = false;
  /** @internal True until the engine starts the execution: the setup may make choices. */
  settingUp = true;
  /**
   * @internal True while the invariants run after a step (AccessRecorder): what they read,
   * with `get` or `peek` alike, goes into checkReads.
   */
  observing = false;
  /**
   * @internal The reads of the invariants after the last step they ran on, as access codes
   * (see checkStep in execute.ts); `checked` says whether they ran after the last step.
   */
  readonly checkReads: number[] = [];
  /**
   * @internal Whether the invariants ran after the last step ("ran"); not after a replayed
   * step ("replayed": see checkedSteps in strategy.ts), nor after a crash or a failure
   * reported from inside the step ("ended": the execution ends there).
   */
  lastStepChecks: "ran" | "replayed" | "ended" = "ended";
  /** @internal */ clock_ms = 0;
  /** @internal The scenario's own time horizon for this execution (see limitTime), if any. */
  horizon_ms: number | null = null;
  /**
   * @internal The time horizon in effect for the running execution (set by execute): no
   * timer due after it ever fires, so a wait whose deadline lies past it never times out.
   */
  timeLimit_ms = Number.POSITIVE_INFINITY;
  /** @internal Actor running the current step, or -1 outside steps. */
  running = -1;
  /** @internal Number of steps taken so far. */
  stepIndex = 0;
  /** @internal */ violation: { property: string; message: string } | null = null;
  /** @internal */ stepNotes: string[] = [];
  /** @internal Names of reachability probes hit in this execution (made on first use). */
  reached: Set<string> | null = null;
  /** @internal Non-daemon actors not yet finished: the execution completes at zero. */
  liveActors = 0;
  /** @internal Actors spawned by the running step. */
  readonly spawnedThisStep: number[] = [];
  /** @internal Whether the running step took or released a mutex (see noteMutex). */
  mutexStep = false;
  /** @internal The mutex the running step took when it resumed its actor, or -1. */
  acquiredThisStep = -1;
  /** @internal Mutexes the running step released (ids; see noteMutex). */
  readonly releasedThisStep: number[] = [];

  constructor(
    private readonly chooser: ChoiceSource,
    options: { readonly tracing: boolean },
  ) {
    this.tracing = options.tracing;
  }

  // ---- tracked objects -------------------------------------------------------------

  cell<T>(name: string, initial: T): Cell<T> {
    return this.register(new Cell<T>(this, this.objects.length, name, initial));
  }

  queue<T>(name: string, options: QueueOptions = {}): Queue<T> {
    return this.register(new Queue<T>(this, this.objects.length, name, options));
  }

  map<K, V>(name: string): TrackedMap<K, V> {
    return this.register(new TrackedMap<K, V>(this, this.objects.length, name));
  }

  log<T>(name: string): Log<T> {
    return this.register(new Log<T>(this, this.objects.length, name));
  }

  /** A lock held across steps: `yield m.acquire()`, then `m.release()` (see Mutex). */
  mutex(name: string): Mutex {
    return this.register(new Mutex(this, this.objects.length, name));
  }

  private register<O extends Tracked>(object: O): O {
    this.objects.push(object);
    return object;
  }

  /** @internal Records an access of the running step (AccessRecorder). */
  access(code: number): void {
    if (!this.recording) {
      if (this.observing) this.checkReads.push(code);
      return;
    }
    const acc = this.accesses;
    if (acc.length >= 1_000_000) {
      throw new ModelError(
        "a step made over 1,000,000 tracked accesses without yielding (a loop with no yield?)",
      );
    }
    acc.push(code);
  }

  /** @internal A mutex taken or released by the running step (MutexHost), for dpor. */
  noteMutex(id: number, acquired: boolean): void {
    this.mutexStep = true;
    if (acquired) this.acquiredThisStep = id;
    else this.releasedThisStep.push(id);
  }

  /** @internal An actor's name (MutexHost). */
  actorName(id: number): string {
    return this.actors[id]?.name ?? `actor ${id}`;
  }

  /** @internal A read that steps do not record, made by an invariant (AccessRecorder). */
  observe(code: number): void {
    if (this.observing) this.checkReads.push(code);
  }

  // ---- actors ----------------------------------------------------------------------

  /** Adds an actor; it first runs when the strategy schedules it. Returns its id. */
  spawn(name: string, actor: Actor, options: SpawnOptions = {}): number {
    checkActor(name, actor);
    const id = this.actors.length;
    this.actors.push({
      id,
      name,
      gen: actor,
      daemon: options.daemon ?? false,
      spawnedBy: this.running,
      spawnedAtStep: this.running >= 0 ? this.stepIndex : -1,
      status: ActorStatus.Ready,
      label: options.label ?? "start",
      until: null,
      acquires: null,
      deadline_ms: Number.POSITIVE_INFINITY,
      on: "",
    });
    if (!(options.daemon ?? false)) this.liveActors++;
    if (this.running >= 0) this.spawnedThisStep.push(id);
    return id;
  }

  /**
   * Yield this to block until `predicate` holds (over tracked state) or the timeout passes.
   * While false, the predicate must read every tracked object that could make it true:
   * partial-order reduction sees it only through its reads. A disjunction does (it is false
   * only once every part was read); a conjunction must read its parts before combining
   * them (`const a = x.get(), b = y.get(); return a && b`), as `x.get() && y.get()` does
   * not read y while x is false, and dpor can then lose traces where y changes first.
   */
  until(predicate: () => boolean, options: UntilOptions = {}): Wait {
    if (typeof predicate !== "function") {
      throw new ModelError(
        `until needs a predicate function (until(() => q.size() > 0)), got ${describeValue(predicate)}`,
      );
    }
    const timeout = options.timeout_ms;
    // typeof: a string "10" passed `>= 0`, and the clock then added strings (API audit).
    if (timeout !== undefined && !(typeof timeout === "number" && timeout >= 0)) {
      throw new ModelError(`until needs a non-negative timeout_ms, got ${numberText(timeout)}`);
    }
    return {
      kind: "wait",
      label: options.label ?? "resume",
      until: predicate,
      timeout_ms: options.timeout_ms ?? Number.POSITIVE_INFINITY,
      on: options.on ?? "a condition",
    };
  }

  /** Yield this to let `ms` of virtual time pass. */
  sleep(ms: number, label = "wake"): Wait {
    if (!(typeof ms === "number" && ms >= 0)) {
      throw new ModelError(`sleep needs a non-negative duration, got ${numberText(ms)}`);
    }
    return { kind: "wait", label, until: null, timeout_ms: ms, on: `the clock (+${ms} ms)` };
  }

  /**
   * Bounds virtual time for this execution, in place of the runner's horizon: no timer due
   * after `ms` fires, and an execution that would need one ends with outcome "horizon" (a
   * failure, never a pass). A scenario calls it from setup when time is part of its scope,
   * so that a systematic search covers every interleaving up to that time.
   */
  limitTime(ms: number): void {
    if (!(typeof ms === "number" && ms >= 0)) {
      throw new ModelError(`limitTime needs a duration >= 0, got ${numberText(ms)}`);
    }
    // The engine reads the horizon once, as the execution starts: set later, it was
    // ignored without a word (API audit).
    if (!this.settingUp) throw new ModelError("limitTime is for the setup: call it there");
    this.horizon_ms = ms;
  }

  /** Virtual time in milliseconds. Moves only when the scheduler fires a timer. */
  now(): number {
    // Reading the clock is an access (of a pseudo-object that only timer firings write), so
    // that partial-order reduction orders the read against the timers that move the clock.
    this.access(CLOCK_READ);
    return this.clock_ms;
  }

  /**
   * A nondeterministic data value in [0, n), drawn from the strategy and recorded in the
   * schedule like a scheduling decision ("does this journal append fail?").
   */
  choose(n: number, label = "choice"): number {
    if (!Number.isInteger(n) || n < 1)
      throw new ModelError(`choose needs a whole number n >= 1, got ${n}`);
    // Beyond it the random strategies cannot draw a value, and a schedule cannot record one.
    if (n > MAX_CHOICE) throw new ModelError(`choose needs n <= 2^32, got ${n}`);
    if (n === 1) return 0;
    // A choice belongs to a step (or to the setup), where the schedule records and replays
    // it. Made in a wait predicate or a check, which the engine runs as often as it likes,
    // it was counted against the next step (the review of the setup choices found one in
    // an `atEnd` check carried into the next execution's first step).
    if (this.running < 0 && !this.settingUp) {
      throw new ModelError(
        `choose('${label}') outside a step: make data choices in an actor's step or in the setup, not in a wait predicate or a check`,
      );
    }
    const v = this.chooser.pickChoice(n, label);
    if (!Number.isInteger(v) || v < 0 || v >= n) {
      throw new EngineAssertionError(`strategy chose ${v} outside [0, ${n})`);
    }
    this.decisions.push(choiceOf(v));
    if (this.tracing) this.stepNotes.push(`${label}: chose ${v} of ${n}`);
    return v;
  }

  // ---- checks ----------------------------------------------------------------------

  /**
   * A property of the state, checked after every step, except after the steps that a
   * strategy replays from an earlier execution that checked them (Strategy.checkedSteps).
   * So it must judge the state, not the steps since its last call: a check may keep a cache
   * that catches up on each call, and a property of the history belongs in the step
   * (`fail`).
   */
  invariant(name: string, check: Check): void {
    this.invariants.push({ name, check: checkFunction("invariant", name, check) });
  }

  /** A property checked once, when every actor has finished. */
  atEnd(name: string, check: Check): void {
    this.finalChecks.push({ name, check: checkFunction("atEnd", name, check) });
  }

  /** Reports a violation from inside a step; the execution stops after the step. */
  fail(property: string, message: string): void {
    // As choose: a wait predicate or a check runs as often as the engine (or dpor's log)
    // likes, so a violation reported there landed a step early or late, and a failure's
    // replay did not come back the same (found in review).
    if (this.running < 0 && !this.settingUp) {
      throw new ModelError(
        `fail('${property}') outside a step: report a violation from an actor's step; a wait predicate returns whether it holds, and a check returns its message`,
      );
    }
    if (this.violation === null) this.violation = { property, message };
  }

  /** Marks a reachability probe as hit ("did any execution get here?"). */
  reach(probe: string): void {
    if (this.reached === null) this.reached = new Set();
    this.reached.add(probe);
  }

  /** Adds a line to the current step in the trace. Free when not tracing. */
  note(text: string | (() => string)): void {
    if (this.tracing) this.stepNotes.push(typeof text === "string" ? text : text());
  }

  /** The state of every tracked object, by name (unrecorded). */
  snapshotObjects(): Record<string, Json> {
    const out: Record<string, Json> = {};
    for (const o of this.objects) {
      // Checked here, where the names meet, not as each object is made: comparing every
      // new name with the others cost 5% of a dpor execution of the protocol model.
      if (Object.hasOwn(out, o.name)) {
        throw new ModelError(`two tracked objects are named '${o.name}'; name each once`);
      }
      out[o.name] = o.snapshot();
    }
    return out;
  }
}

/** The most values a data choice may have (see World.choose). */
const MAX_CHOICE = 2 ** 32;

/**
 * An actor is a generator object: the engine steps it with next(). A generator function
 * not called, an async function or an async generator would otherwise fail at its first
 * step with a TypeError from inside the engine, read as the model's own crash.
 */
function checkActor(name: string, actor: unknown): void {
  const it = actor as { next?: unknown; [Symbol.asyncIterator]?: unknown } | null;
  const generator = typeof it === "object" && it !== null && typeof it.next === "function";
  if (generator && typeof it[Symbol.asyncIterator] !== "function") return;
  const how = `actors are generator objects: function* work() { ... } spawned as spawn('${name}', work())`;
  if (generator) throw new ModelError(`spawn('${name}', ...) got an async generator; ${how}`);
  if (actor instanceof Promise) {
    throw new ModelError(`spawn('${name}', ...) got a Promise (an async function's?); ${how}`);
  }
  throw new ModelError(`spawn('${name}', ...) got ${describeValue(actor)}; ${how}`);
}

/** A check must be a function: a string there failed later as "c.check is not a function". */
function checkFunction(method: string, name: string, check: Check): Check {
  if (typeof check !== "function") {
    throw new ModelError(
      `${method}('${name}', ...) needs a function returning undefined or a message, got ${describeValue(check)}`,
    );
  }
  return check;
}

/** A value in a few words, for an error about what user code passed or yielded. */
export function describeValue(v: unknown): string {
  if (typeof v === "function") {
    const kind = v.constructor.name;
    if (kind === "Function") return "a function";
    return `${/^[AEIOU]/.test(kind) ? "an" : "a"} ${kind}`;
  }
  if (v instanceof Promise) return "a Promise";
  if (v === null || v === undefined || typeof v !== "object") return String(v);
  return "an object";
}
