/**
 * The vocabulary shared by the engine, the strategies and the models.
 *
 * An actor is a generator. The code between two `yield`s runs atomically; each `yield`
 * ends the current step and says what the actor's next step is: a plain label (the actor
 * stays runnable), or a `Wait` (the actor blocks until a predicate over tracked state holds,
 * or until virtual time passes).
 */

import { plural } from "./plural.ts";

/** Why a blocked actor resumed: its predicate held ("ok"), or its timer fired ("timeout"). */
export type Resume = "ok" | "timeout";

/** Blocks the actor; made by `world.until` and `world.sleep`. */
export interface Wait {
  readonly kind: "wait";
  /** Label of the step that runs when the actor resumes. */
  readonly label: string;
  /** The actor becomes runnable when this holds; null waits for the timer alone. */
  readonly until: (() => boolean) | null;
  /** Relative virtual timeout; Infinity for none. */
  readonly timeout_ms: number;
  /** Free text naming what is waited on, shown in deadlock reports. */
  readonly on: string;
  /** A mutex's acquire (Mutex.acquire): the resuming step takes it, unless the wait timed out. */
  readonly acquires?: Acquirable;
}

/** What a wait can take when its actor resumes: a mutex (see sim/objects/mutex.ts). */
export interface Acquirable {
  take(actor: number): void;
  /** Who holds it, for deadlock reports ("held by a"; "free"). Records no access. */
  holderText(): string;
}

export type Yielded = string | Wait;

/** What an actor is: a generator whose yields are scheduling points. */
export type Actor = Generator<Yielded, void, Resume>;

/**
 * A scheduling decision, as a small integer so that recording costs nothing:
 *   step of actor a      -> a * 3
 *   timer fire of actor a -> a * 3 + 1
 *   data choice value v   -> v * 3 + 2
 * The enabled options offered to a strategy use the same encoding.
 */
export type Decision = number;

export const DecisionKind = { step: 0, timer: 1, choice: 2 } as const;

export function stepOf(actor: number): Decision {
  return actor * 3;
}
export function timerOf(actor: number): Decision {
  return actor * 3 + 1;
}
export function choiceOf(value: number): Decision {
  return value * 3 + 2;
}
export function decisionKind(d: Decision): 0 | 1 | 2 {
  return (d % 3) as 0 | 1 | 2;
}
/** The actor of a step or timer decision, or the value of a choice. */
export function decisionSubject(d: Decision): number {
  // An integer division where the value fits 31 bits (every actor id; a choice value may
  // not): Math.floor of a float division cost about 1% of an execution of the twin.
  return d <= 0x7fff_ffff ? (d / 3) | 0 : Math.floor(d / 3);
}

/** One actor blocked forever, for deadlock reports. */
export interface BlockedActor {
  readonly actor: string;
  readonly label: string;
  readonly on: string;
}

/** How one execution ended. Anything but "completed" is a failure: never a pass. */
export type Outcome =
  | { readonly kind: "completed"; readonly steps: number }
  | {
      readonly kind: "violation";
      readonly property: string;
      readonly message: string;
      readonly steps: number;
    }
  | { readonly kind: "deadlock"; readonly blocked: readonly BlockedActor[]; readonly steps: number }
  | { readonly kind: "budget"; readonly max_steps: number; readonly steps: number }
  | { readonly kind: "horizon"; readonly horizon_ms: number; readonly steps: number }
  | {
      readonly kind: "crash";
      readonly actor: string;
      readonly message: string;
      readonly steps: number;
    }
  /**
   * The strategy ended the execution early: dpor's execution is sleep-set blocked or cannot
   * follow its plan (its rest is explored in another execution) or exceeds the preemption
   * bound (not explored at all: a bounded search says so), or a dpor or exhaustive
   * execution belongs to another shard (explored there). Neither a pass nor a failure.
   */
  | { readonly kind: "abandoned"; readonly steps: number };

export type OutcomeKind = Outcome["kind"];

/** A zero count for every outcome kind, for explorations to fill in. */
export function outcomeCounts(): Record<OutcomeKind, number> {
  return {
    completed: 0,
    violation: 0,
    deadlock: 0,
    budget: 0,
    horizon: 0,
    crash: 0,
    abandoned: 0,
  };
}

/** A failing outcome: anything but a completed or an abandoned execution. */
export function isFailure(o: Outcome): boolean {
  return o.kind !== "completed" && o.kind !== "abandoned";
}

/** A one-line description of an outcome, for reports. */
export function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case "completed":
      return `completed after ${plural(o.steps, "step")}`;
    case "violation":
      return `${o.property} violated after ${plural(o.steps, "step")}: ${o.message}`;
    case "deadlock":
      return `deadlock after ${plural(o.steps, "step")}: ${o.blocked.map((b) => `${b.actor} waits at '${b.label}' on ${b.on}`).join("; ")}`;
    case "budget":
      return `step budget of ${o.max_steps} exceeded (an actor never finishes)`;
    case "horizon":
      return `virtual time horizon of ${o.horizon_ms} ms exceeded after ${plural(o.steps, "step")}`;
    case "crash":
      return `actor ${o.actor} threw after ${plural(o.steps, "step")}: ${o.message}`;
    case "abandoned":
      return `ended early by the strategy after ${plural(o.steps, "step")}`;
  }
}

/** JSON-compatible values, for scenario parameters and snapshots. */
export type Json =
  | null
  | boolean
  | number
  | string
  | readonly Json[]
  | { readonly [k: string]: Json };
export type Params = { readonly [k: string]: Json };
