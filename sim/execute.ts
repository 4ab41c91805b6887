import { emptyArray, holds } from "./arrays.ts";
import { checkAmount, InputError, ModelError, NondeterminismError, stopsTheRun } from "./errors.ts";
import { ABANDON, type StepInfo, type Strategy } from "./strategy.ts";
import { type TraceStep, traceAccesses, traceWrites } from "./trace-step.ts";
import {
  type BlockedActor,
  type Decision,
  decisionKind,
  decisionSubject,
  isFailure,
  type Outcome,
  stepOf,
  timerOf,
} from "./types.ts";
import { type ActorState, ActorStatus, describeValue, type World } from "./world.ts";

/**
 * Refuses limits that would lift a bound (a NaN step budget never ends an actor that
 * never finishes) or stop every execution at once. Checked by the entry points, once per
 * search (runOnce per execution), not by execute, on dpor's path of every execution.
 */
export function checkLimits(limits: ExecutionLimits | undefined): void {
  checkAmount("max_steps", limits?.max_steps, true);
  checkAmount("horizon_ms", limits?.horizon_ms, false);
}

/** Limits on one execution: every loop in the engine has a bound. */
export interface ExecutionLimits {
  /** Steps before the execution ends with outcome "budget". Default 10,000. */
  readonly max_steps?: number;
  /** Virtual time before it ends with outcome "horizon". Default one hour. */
  readonly horizon_ms?: number;
}

export const defaultLimits = { max_steps: 10_000, horizon_ms: 3_600_000 } as const;

export interface ExecutionResult {
  readonly outcome: Outcome;
  /** Every decision taken, steps and data choices interleaved: the schedule. */
  readonly decisions: readonly Decision[];
  readonly steps: number;
  /** Switches away from an actor that could have run on. */
  readonly preemptions: number;
  readonly time_ms: number;
  readonly actors: number;
  /** The full step log, only when the world was made with tracing on. */
  readonly trace: readonly TraceStep[] | null;
  /** The world after the execution: its objects' final state, actors and probes hit. */
  readonly world: World;
}

/**
 * Runs one execution of a world whose setup has already run, asking `strategy` for every
 * decision. This is the engine's hot path: it allocates nothing per step unless tracing.
 */
export function execute(
  world: World,
  strategy: Strategy,
  limits: ExecutionLimits = {},
): ExecutionResult {
  world.settingUp = false;
  const max_steps = limits.max_steps ?? defaultLimits.max_steps;
  const horizon_ms = world.horizon_ms ?? limits.horizon_ms ?? defaultLimits.horizon_ms;
  world.timeLimit_ms = horizon_ms;
  const actors = world.actors;
  const enabled: Decision[] = [];
  const trace: TraceStep[] | null = world.tracing ? [] : null;
  // The strategy's methods are looked up once per execution, not per step: the engine runs
  // every kind of strategy, so that property lookup is a slow (megamorphic) one. They are
  // then called with `call`, not bound: a bound function is a slower call.
  const pickStep = strategy.pickStep;
  const onStep = strategy.onStep;
  const replayedOptions = strategy.replayedOptions;
  // One object for every step: StepInfo is valid only during the onStep call (its arrays
  // are the engine's own, reused too).
  const info: Mutable<StepInfo> = {
    index: 0,
    decision: 0,
    actor: 0,
    accesses: world.accesses,
    spawned: world.spawnedThisStep,
    enabled,
  };
  // Invariants held after these steps when an earlier execution ran them (see checkedSteps).
  const checked = strategy.checkedSteps?.() ?? 0;
  let current = -1;
  let preemptions = 0;
  let outcome: Outcome | null = null;
  /** Whether a failure stopped the execution while steps could still run. */
  let cut = false;

  // Scenario setup may have reported a violation already (a bad initial state).
  if (world.violation !== null) {
    outcome = { kind: "violation", ...world.violation, steps: 0 };
  }

  while (outcome === null) {
    const step = world.stepIndex;
    if (world.liveActors === 0) {
      // Every non-daemon actor has finished: daemons do not keep the execution alive.
      outcome = complete(world);
      break;
    }
    // Most steps of a systematic search replay the last execution's: their options are
    // known, and evaluating every waiter's predicate again cost dpor about 4% of its time
    // on boundedScope("fixed") (alternating runs of 20,000 executions).
    const known = replayedOptions === undefined ? null : replayedOptions.call(strategy, step);
    let options: readonly Decision[] = enabled;
    if (known !== null) {
      options = known;
    } else {
      const thrower = collectEnabled(actors, enabled, horizon_ms);
      if (thrower !== null) {
        outcome = { kind: "crash", actor: thrower.actor, message: thrower.message, steps: step };
        // The last step made the predicate throw, while other options were open before it.
        cut = step > 0;
        break;
      }
      if (enabled.length === 0) {
        outcome = endWithoutOptions(world, horizon_ms);
        break;
      }
    }
    if (step >= max_steps) {
      outcome = { kind: "budget", max_steps, steps: step };
      break;
    }
    const pick = pickStep.call(strategy, options, current, step);
    if (pick === ABANDON) {
      outcome = { kind: "abandoned", steps: step };
      break;
    }
    const decision = options[pick];
    if (decision === undefined) {
      throw new InputError(`strategy ${strategy.name} picked option ${pick} of ${options.length}`);
    }
    const actorId = decisionSubject(decision);
    const actor = actors[actorId];
    // (Options found by collectEnabled name actors that exist: only replayed ones can fail.)
    if (
      actor === undefined ||
      (known !== null && !canRun(actors, actor, decision, enabled, horizon_ms))
    ) {
      const why =
        actor === undefined
          ? `actor ${actorId} cannot run`
          : whyNot(actors, actor, decision, enabled, horizon_ms);
      throw new NondeterminismError(`${strategy.name}: replay diverged at step ${step}: ${why}`);
    }
    if (current >= 0 && actorId !== current && hasStep(options, options.length, current)) {
      preemptions++;
    }
    world.decisions.push(decision);

    const firedTimer = decisionKind(decision) === 1;
    // A waiter whose predicate held while another timer moved the clock past its deadline
    // is overdue when its predicate turns false again: it times out now, and the clock
    // never runs backwards.
    if (firedTimer && actor.deadline_ms > world.clock_ms) world.clock_ms = actor.deadline_ms;
    const label = actor.label;
    const time_ms = world.clock_ms;

    const crash = runStep(world, actor, firedTimer);
    current = actorId;
    world.stepIndex = step + 1;
    // The invariants run before the strategy records the step: what they read is part of
    // the step (see checkStep). After a replayed step they do not run: they held when the
    // execution that first ran it checked them.
    let broken: { property: string; message: string } | null = null;
    if (world.invariants.length > 0) {
      const ends = crash !== null || world.violation !== null;
      if (!ends && step >= checked) broken = checkStep(world);
      world.lastStepChecks = ends ? "ended" : step >= checked ? "ran" : "replayed";
    }

    if (onStep !== undefined) {
      info.index = step;
      info.decision = decision;
      info.actor = actorId;
      info.enabled = options;
      onStep.call(strategy, info);
    }
    if (trace !== null) {
      trace.push({
        i: step,
        actor: actorId,
        name: actor.name,
        label,
        kind: firedTimer ? "timer" : "step",
        t: time_ms,
        accesses: traceAccesses(world),
        notes: world.stepNotes,
        spawned: world.spawnedThisStep.map((id) => actors[id]?.name ?? String(id)),
        after: traceWrites(world),
      });
      world.stepNotes = [];
    }

    if (crash !== null) {
      outcome = { kind: "crash", actor: actor.name, message: crash, steps: step + 1 };
    } else if (world.violation !== null) {
      outcome = { kind: "violation", ...world.violation, steps: step + 1 };
    } else if (broken !== null) {
      outcome = { kind: "violation", ...broken, steps: step + 1 };
    }
    cut = outcome !== null;
  }

  strategy.endExecution?.({
    steps: world.stepIndex,
    actors: actors.length,
    failed: isFailure(outcome),
    cut,
  });
  return {
    outcome,
    decisions: world.decisions,
    steps: world.stepIndex,
    preemptions,
    time_ms: world.clock_ms,
    actors: actors.length,
    trace,
    world,
  };
}

/**
 * Fills `out` with the enabled options in canonical order (steps by id, then due timers).
 * A wait predicate is actor code: if one throws, that actor crashed, and it is returned.
 */
function collectEnabled(
  actors: readonly ActorState[],
  out: Decision[],
  horizon_ms: number,
): { actor: string; message: string } | null {
  emptyArray(out);
  let earliest = Number.POSITIVE_INFINITY;
  let waiters = 0;
  for (let i = 0; i < actors.length; i++) {
    const a = actors[i] as ActorState;
    if (a.status === ActorStatus.Ready) {
      out.push(i * 3);
    } else if (a.status === ActorStatus.Waiting) {
      let ready = false;
      if (a.until !== null) {
        try {
          ready = a.until();
        } catch (e) {
          if (stopsTheRun(e)) throw e;
          return { actor: a.name, message: errorMessage(e) };
        }
      }
      if (ready) {
        out.push(i * 3);
      } else {
        waiters++;
        if (a.deadline_ms < earliest) earliest = a.deadline_ms;
      }
    }
  }
  if (waiters === 0 || earliest > horizon_ms) return null;
  // Firing the earliest timer is a choice like any other. Timers of waiters whose
  // predicate already holds are not offered: that waiter wakes with "ok" instead.
  const steps = out.length;
  for (let i = 0; i < actors.length; i++) {
    const a = actors[i] as ActorState;
    if (a.status === ActorStatus.Waiting && a.deadline_ms === earliest && !hasStep(out, steps, i)) {
      out.push(timerOf(i));
    }
  }
  return null;
}

/**
 * Whether `decision`, offered from an earlier execution's options, is one that
 * collectEnabled would offer now. A step: its actor is ready, or waits on a predicate that
 * holds. A timer (a few steps of an execution): collectEnabled's own answer, in `scratch`,
 * as it also depends on every other waiter (only the earliest timer of a waiter whose
 * predicate is false is offered). The other options are not checked again.
 */
function canRun(
  actors: readonly ActorState[],
  actor: ActorState,
  decision: Decision,
  scratch: Decision[],
  horizon_ms: number,
): boolean {
  if (decisionKind(decision) === 1) {
    return collectEnabled(actors, scratch, horizon_ms) === null && holds(scratch, decision);
  }
  if (actor.status === ActorStatus.Ready) return true;
  if (actor.status !== ActorStatus.Waiting || actor.until === null) return false;
  try {
    return actor.until();
  } catch {
    return false; // it did not throw when the options were recorded: a divergence
  }
}

/**
 * Why canRun refused a replayed option, for the error: a timer's check looks at every
 * waiter, and when one's predicate throws there (it did not when the options were logged),
 * that waiter is named, not the timer's actor. Off the hot path: only a divergence gets here.
 */
function whyNot(
  actors: readonly ActorState[],
  actor: ActorState,
  decision: Decision,
  scratch: Decision[],
  horizon_ms: number,
): string {
  const thrower = decisionKind(decision) === 1 ? collectEnabled(actors, scratch, horizon_ms) : null;
  return thrower === null
    ? `${actor.name} cannot run`
    : `${thrower.actor}'s wait predicate threw (${thrower.message})`;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function hasStep(out: readonly Decision[], count: number, actor: number): boolean {
  const d = stepOf(actor);
  for (let i = 0; i < count; i++) if (out[i] === d) return true;
  return false;
}

/** Nothing is enabled: completed, deadlocked, or stopped at the time horizon. */
function endWithoutOptions(world: World, horizon_ms: number): Outcome {
  const steps = world.stepIndex;
  const blocked: BlockedActor[] = [];
  let pastHorizon = false;
  for (const a of world.actors) {
    if (a.status === ActorStatus.Done || a.daemon) continue;
    if (a.deadline_ms > horizon_ms && a.deadline_ms !== Number.POSITIVE_INFINITY)
      pastHorizon = true;
    // A deadlock on a mutex says who holds it: the actor to look at.
    const on = a.acquires === null ? a.on : `${a.on} (${a.acquires.holderText()})`;
    blocked.push({ actor: a.name, label: a.label, on });
  }
  if (blocked.length === 0) return complete(world);
  if (pastHorizon) return { kind: "horizon", horizon_ms, steps };
  return { kind: "deadlock", blocked, steps };
}

/** Every non-daemon actor finished: run the final checks. */
function complete(world: World): Outcome {
  const steps = world.stepIndex;
  world.recording = false;
  const broken = firstBroken(world.finalChecks);
  return broken === null ? { kind: "completed", steps } : { kind: "violation", ...broken, steps };
}

/** Runs the actor's next step. Returns the error message if the actor threw. */
function runStep(world: World, actor: ActorState, firedTimer: boolean): string | null {
  emptyArray(world.accesses);
  emptyArray(world.spawnedThisStep);
  if (world.mutexStep) {
    world.mutexStep = false;
    world.acquiredThisStep = -1;
    emptyArray(world.releasedThisStep);
  }
  world.running = actor.id;
  world.recording = true;
  try {
    // A waiter re-reads its predicate inside the step, so the reads that made it runnable
    // (or, for a timer, kept it from waking first) are recorded as this step's accesses:
    // partial-order reduction needs them, as the write that enabled the step, or that would
    // have woken the waiter before its timer, is dependent with it.
    if (actor.status === ActorStatus.Waiting && actor.until !== null) actor.until();
    if (firedTimer) readHeldWaiters(world, actor);
    // A mutex's acquire: the step that resumes the waiter takes it (its predicate, the
    // mutex is free, held when the step was offered). A timeout resumes without it.
    else if (actor.acquires !== null) actor.acquires.take(actor.id);
    actor.acquires = null;
    const r = actor.gen.next(firedTimer ? "timeout" : "ok");
    if (r.done === true) {
      finish(world, actor);
    } else if (typeof r.value === "string") {
      actor.status = ActorStatus.Ready;
      actor.label = r.value;
    } else {
      const w = r.value;
      if (w === null || typeof w !== "object" || (w as { kind?: unknown }).kind !== "wait") {
        badYield(actor, w);
      }
      actor.status = ActorStatus.Waiting;
      actor.label = w.label;
      actor.until = w.until;
      actor.acquires = w.acquires ?? null;
      actor.deadline_ms = world.clock_ms + w.timeout_ms;
      actor.on = w.on;
    }
    return null;
  } catch (e) {
    // The user's input errors (a replay that diverged inside `choose`) and nondeterminism
    // are not crashes.
    if (stopsTheRun(e)) throw e;
    finish(world, actor);
    return errorMessage(e);
  } finally {
    world.recording = false;
    world.running = -1;
  }
}

/**
 * A timer fires only while every waiter due before it is held back by its predicate: with
 * one predicate false, that waiter's earlier timer would be the only one offered. So the
 * firing reads those predicates, and a write that makes one false (a lock taken, a queue
 * drained) is dependent with it: "the later timer fires, then the write" and "the write,
 * then the earlier timer" are different traces. (Without these reads dpor took the two
 * for independent, kept the write asleep after the firing, and lost the first trace.)
 */
function readHeldWaiters(world: World, fired: ActorState): void {
  const actors = world.actors;
  for (let i = 0; i < actors.length; i++) {
    const a = actors[i] as ActorState;
    if (a === fired || a.status !== ActorStatus.Waiting || a.until === null) continue;
    if (a.deadline_ms < fired.deadline_ms) a.until();
  }
}

/**
 * An actor yielded what the engine cannot schedule: its crash, said in words about its
 * code. (A function of its own, so that building the message stays off the step's path.)
 */
function badYield(actor: ActorState, value: unknown): never {
  throw new ModelError(
    `${actor.name} yielded ${describeValue(value)}; yield a step label (a string), or world.until(...) or world.sleep(...)`,
  );
}

function finish(world: World, actor: ActorState): void {
  actor.status = ActorStatus.Done;
  actor.label = "done";
  if (!actor.daemon) world.liveActors--;
}

/**
 * Runs the invariants after a step, and keeps what they read (world.checkReads) as reads
 * of the step itself: to partial-order reduction an invariant is an assertion at the end of
 * every step, which makes the step dependent on every write to what it reads. A state in
 * which an invariant breaks can lie between two steps that touch nothing in common, and an
 * equivalent interleaving that runs them the other way round never passes through it.
 * (With two cells written by two actors and the invariant "not x without y", dpor ran the
 * one order that never breaks it and called that every interleaving; exhaustive found the
 * other.) An invariant that reads no tracked object (a flag the steps raise) adds nothing.
 */
function checkStep(world: World): { property: string; message: string } | null {
  emptyArray(world.checkReads);
  world.observing = true;
  try {
    // Every invariant runs, also after one broke: the step's record needs all their reads
    // (the search reverses its races as those of any other step).
    return firstBroken(world.invariants, true);
  } finally {
    world.observing = false;
  }
}

function firstBroken(
  checks: readonly { name: string; check: () => string | undefined }[],
  runAll = false,
): { property: string; message: string } | null {
  let first: { property: string; message: string } | null = null;
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i] as { name: string; check: () => string | undefined };
    let message: string | undefined;
    try {
      message = c.check();
      // A check returns undefined when it holds, or a message; a boolean (a check written
      // as a wait predicate is) was a violation whose message read "true" (API audit).
      if (message !== undefined && typeof message !== "string") {
        message = `the check returned ${describeValue(message)}, not undefined (it holds) or a message saying what is wrong`;
      }
    } catch (e) {
      // A check that throws is broken code, not a verdict: said as a violation of that
      // check (it has a name and a schedule, as an actor's crash has), never escaping the
      // search as a bare error.
      if (stopsTheRun(e)) throw e;
      message = `the check threw: ${errorMessage(e)}`;
    }
    if (message !== undefined && first === null) {
      first = { property: c.name, message };
      if (!runAll) return first;
    }
  }
  return first;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
