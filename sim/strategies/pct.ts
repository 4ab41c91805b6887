import { InputError } from "../errors.ts";
import { executionSeed, Prng } from "../prng.ts";
import type { ExecutionSummary, Strategy } from "../strategy.ts";
import { type Decision, decisionKind, decisionSubject } from "../types.ts";

export interface PctOptions {
  readonly seed: number;
  /** Bug depth d: the number of ordering constraints the bug needs. d − 1 change points. */
  readonly depth: number;
  /**
   * k, the expected number of scheduling points of one execution (steps where more than
   * one option is enabled); change points are drawn from [1, k]. Default: learnt, the most
   * scheduling points any execution so far had (32 before the first).
   */
  readonly steps_estimate?: number;
}

/**
 * Probabilistic Concurrency Testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
 * ASPLOS 2010). Each actor gets a random initial priority from {d, …, d+n−1}; d−1 change
 * points k_1..k_{d−1} are drawn from [1, k]; at every step the highest-priority enabled
 * actor runs, and at scheduling point k_i the actor about to run drops to priority d−i,
 * below every initial priority. A bug of depth d is then found with probability at least
 * 1/(n·k^(d−1)) per execution.
 *
 * k counts scheduling points, steps where more than one option is enabled, not all steps
 * as in the paper. A change point where one actor alone can run changes nothing there: the
 * ordering constraint it stands for is a preemption, which needs a second enabled option.
 * The guarantee holds with the smaller k, so fewer change points are wasted. On the peer
 * benchmark's round-2 race (executions of about 20 steps, 2 actors, d = 3) this took the
 * median executions to the first failure from 11 to 5.
 *
 * Actors are spawned during an execution, so n is not known upfront: a new actor draws
 * a random rank among those already present, which gives the same distribution over
 * relative orders as the paper's random permutation. Data choices are uniform.
 */
export class PctStrategy implements Strategy {
  readonly name = "pct";
  readonly depth: number;
  private prng: Prng;
  private learnt_k: number;
  private readonly fixed_k: number | undefined;
  private max_actors = 1;
  /** Priority of each actor in this execution; higher runs first. */
  private priorities: number[] = [];
  /** Change points of this execution, sorted (1-based step numbers). */
  private changePoints: number[] = [];
  private changesTaken = 0;
  /** Scheduling points passed so far in this execution. */
  private schedulingPoints = 0;
  private learnt = false;
  /**
   * Firing a timer (letting virtual time pass) is scheduled as a pseudo-actor, the clock.
   * Its priority starts just below every initial priority and above every lowered one: time
   * passes when every actor not yet demoted is blocked, and a change point that demotes an
   * actor lets a timer fire before that actor's next step, once; after that the clock sinks
   * below everyone. Giving the clock an ordinary
   * random priority instead lets a high-priority handler heartbeat forever while a
   * runnable producer starves, which no real scheduler does for seconds on end.
   */
  private clockPriority = 0;

  constructor(private readonly options: PctOptions) {
    if (!Number.isInteger(options.depth) || options.depth < 1 || options.depth > 64) {
      throw new InputError(`PCT depth must be a whole number from 1 to 64, got ${options.depth}`);
    }
    const k = options.steps_estimate;
    if (k !== undefined && (!Number.isInteger(k) || k < 1)) {
      throw new InputError(`PCT steps estimate must be a whole number of at least 1, got ${k}`);
    }
    this.depth = options.depth;
    this.fixed_k = options.steps_estimate;
    this.learnt_k = options.steps_estimate ?? 32;
    this.prng = new Prng(options.seed);
  }

  /** The k used for the current execution. */
  get steps_estimate(): number {
    return this.fixed_k ?? this.learnt_k;
  }

  beginExecution(index: number): boolean {
    this.prng = new Prng(executionSeed(this.options.seed, index));
    this.priorities = [];
    this.changesTaken = 0;
    this.schedulingPoints = 0;
    this.clockPriority = this.depth - 0.5;
    this.changePoints = drawDistinct(this.prng, this.depth - 1, this.steps_estimate);
    return true;
  }

  /** The change points of the current execution (for tests and reports). */
  currentChangePoints(): readonly number[] {
    return this.changePoints;
  }

  /** The priority of each actor seen so far in the current execution. */
  currentPriorities(): readonly number[] {
    return this.priorities;
  }

  pickStep(enabled: readonly Decision[], _current: number, _step: number): number {
    for (const d of enabled) this.priorityOf(decisionSubject(d));
    let best = this.highest(enabled);
    if (enabled.length < 2) return best;
    // Change points are 1-based, as step numbers in the paper.
    this.schedulingPoints++;
    if (this.changePoints[this.changesTaken] === this.schedulingPoints) {
      this.changesTaken++;
      const chosen = enabled[best] as Decision;
      if (decisionKind(chosen) === 1) this.clockPriority = this.depth - this.changesTaken;
      else this.priorities[decisionSubject(chosen)] = this.depth - this.changesTaken;
      best = this.highest(enabled);
    }
    if (decisionKind(enabled[best] as Decision) === 1 && hasStepOption(enabled)) {
      // Time jumped ahead of a runnable actor once; from now on it passes only when every
      // actor is blocked. Otherwise a demoted producer would starve for an hour of virtual
      // time behind a handler's heartbeats, which a real scheduler never does.
      this.clockPriority = 0;
    }
    return best;
  }

  pickChoice(n: number): number {
    return this.prng.below(n);
  }

  endExecution(info: ExecutionSummary): void {
    // The first execution replaces the guess of 32; later ones can only raise k.
    if (!this.learnt || this.schedulingPoints > this.learnt_k) {
      this.learnt_k = Math.max(1, this.schedulingPoints);
      this.learnt = true;
    }
    if (info.actors > this.max_actors) this.max_actors = info.actors;
  }

  /** The paper's lower bound on the chance that one execution finds a depth-d bug. */
  guarantee(): number {
    return 1 / (this.max_actors * this.steps_estimate ** (this.depth - 1));
  }

  describe(): string {
    const n = this.max_actors;
    const k = this.steps_estimate;
    return `pct, seed ${this.options.seed}, depth ${this.depth}: each execution finds a depth-${this.depth} bug with probability >= 1/(n*k^(d-1)) = 1/(${n}*${k}^${this.depth - 1}) = ${this.guarantee().toExponential(2)}`;
  }

  private priorityOf(actor: number): number {
    let p = this.priorities[actor];
    if (p === undefined) {
      // Insert the newcomer at a uniformly random rank among the initial priorities
      // present so far; ranks stay within {d, …, d+n−1} after renumbering.
      const initial: number[] = [];
      for (let a = 0; a < this.priorities.length; a++) {
        const q = this.priorities[a];
        if (q !== undefined && q >= this.depth) initial.push(a);
      }
      initial.sort((x, y) => (this.priorities[x] as number) - (this.priorities[y] as number));
      const rank = this.prng.below(initial.length + 1);
      initial.splice(rank, 0, actor);
      for (let r = 0; r < initial.length; r++)
        this.priorities[initial[r] as number] = this.depth + r;
      p = this.priorities[actor] as number;
    }
    return p;
  }

  private highest(enabled: readonly Decision[]): number {
    let best = 0;
    let bestPriority = Number.NEGATIVE_INFINITY;
    let bestTieBreak = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < enabled.length; i++) {
      const d = enabled[i] as Decision;
      const own = this.priorities[decisionSubject(d)] as number;
      // A timer runs at the clock's priority; among timers due together, the owner's
      // priority decides.
      const p = decisionKind(d) === 1 ? this.clockPriority : own;
      if (p > bestPriority || (p === bestPriority && own > bestTieBreak)) {
        bestPriority = p;
        bestTieBreak = own;
        best = i;
      }
    }
    return best;
  }
}

function hasStepOption(enabled: readonly Decision[]): boolean {
  for (const d of enabled) if (decisionKind(d) === 0) return true;
  return false;
}

/** `count` distinct integers drawn uniformly from [1, max], sorted. */
function drawDistinct(prng: Prng, count: number, max: number): number[] {
  const n = Math.min(count, max);
  const picked = new Set<number>();
  while (picked.size < n) picked.add(1 + prng.below(max));
  return [...picked].sort((a, b) => a - b);
}
