import { ActorKeys } from "../dpor/event.ts";
import { HappensBefore } from "../dpor/hb.ts";
import { ExecutionLog } from "../dpor/log.ts";
import { checkShard } from "../dpor/shard.ts";
import {
  BoundError,
  checkPreemptionBound,
  checkSystematicChoice,
  NondeterminismError,
} from "../errors.ts";
import { ABANDON, type StepInfo, type Strategy } from "../strategy.ts";
import { type Decision, decisionSubject, stepOf } from "../types.ts";
import type { World } from "../world.ts";

export interface ExhaustiveOptions {
  /** At most this many preemptions per execution (CHESS). Default: unbounded. */
  readonly preemption_bound?: number;
  /** Explore only this shard of the tree; see `split_depth`. Default: the whole tree. */
  readonly shard?: { readonly index: number; readonly count: number };
  /**
   * Sharding unit: the subtree below the `split_depth`-th branching decision (or a whole
   * execution that branches fewer times). Units are numbered in depth-first order, which
   * every shard sees identically, and unit u belongs to shard u mod count. Default 4.
   */
  readonly split_depth?: number;
  /**
   * With `shard`: whether unit u is this search's, in place of u mod count (as
   * DporOptions.claimUnit: a pool's workers take each unit first come, first served). Must
   * return true for exactly one of the searches per unit.
   */
  readonly claimUnit?: (unit: number) => boolean;
}

interface Position {
  /** Options at this decision. */
  readonly n: number;
  /** Option taken on the current path. */
  i: number;
  /** Branching decisions (n > 1) on the path up to and including this one. */
  readonly branching: number;
}

/**
 * Plain depth-first enumeration of every schedule: every enabled option at every step and
 * every value of every data choice. No reduction at all: it is the reference that `dpor` is
 * tested against, and feasible only for small scenarios.
 */
export class ExhaustiveStrategy implements Strategy {
  readonly name = "exhaustive";
  readonly log = new ExecutionLog(new ActorKeys());
  readonly hb = new HappensBefore();
  /** True when the last execution belongs to another shard (its results must be ignored). */
  lastSkipped = false;

  private readonly stack: Position[] = [];
  private pos = 0;
  private started = false;
  private preemptions = 0;
  private readonly bound: number;
  private readonly split: number;
  private unit = -1;
  private unitDecided = false;
  /** The unit started by beginExecution is claimed at the first step (see startUnit). */
  private claimPending = false;
  private readonly choiceValues: number[] = [];
  private readonly choiceRanges: number[] = [];
  /**
   * Per step of the last execution, the index of its first decision (its pick; its data
   * choices follow), one entry past its last step: which steps the next execution replays.
   */
  private readonly stepStart: number[] = [];
  /** Leading steps of this execution that replay the last one's (see checkedSteps). */
  private replayed = 0;
  /** Whether the running execution has picked a step (choices before it are the setup's). */
  private stepping = false;

  constructor(private readonly options: ExhaustiveOptions = {}) {
    // (Infinity: unbounded, as the default.)
    if (options.preemption_bound !== Number.POSITIVE_INFINITY) {
      checkPreemptionBound(options.preemption_bound);
    }
    checkShard(options.shard);
    this.bound = options.preemption_bound ?? Number.POSITIVE_INFINITY;
    this.split = options.split_depth ?? 4;
    if (!(Number.isInteger(this.split) && this.split >= 1)) {
      throw new BoundError(`split depth must be a whole number >= 1, got ${this.split}`);
    }
  }

  /** Lets the log see the execution's world (see ExecutionLog.observe). */
  observe(world: World): void {
    this.log.observe(world);
  }

  /** The search is over (beginExecution said so); one stopped early may go on. */
  spent(): boolean {
    return this.finished;
  }

  private finished = false;

  beginExecution(): boolean {
    if (this.started) {
      // Below a unit that is not ours, nothing is enumerated.
      if (this.lastSkipped && this.unitDecided) this.truncateToSplit();
      for (;;) {
        const top = this.stack[this.stack.length - 1];
        if (top === undefined) {
          this.finished = true;
          return false;
        }
        if (top.i + 1 < top.n) {
          top.i++;
          break;
        }
        this.stack.pop();
      }
    }
    this.replayed = this.started ? this.stepsBefore(this.stack.length - 1) : 0;
    this.started = true;
    this.pos = 0;
    this.stepping = false;
    this.preemptions = 0;
    this.unitDecided = false;
    this.lastSkipped = false;
    this.claimPending = false;
    this.log.clear();
    this.stepStart.length = 0;
    // A path that already passes its split decision starts a new unit there when that
    // decision is the one that just changed.
    const top = this.stack[this.stack.length - 1];
    if (top !== undefined && top.n > 1 && top.branching === this.split) this.startUnit(true);
    else if (top !== undefined && top.branching >= this.split) this.unitDecided = true;
    return true;
  }

  checkedSteps(): number {
    return this.replayed;
  }

  pickStep(enabled: readonly Decision[], current: number, step: number): number {
    // A unit of another shard: nothing below its split decision is enumerated, and the
    // steps up to it were only run to reach it (see truncateToSplit).
    if (this.claimPending) this.claim();
    if (this.lastSkipped) return ABANDON;
    this.stepping = true;
    this.stepStart[step] = this.pos;
    this.stepStart[step + 1] = -1;
    const stay = current >= 0 ? enabled.indexOf(stepOf(current)) : -1;
    const onlyStay = stay >= 0 && this.preemptions >= this.bound;
    const k = this.next(onlyStay ? 1 : enabled.length);
    const i = onlyStay ? stay : k;
    this.log.beforeStep(enabled[i] as Decision);
    if (stay >= 0 && decisionSubject(enabled[i] as Decision) !== current) this.preemptions++;
    return i;
  }

  pickChoice(n: number): number {
    checkSystematicChoice("exhaustive", n);
    const v = this.next(n);
    // The setup's choices are part of the trace, not of the first step (see SetupChoices).
    if (!this.stepping) {
      this.log.setupChoices.push(v);
      return v;
    }
    this.choiceValues.push(v);
    this.choiceRanges.push(n);
    return v;
  }

  onStep(info: StepInfo): void {
    this.stepStart[info.index + 1] = this.pos;
    this.log.record(info, this.choiceValues, this.choiceRanges);
    this.choiceValues.length = 0;
    this.choiceRanges.length = 0;
  }

  endExecution(): void {
    if (this.claimPending) this.claim();
    if (this.options.shard !== undefined && !this.unitDecided) this.startUnit();
  }

  describe(): string {
    const b = this.options.preemption_bound;
    const s = this.options.shard;
    return `exhaustive${b === undefined ? "" : `, preemption bound ${b}`}${s === undefined ? "" : `, shard ${s.index + 1}/${s.count}`}`;
  }

  private next(n: number): number {
    const p = this.pos++;
    const at = this.stack[p];
    if (at !== undefined) {
      if (at.n !== n) {
        throw new NondeterminismError(
          `exhaustive: decision ${p} had ${at.n} options and now has ${n}`,
        );
      }
      return at.i;
    }
    const before = p > 0 ? (this.stack[p - 1] as Position).branching : 0;
    const branching = before + (n > 1 ? 1 : 0);
    this.stack.push({ n, i: 0, branching });
    if (n > 1 && branching === this.split) this.startUnit();
    return 0;
  }

  /**
   * A new unit starts. Found by beginExecution, its claim waits for the execution's first
   * step: the search asks for one more execution after its last only to learn whether the
   * space is done, and a claim made then took a unit from a pool's other workers that
   * this one never ran (review: a worker stopped by `max_executions` left unit 1 of the
   * counter unexplored).
   */
  private startUnit(claimLater = false): void {
    this.unit++;
    this.unitDecided = true;
    if (claimLater) this.claimPending = true;
    else this.claim();
  }

  /** Whether the unit started is this shard's: lastSkipped when it is not. */
  private claim(): void {
    this.claimPending = false;
    const s = this.options.shard;
    if (s === undefined) return;
    const claim = this.options.claimUnit;
    this.lastSkipped = claim === undefined ? this.unit % s.count !== s.index : !claim(this.unit);
  }

  /**
   * Steps of the last execution whose decisions all came before decision `changed`: the
   * next execution takes the same ones, from the same state.
   */
  private stepsBefore(changed: number): number {
    let s = 0;
    while (s + 1 < this.stepStart.length && (this.stepStart[s + 1] as number) >= 0) {
      if ((this.stepStart[s + 1] as number) > changed) break;
      s++;
    }
    return s;
  }

  private truncateToSplit(): void {
    const at = this.stack.findIndex((p) => p.n > 1 && p.branching === this.split);
    if (at >= 0) this.stack.length = at + 1;
  }
}
