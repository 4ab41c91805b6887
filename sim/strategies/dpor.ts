import { emptyArray, holds, shiftOrNull, truncateArray } from "../arrays.ts";
import {
  ActorKeys,
  dependent,
  type Event,
  sameEvent,
  type WaitReads,
  withReads,
} from "../dpor/event.ts";
import { HappensBefore } from "../dpor/hb.ts";
import { ExecutionLog } from "../dpor/log.ts";
import { SetupChoices } from "../dpor/setup-choices.ts";
import { checkShard, type Shard } from "../dpor/shard.ts";
import { insertSequence, type WakeupNode, weakInitial } from "../dpor/wakeup.ts";
import {
  BoundError,
  checkPreemptionBound,
  checkSystematicChoice,
  NondeterminismError,
} from "../errors.ts";
import { plural } from "../plural.ts";
import { executionSeed, Prng } from "../prng.ts";
import { ABANDON, type ExecutionSummary, type StepInfo, type Strategy } from "../strategy.ts";
import { type Decision, decisionKind, decisionSubject, stepOf, timerOf } from "../types.ts";
import type { World } from "../world.ts";

export interface DporOptions {
  /**
   * At most this many preemptions (switches away from an actor that could run on) per
   * execution, as in CHESS. Default: unbounded. A bounded search is not a proof.
   */
  readonly preemption_bound?: number;
  /**
   * Order of the search: where no race dictates the next step, take an awake option (and
   * a data choice value) at random from this seed instead of the first one. The first
   * execution is then a random walk, so a race that many interleavings show is met early.
   * The same traces are explored, each once, in another order (property tested against
   * enumeration in both orders). Default: the first option.
   */
  readonly seed?: number;
  /**
   * Explore one shard of the space (see `split_depth`): n shards with indexes 0 … n-1 reach
   * every trace between them, each trace in exactly one shard. Not with a preemption bound.
   */
  readonly shard?: Shard;
  /**
   * With `shard`: the search branches on every awake option (sleep sets only, no race
   * analysis) until a path has passed this many nodes with two or more awake options; the
   * node after that is a *unit*, whose subtree dpor explores as usual. Races that would
   * reverse steps above a unit need no wakeup sequence there, as every option is taken,
   * so no unit's search changes what happens above it: every shard sees the same units in
   * the same order, and unit u belongs to shard u mod n. Default 12 (enough units to share
   * out evenly; each costs every shard an execution to pass it).
   */
  readonly split_depth?: number;
  /**
   * With `shard`: whether unit u is this search's, in place of u mod n. The searches of
   * one pool (explorePool) share a counter through it: each unit goes to the first search
   * that reaches it, so a search held up in a big unit leaves the next ones to the others.
   * Every search meets the units in the same order and explores a unit alike whichever
   * search takes it, so the merged figures are those of u mod n; only which worker ran
   * what depends on timing. Must return true for exactly one of the searches per unit.
   */
  readonly claimUnit?: (unit: number) => boolean;
}

/** How the last execution ended, from the search's point of view. */
export type DporExecutionKind =
  | "complete"
  | "sleep-blocked"
  | "infeasible"
  | "bound"
  | "other-shard";

/** One node of the depth-first search: the state after `index` steps of the current path. */
interface SearchNode {
  /** Events known not to need exploring from here (explored siblings and inherited). */
  sleep: Event[];
  /** Sequences still to explore from here. */
  wut: WakeupNode[];
  /** The event taken from here on the current path (null while it is being taken). */
  cur: Event | null;
  /**
   * Sharding only: nodes with two or more awake options that branch on all of them, above
   * this node on its path (at most split_depth). Below split_depth the node branches on
   * every awake option itself (see DporOptions.split_depth).
   */
  above: number;
  /** Sharding only: this node branches on every awake option and takes no wakeup sequences. */
  full: boolean;
  /** Sharding only: a full node that had two or more awake options. */
  branches: boolean;
  /**
   * A step has run on from here and was not cut as asleep: some execution went on below
   * this node (see exploreOnAfresh).
   */
  passed: boolean;
}

/** The sleep set of a node with nothing asleep, shared: never pushed to (see backtrack). */
const NOTHING_ASLEEP = Object.freeze([]) as unknown as Event[];

/**
 * Optimal dynamic partial-order reduction with wakeup trees (Abdulla, Aronis, Jonsson,
 * Sagonas, POPL 2014 / JACM 2017), stateless: every execution is a fresh run that replays
 * the current path's prefix and then follows the next branch of the deepest wakeup tree.
 * After each execution, every reversible race e < e' is turned into the sequence
 * notdep(e).e' and inserted into the wakeup tree of the node before e, unless a sleeping
 * event is a weak initial of it. Data choices are different events of the same actor: every
 * value is explored where the choice is first made fresh.
 *
 * Only the current path is kept (one node per step with its sleep set and wakeup tree), so
 * memory is bounded by the depth of the search, not by the number of executions.
 */
export class DporStrategy implements Strategy {
  readonly name = "dpor";
  readonly log: ExecutionLog;
  readonly hb = new HappensBefore();
  /** How the last execution ended. */
  lastKind: DporExecutionKind = "complete";
  /**
   * Replayed steps whose tracked accesses differed from the first time: the scenario
   * shares state that is not tracked (or reads the clock), and the reduction is unsound.
   */
  divergentReplays = 0;

  /** The world the engine runs (see observe): the setup's actors and objects are counted. */
  private world: World | null = null;
  private readonly keys = new ActorKeys();
  private readonly bound: number;
  private stack: SearchNode[] = [];
  private started = false;
  /** Index of the node whose branch changed this execution; steps before it replay. */
  private branchPoint = -1;
  private branchTarget: WakeupNode | null = null;
  private guide: WakeupNode[] = [];
  private pendingSleep: Event[] = NOTHING_ASLEEP;
  private target: Event | null = null;
  /** Whether the target is a replayed step's own event: its data choices must recur. */
  private targetReplayed = false;
  private abandoned = false;
  /** Steps of the abandoned execution that are worth learning races from. */
  private abandonedAt = 0;
  /**
   * The actor that ran the step before the one being picked (pickStep's `current`), and
   * the preemptions counted before it: what a fresh pick there would have seen.
   */
  private lastCurrent = -1;
  private lastPreemptions = 0;
  /** The options offered where a sleep-blocked execution stopped (none after its last step). */
  private enabledAtAbandon: number[] | null = null;
  private preemptions = 0;
  /**
   * Leading steps of the current path whose races have been turned into wakeup sequences.
   * A race is found once, by the execution that first ran its later step (as in Nidhugg):
   * a replayed prefix brings no race that was not seen before (but its sequence may be
   * new: see reverseAgain). Not so with data
   * choices: a race's sequence notdep(e).e' takes the steps after the branch point, and
   * a step with another choice value is another event, which a wakeup sequence that
   * replays it does not branch on (see addChoiceAlternatives). An execution that made
   * data choices therefore has all its races analysed (the property test found losses).
   */
  private analysed = 0;
  /**
   * The races of the analysed prefix, as (i, k, covered) triples in the order of k, where
   * `covered` is 1 when a sleeping event stood for the race's sequence, or its wake-up
   * could not run there (see reverseAgain and resumptionCannotRun).
   */
  private readonly prefixRaces: number[] = [];
  /** The last step of the execution being analysed that fired a timer or resumed a waiter. */
  private lastUnsteady = -1;
  /** Stable key of the actor running the current step. */
  private runningKey = -1;
  /** The seeded order's draws (reseeded per unit of a shard: see enterUnit). */
  private prng: Prng | null;
  private readonly candidates: number[] = [];
  private readonly choiceValues: number[] = [];
  private readonly choiceRanges: number[] = [];
  /** Per actor id, reused by insertHeldTimers: the step that began its timed wait, or -1. */
  private readonly timedWaitStart: number[] = [];
  /** Per actor id, reused by insertHeldTimers: 1 while its timer is held back. */
  private readonly heldBack: number[] = [];
  /** Reused by insertHeldTimers: the actors in a timed wait, by id. */
  private readonly timedWaiters: number[] = [];
  /** The races found by the last analysis, as pairs (i, k): reused by endExecution. */
  private readonly races: number[] = [];
  private readonly onRace = (i: number, k: number): void => {
    this.races.push(i, k);
  };
  /** Per actor id, reused by insertLaterWakers: its latest step so far, or -1. */
  private readonly lastStepOf: number[] = [];
  /**
   * Per actor id, the least clock entry for it among the steps new in the execution being
   * analysed (see noteNewSteps): a step i of actor a happens before every new step iff
   * i is below it.
   */
  private readonly newStepsFloor: number[] = [];
  /**
   * The union of the new steps' write masks (Event.wmask); -1, taken as every object, when
   * one is opaque or has no mask, or when the union has every bit.
   */
  private newStepsWrites = 0;
  /** Sharding: the depth of the part that branches on everything (see split_depth). */
  private readonly split: number;
  /** Sharding: units met so far, in depth-first order (every shard meets the same ones). */
  private units = 0;
  /** Sharding: whether the running execution has entered a unit. */
  private inUnit = false;
  /**
   * Sharding: events asleep because they were explored at a node above the units. Such a
   * sleeper stands for a race's sequence only if it occurs in it (see sleeperStandsFor).
   */
  private readonly fullSleepers = new WeakSet<Event>();
  /** The setup's data choices: each vector of them is searched in turn (see SetupChoices). */
  private readonly setup = new SetupChoices();

  constructor(private readonly options: DporOptions = {}) {
    this.bound = options.preemption_bound ?? Number.POSITIVE_INFINITY;
    this.split = options.shard === undefined ? 0 : (options.split_depth ?? 12);
    // Built directly (not through exploreSystematic), the options are checked here.
    // (Infinity: unbounded, as the default.)
    if (options.preemption_bound !== Number.POSITIVE_INFINITY) {
      checkPreemptionBound(options.preemption_bound);
    }
    checkShard(options.shard);
    if (options.shard !== undefined && this.bound < Number.POSITIVE_INFINITY) {
      throw new BoundError(
        "a dpor shard cannot take a preemption bound (a bounded search is not complete, so its shards would not add up to it); drop one",
      );
    }
    if (options.shard !== undefined && !(Number.isInteger(this.split) && this.split >= 1)) {
      throw new BoundError(`split depth must be a whole number >= 1, got ${this.split}`);
    }
    this.prng = options.seed === undefined ? null : new Prng(options.seed);
    this.log = new ExecutionLog(this.keys);
  }

  /**
   * Lets the strategy see the world of the execution about to run, so that it knows which
   * steps resume an actor from a wait. Without it every step is assumed to possibly be one,
   * which stays sound but explores more (reported as blocked or infeasible executions).
   */
  observe(world: World): void {
    this.world = world;
    this.log.observe(world);
  }

  /** The search is over (beginExecution said so); one stopped early may go on. */
  spent(): boolean {
    return this.finished;
  }

  private finished = false;

  beginExecution(): boolean {
    if (!this.started) {
      this.started = true;
      this.branchPoint = -1;
      this.branchTarget = null;
      this.guide = [];
    } else if (!this.backtrack()) {
      // This vector of the setup's data choices is done: the next one is a new search.
      if (!this.setup.advance()) {
        this.finished = true;
        return false;
      }
      this.branchPoint = -1;
      this.branchTarget = null;
      this.guide = [];
    }
    this.setup.begin();
    const unchanged = Math.max(0, this.branchPoint);
    if (this.analysed > unchanged) this.analysed = unchanged;
    this.hb.invalidate(unchanged);
    this.pendingSleep = NOTHING_ASLEEP;
    this.abandoned = false;
    this.enabledAtAbandon = null;
    this.lastKind = "complete";
    this.preemptions = 0;
    this.target = null;
    // Sharding: a branch inside a unit stays in it; one above the units enters the next.
    const at = this.branchPoint < 0 ? undefined : this.stack[this.branchPoint];
    this.inUnit = at !== undefined && !at.full;
    this.log.restart(unchanged);
    return true;
  }

  /** Moves to the next branch of the deepest node that has one; false when none is left. */
  private backtrack(): boolean {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const node = this.stack[i] as SearchNode;
      const next = shiftOrNull(node.wut);
      // A node with nothing left to explore is dropped with the rest of the path.
      if (next === null) continue;
      if (node.cur !== null) {
        if (node.sleep === NOTHING_ASLEEP) node.sleep = [];
        node.sleep.push(node.cur);
        if (node.full) this.fullSleepers.add(node.cur);
      }
      node.cur = null;
      truncateArray(this.stack, i + 1);
      this.branchPoint = i;
      this.branchTarget = next;
      this.guide = next.children;
      return true;
    }
    this.stack.length = 0;
    return false;
  }

  checkedSteps(): number {
    return Math.max(0, this.branchPoint);
  }

  /** A step before the branch point replays the last execution's: its options are logged. */
  replayedOptions(step: number): readonly Decision[] | null {
    return step < this.branchPoint && step < this.log.length
      ? (this.log.enabled[step] as Decision[])
      : null;
  }

  pickStep(enabled: readonly Decision[], current: number, step: number): number {
    this.lastCurrent = current;
    this.lastPreemptions = this.preemptions;
    if (this.setup.open) this.closeSetup();
    if (this.abandoned) return ABANDON;
    let node: SearchNode;
    let wanted: WakeupNode | null = null;
    if (step < this.branchPoint) {
      node = this.stack[step] as SearchNode;
      const cur = node.cur as Event;
      const i = this.replayIndex(enabled, cur, step);
      if (i < 0) this.replayDiverged(step, cur);
      this.target = cur;
      this.targetReplayed = true;
      this.countPreemption(enabled, current, i);
      return i;
    }
    this.targetReplayed = false;
    if (step === this.branchPoint) {
      node = this.stack[step] as SearchNode;
      wanted = this.branchTarget;
    } else {
      node = this.newNode(step);
      this.stack.push(node);
      if (node.full) this.branchOnEverything(node, enabled);
      else if (this.split > 0 && !this.inUnit && !this.enterUnit()) {
        return this.abandon("other-shard");
      }
      wanted = shiftOrNull(node.wut);
      this.guide = wanted === null ? [] : wanted.children;
    }
    while (wanted !== null) {
      let i = this.indexOf(enabled, wanted.ev.key, wanted.ev.timer);
      if (i < 0) {
        // A reversed race whose step cannot run here because its actor is still waiting
        // (or already woke): the actor's other option (its timer, or its step) is the
        // event that can take that place, and no race in any execution would reveal it.
        i = this.indexOf(enabled, wanted.ev.key, !wanted.ev.timer);
        if (i < 0 || this.asleep(node, enabled[i] as Decision) === 2) {
          // The rest of this wakeup sequence cannot happen. At the branch point the whole
          // branch is void; deeper down, the prefix reached so far is new and is explored
          // on with the next sequence planned from here, and afresh only when none is left
          // (as in Abdulla et al., where a step outside the wakeup tree is only taken where
          // the tree is empty). A fresh step taken while sequences are left becomes a
          // sibling explored before them, so it sleeps in their branches; but a planned
          // leaf stands for every later sequence that it is an initial of (insertSequence
          // stops there), among them the reversals of races with that fresh step, whose
          // continuations the leaf's branch is trusted to find. It did not: the fresh step,
          // asleep there, was taken as a weak initial of the reversal that would lead on to
          // them, and it was dropped (the seed-27 program in dpor.test.ts).
          if (step === this.branchPoint) {
            this.exploreOnAfresh(node, enabled);
            return this.abandon("infeasible");
          }
          wanted = shiftOrNull(node.wut);
          this.guide = wanted === null ? [] : wanted.children;
          continue;
        }
        wanted = {
          ev: { ...wanted.ev, timer: !wanted.ev.timer, choices: [], ranges: [], acc: [] },
          partial: true,
          children: [],
          moved: false,
        };
        this.guide = [];
      } else if (step !== this.branchPoint && this.sleepsAs(node, wanted)) {
        // A sequence inserted although its step sleeps here (a race whose first step may
        // be disabled): the rest of it was explored from where that step was. The prefix
        // reached so far is new: it goes on with the next sequence planned from here, or
        // afresh, not left blocked. (Afresh while sequences are left would take an event
        // that one of them starts with, which then sleeps when its turn comes.)
        wanted = shiftOrNull(node.wut);
        this.guide = wanted === null ? [] : wanted.children;
        continue;
      }
      if (this.preemptions >= this.bound && this.preempts(enabled, current, i)) {
        return this.abandon("bound");
      }
      this.target = wanted.ev;
      this.countPreemption(enabled, current, i);
      return i;
    }
    return this.fresh(node, enabled, current);
  }

  /**
   * The execution completed at step `last` while a daemon could still run: had another
   * finishing step come after it, the daemon could have run in between. Each earlier
   * finishing step of another actor that does not happen before `last` races with it.
   */
  private reverseEnd(last: number): void {
    const log = this.log;
    const a = log.actorIds[last];
    for (let j = last - 1; j >= 0; j--) {
      if (log.actorIds[j] === a || !log.finishes(j) || this.hb.before(log, j, last)) continue;
      const e = log.events[j] as Event;
      this.reverse(j, last, e.timer || log.resumed[j] === true);
    }
  }

  /** The setup has made its data choices: the log keeps them for the trace. */
  private closeSetup(): void {
    this.setup.close(this.world);
    const kept = this.log.setupChoices;
    const values = this.setup.values;
    // Most scenarios make no setup choice: `length =` is a runtime call even when it
    // changes nothing (about 1% of an execution of the peer benchmark's twin).
    if (kept.length !== values.length) kept.length = values.length;
    for (let p = 0; p < values.length; p++) kept[p] = values[p] as number;
  }

  /** The node after `step` steps of a new path, below the current top of the stack. */
  private newNode(step: number): SearchNode {
    const node: SearchNode = {
      sleep: this.pendingSleep,
      wut: this.guide,
      cur: null,
      above: 0,
      full: false,
      branches: false,
      passed: false,
    };
    if (this.split === 0) return node;
    const parent = this.stack[step - 1];
    node.above = parent === undefined ? 0 : parent.above + (parent.branches ? 1 : 0);
    node.full = node.above < this.split;
    return node;
  }

  /**
   * Sharding: a node above the units takes every option that is not asleep, in the order
   * offered (never the seeded order: a shard draws from its generator only in its own
   * units, so the order above them would differ between shards).
   */
  private branchOnEverything(node: SearchNode, enabled: readonly Decision[]): void {
    const wut: WakeupNode[] = [];
    for (const d of enabled) {
      if (this.asleep(node, d) === 2) continue;
      const ev: Event = {
        key: this.keys.keyOf(decisionSubject(d)),
        timer: decisionKind(d) === 1,
        choices: [],
        ranges: [],
        acc: [],
      };
      wut.push({ ev, partial: true, children: [], moved: false });
    }
    node.wut = wut;
    node.branches = wut.length > 1;
  }

  /** Sharding: the execution reaches a new unit; false when it is another shard's. */
  private enterUnit(): boolean {
    this.inUnit = true;
    const shard = this.options.shard as Shard;
    const claim = this.options.claimUnit;
    const mine = claim === undefined ? this.units % shard.count === shard.index : claim(this.units);
    // A seeded order draws inside its units only; drawn from one generator per search, a
    // unit's order would depend on the units its shard took before, which a pool's workers
    // take as they come (see claimUnit): seeded pool runs counted other sleep-blocked
    // executions from run to run (review). Each unit draws from its own seed instead.
    if (mine && this.options.seed !== undefined) {
      this.prng = new Prng(executionSeed(this.options.seed, this.units));
    }
    this.units++;
    return mine;
  }

  private fresh(node: SearchNode, enabled: readonly Decision[], current: number): number {
    const i = this.freshPick(node, enabled, current);
    if (i < 0) {
      this.enabledAtAbandon = enabled.slice();
      return this.abandon("sleep-blocked");
    }
    this.target = null;
    this.countPreemption(enabled, current, i);
    return i;
  }

  pickChoice(n: number): number {
    checkSystematicChoice("dpor", n);
    if (this.setup.open) {
      // Above the units of a shard, the order is the offered one (see branchOnEverything).
      const first = this.prng === null || this.split > 0 ? 0 : this.prng.below(n);
      return this.setup.pick(n, first);
    }
    if (this.abandoned) return 0;
    const j = this.choiceValues.length;
    const t = this.target;
    let v = 0;
    if (this.targetReplayed && (t === null || j >= t.choices.length || t.ranges[j] !== n)) {
      // (At the branch point a value out of range can be legitimate: infeasible below.)
      this.choiceDiverged(t, j, n);
    }
    if (t !== null && j < t.choices.length) {
      v = t.choices[j] as number;
      if (v >= n) {
        this.abandon("infeasible");
        v = 0;
      }
    } else {
      v = this.freshChoice(n);
    }
    this.choiceValues.push(v);
    this.choiceRanges.push(n);
    return v;
  }

  onStep(info: StepInfo): void {
    if (this.abandoned) {
      // Only the step in which a data choice abandoned the execution (infeasible) gets
      // here: the engine runs no step after an ABANDON. It is cut from the log
      // (endExecution) unrecorded; that it made data choices counts (which races are
      // analysed again).
      if (this.choiceValues.length > 0) {
        this.log.madeChoices = true;
        this.choiceValues.length = 0;
        this.choiceRanges.length = 0;
      }
      const at = this.stack[info.index];
      if (at !== undefined) this.exploreOnAfresh(at, info.enabled);
      return;
    }
    const replaying = info.index < this.branchPoint;
    const known = replaying ? (this.stack[info.index] as SearchNode).cur : null;
    if (known !== null && known.choices.length !== this.choiceValues.length) {
      this.choiceCountDiverged(info.index, known);
    }
    const ev = this.log.record(info, this.choiceValues, this.choiceRanges, known);
    if (this.choiceValues.length > 0) {
      this.choiceValues.length = 0;
      this.choiceRanges.length = 0;
    }
    if (replaying) {
      if (this.log.diverged) this.divergentReplays++;
      return;
    }
    const node = this.stack[info.index] as SearchNode;
    const t = this.target;
    // The target's choices were planned; any the step makes beyond them are fresh, and
    // their other values are siblings. A step whose choices depend on what it reads can make
    // more than its planned event did: a race reversed to put it before a write finds the
    // value that opens a choice (as a producer finds the shared failure budget unspent).
    const fixed = t === null ? 0 : Math.min(t.choices.length, ev.choices.length);
    node.cur = ev;
    this.addChoiceAlternatives(node, ev, fixed);
    if (fixed > 0) this.addWidenedChoices(node, t as Event, ev, fixed);
    for (let s = 0; s < node.sleep.length; s++) {
      const q = node.sleep[s] as Event;
      if (q.timer === ev.timer && sameEvent(q, ev)) {
        this.abandon("sleep-blocked");
        this.abandonedAt = info.index;
        // The execution is cut before this step: what could run there is what it was
        // chosen from (a step whose data choice proved asleep only once made). With these
        // options known, the ones the last kept step disabled or held back are inserted
        // (insertDisabledOptions, insertHeldTimers). Without them a waiter's step that a
        // pop made impossible, planned through here, was lost (4 of 8 traces of a
        // three-step program in four of five orders).
        this.enabledAtAbandon = info.enabled.slice();
        this.exploreOnAfresh(node, info.enabled);
        return;
      }
    }
    node.passed = true;
    // Most nodes have nothing asleep: the next one gets a fresh empty set only on demand
    // (see backtrack), not an array per step.
    let next: Event[] = NOTHING_ASLEEP;
    for (let s = 0; s < node.sleep.length; s++) {
      const q = node.sleep[s] as Event;
      if (q.key !== ev.key && !dependent(q, ev)) {
        if (next === NOTHING_ASLEEP) next = [];
        next.push(q);
      }
    }
    this.pendingSleep = next;
  }

  endExecution(summary?: ExecutionSummary): void {
    if (this.setup.open) this.closeSetup();
    if (this.lastKind === "other-shard") return;
    // Sharding: an execution that ended above the units is a unit of its own.
    if (this.split > 0 && !this.inUnit && !this.enterUnit()) {
      this.lastKind = "other-shard";
      return;
    }
    const log = this.log;
    // An abandoned execution still teaches us its races up to where it was abandoned:
    // the branches they call for may be ones that no other execution would reveal.
    // (Not when the preemption bound cut it: its reversals would mostly exceed the bound
    // again, and bounded search is not complete anyway.)
    if (this.abandoned && this.lastKind === "bound") return;
    if (this.abandoned) {
      log.truncate(this.abandonedAt);
      this.hb.invalidate(this.abandonedAt);
    }
    const n = log.length;
    // Clocks first, for all steps: notdep(e) needs happens-before up to the end.
    const races = this.races;
    truncateArray(races, 0);
    const from = log.madeChoices ? 0 : this.analysed;
    this.hb.compute(log, this.onRace, from);
    this.analysed = n;
    this.noteNewSteps(from, n);
    this.lastUnsteady = -1;
    for (let m = n - 1; m >= 0 && this.lastUnsteady < 0; m--) {
      if ((log.events[m] as Event).timer || log.resumed[m] === true) this.lastUnsteady = m;
    }
    this.reverseAgain(from);
    for (let r = 0; r < races.length; r += 2) {
      const i = races[r] as number;
      const k = races[r + 1] as number;
      const e = log.events[i] as Event;
      const covered = this.reverse(i, k, e.timer || log.resumed[i] === true);
      this.prefixRaces.push(i, k, covered ? 1 : 0);
    }
    if (!this.abandoned && n > 0 && log.completed() && log.daemonCouldRun()) this.reverseEnd(n - 1);
    this.insertDisabledOptions(Math.max(0, from - 1), n);
    this.insertHeldTimers(from, n);
    this.insertWaitWindows(from);
    this.insertLaterWakers(from, n);
    this.insertWakesBeforeWrites(from, n);
    if (summary?.cut === true && !this.abandoned) this.insertOthersAtFailure(n);
  }

  /**
   * An execution ends at a node that no execution has gone on from, and nothing else is
   * planned there: the node keeps an awake option (the one a fresh pick takes) for the
   * next execution to go on with. Left so, nothing would ever run on from the node. The
   * execution ends there when the step taken proves asleep only once it has run: a planned
   * opaque option (it says which actor runs, not what it does; also an actor's other
   * option taken for a planned step that cannot run), a planned step at the branch point
   * (where it is not tested before it runs), one that made more data choices than planned,
   * or a fresh pick's fallback (an actor with some events asleep); or when the planned step
   * cannot run at all (infeasible, at the branch point), or its planned choice value is out
   * of range. Deeper than the branch point, a planned step seen to sleep, or that cannot
   * run, before it runs (pickStep) gives way to the next sequence planned from the node, or
   * to a fresh pick. On the cancel scope (tabs a0d/a2, horizon 4 s), order seed 2 planned a
   * tab's opaque step at such a node, where it slept, and lost the one trace that needed
   * the producer's step there (check:dpor-orders: 644,859 of 644,860 traces).
   */
  private exploreOnAfresh(node: SearchNode, enabled: readonly Decision[]): void {
    if (node.passed || node.full || node.wut.length > 0) return;
    const i = this.freshPick(node, enabled, this.lastCurrent, this.lastPreemptions);
    if (i < 0) return;
    const d = enabled[i] as Decision;
    const key = this.keys.keyOf(decisionSubject(d));
    insertSequence(node.wut, [opaqueOption(key, decisionKind(d) === 1)], true);
  }

  /**
   * A failure in a step ends the execution there, while other options of that node were
   * still open: no race can reveal the interleavings where one of them runs first, as
   * they never run (one that would keep the step from failing, or make another check
   * fail). Each is inserted at the failing step's node, as a disabled option is (opaque,
   * partial); from there its own races are found as usual. Without it, dpor ran only [b]
   * of a program where b breaks an invariant when it runs first, never the passing [a, b]
   * that enumeration reaches; with two invariants, the second one's violation was lost.
   */
  private insertOthersAtFailure(n: number): void {
    const k = n - 1;
    const node = this.stack[k];
    if (node === undefined || node.full) return;
    const log = this.log;
    const runner = log.actorIds[k] as number;
    const taken = (log.events[k] as Event).timer ? timerOf(runner) : stepOf(runner);
    const options = log.enabled[k] as Decision[];
    for (let o = 0; o < options.length; o++) {
      const d = options[o] as Decision;
      if (d === taken || this.asleep(node, d) === 2) continue;
      const key = this.keys.keyOf(decisionSubject(d));
      const timer = decisionKind(d) === 1;
      if (plans(node.wut, key, timer)) continue;
      insertSequence(node.wut, [opaqueOption(key, timer)], true);
    }
  }

  /**
   * The races of the prefix before `from` (the steps this execution replayed) that a
   * sleeping event stood for, reversed again when a step after the branch point does not
   * happen after their first step: their sequence notdep(e).e' takes every such step, to
   * the end of the execution, so it is new, and the sleeper may not stand for it. A race
   * is found once, by the execution that first ran its later step, and in the paper's
   * setting its sequence needs no second look: an event touches the same objects wherever
   * it runs. Here it need not: whether a step waits, and so reads the clock, depends on
   * what ran before it. On the one-tab scope with a broken connection within 6 s, the
   * default order lost 24 of its 10,557 traces so: a handler's replay read, asleep since an
   * earlier node where it would have waited with a deadline (which the heartbeat depends
   * on), stood for the reversal of its race with the journal write, [read]. In the
   * execution where the heartbeat fired after the write and before the read, the sequence
   * is [heartbeat wait, heartbeat, read], which the sleeper does not stand for; but that
   * execution replayed the read, and the race was not looked at again. (Sequences that were
   * inserted are not built again: their branch, explored or pending, already holds the
   * step the race moves. Analysing every race of every execution again, as the paper
   * does, reached the same 10,557 traces of that scope in every order, at 6,087 executions
   * per second on the two-tab scope against 10,944 without it, in 20 s runs.)
   */
  private reverseAgain(from: number): void {
    const races = this.prefixRaces;
    if (from === 0) {
      truncateArray(races, 0);
      return;
    }
    let keep = races.length;
    while (keep > 0 && (races[keep - 2] as number) >= from) keep -= 3;
    truncateArray(races, keep);
    const log = this.log;
    for (let r = 0; r < keep; r += 3) {
      if (races[r + 2] === 0) continue;
      const i = races[r] as number;
      if (!this.newStepAfter(i)) continue;
      const e = log.events[i] as Event;
      const covered = this.reverse(i, races[r + 1] as number, e.timer || log.resumed[i] === true);
      races[r + 2] = covered ? 1 : 0;
    }
  }

  /**
   * What the rules that look at the replayed prefix again ask of the new steps [from, n):
   * per actor, the least clock entry among them, or n when there are none (newStepAfter),
   * and the objects they write (insertLaterWakers). Most nodes of the prefix ask, and each
   * scanned the new steps.
   */
  private noteNewSteps(from: number, n: number): void {
    // From the first step, every step is new: no rule looks at the prefix again.
    if (from === 0) return;
    const floor = this.newStepsFloor;
    const actors = this.log.actorCount;
    for (let a = 0; a < actors; a++) floor[a] = n;
    // Step by step, so that each step's clock is read in order.
    for (let m = from; m < n; m++) {
      for (let a = 0; a < actors; a++) {
        const c = this.hb.entry(m, a);
        if (c < (floor[a] as number)) floor[a] = c;
      }
    }
    let writes = 0;
    for (let m = from; m < n; m++) {
      const e = this.log.events[m] as Event;
      writes = e.opaque === true || e.wmask === undefined ? -1 : writes | e.wmask;
      if (writes === -1) break;
    }
    this.newStepsWrites = writes;
  }

  /**
   * Whether a step new in this execution (see noteNewSteps) does not happen after step i:
   * one whose clock entry for i's actor is at most i.
   */
  private newStepAfter(i: number): boolean {
    return (this.newStepsFloor[this.log.actorIds[i] as number] as number) <= i;
  }

  /**
   * Reverses the race e < e' (steps i < k) of the last execution: inserts notdep(e).e'
   * into the wakeup tree of the node before e, unless a sleeping event stands for it.
   * `mayBeDisabled`: e is a timer firing or a waiter's resumption, which can be disabled.
   * Returns true when a sleeping event stood for it, or when e' is a wake-up that cannot
   * run there (resumptionCannotRun): nothing was inserted.
   */
  private reverse(
    i: number,
    k: number,
    mayBeDisabled: boolean,
    window = false,
    later: Event | null = null,
  ): boolean {
    const log = this.log;
    const node = this.stack[i];
    // A node above the units (sharding) takes every option already.
    if (node === undefined || node.full) return false;
    if (later === null && !window && this.resumptionCannotRun(i, k)) return true;
    const v: Event[] = [];
    for (let m = i + 1; m < log.length; m++) {
      if (m === k || this.hb.before(log, i, m)) continue;
      if (window && m > k && this.hb.before(log, k, m)) continue;
      v.push(log.events[m] as Event);
    }
    // `later`: the step k as it would run there, when it differs from its record.
    const ek = later ?? (log.events[k] as Event);
    v.push(ek);
    // A window: the waiter whose wait starts at k may wake right after (its step, opaque).
    if (window) {
      const key = (log.events[k] as Event).key;
      v.push(opaqueOption(key, false));
    }
    // The weak-initial test for a sleeper absent from v.e assumes that it cannot disable
    // e. A timer firing or a waiter's resumption can be disabled (the waiter woke, or its
    // predicate turned false), so for those races only a sleeper that occurs in v.e
    // stands for it: v.e is then equivalent to a sequence that starts with the sleeper,
    // and the sleeper's subtree holds its traces whatever the sleeper does to e. (These
    // races used to be inserted whatever slept: that could put a leaf whose event sleeps
    // at its node into the tree, the seed-18 loss below by another way in; standing for
    // them halves the sleep-blocked executions of one-tab scopes, 476,350 instead of
    // 535,324 on the two-tab scope within 4 s, with the same 1,303,895 traces.) Under a
    // preemption bound they are still inserted: the sleeper's subtree was cut by the bound
    // too, and without them dpor no longer finds content-dedupe's race at bound 2.
    // Likewise a sleeping waiter's resumption stands for v only if it occurs in v (as in
    // insertSequence). Taking it as a weak initial when its actor is absent from v lost
    // traces, with and without timeouts (the property test, other seeds; regression tests
    // in dpor.test.ts): the traces where the waiter resumes after e' were reached from
    // this race only, not from the sleeping subtree. The same holds for a sleeping timer
    // firing: the traces where it fires after a step that depends on it (a wait that
    // starts, reading the clock) cannot start with it. (Found empirically, not proved.)
    // Any other sleeping event absent from v stands for v only if it is also independent
    // of e: e still has to run after v, and a sleeper that depends on e was left out of v
    // only because it woke at e and ran after it (happens-after e). The traces where it
    // runs after e do not start with it, and the sleeping subtree holds none of them:
    // they were lost in seeded orders (regression tests in dpor.test.ts).
    // Nor, in an execution with a timer firing or a waiter's resumption after e, does any
    // sleeper absent from v: the traces where it runs after a step that it depends on do
    // not start with it. In the proof of optimal DPOR they are reached through the races
    // of that step with the sleeper in the sleeper's own branch, which move the step
    // before it; a plain step can go there, but a timer due later cannot fire earlier, a
    // waiter may not be able to resume there, and a race whose later step a write made
    // runnable is not reversed. At first only sleepers that woke at such a step were
    // refused (two seed-27 programs in dpor.test.ts lost 4 of 926 and 4 of 536 traces);
    // that still lost 46 of the 1,303,895 traces of the two-tab scope within 4 s in the
    // default order (266 in seed 7's): a sleeper that stood for a race's reversal ran,
    // in the lost trace, after a step of another tab's handler. Refusing every absent
    // sleeper after an unsteady step reaches all of them, at 535,324 sleep-blocked
    // executions instead of 421,120 (and filesystem(18) 3,160 instead of 2,000). Without
    // waits and timers the weak initial stands, as in the paper: lastzero(10) needs it,
    // 4,608 blocked runs without it.
    // "After e" was still too late: the reordering that reaches those traces starts at the
    // node where the sleeper was explored, its own branch, and every step between there and
    // e is part of it. With a cancel request and two tabs (4 s), seeds 1 and 2 lost 9 and 13
    // of 644,860 traces: a handler's run lookup, explored at node 8, stood at node 37 for
    // moving the other tab's unsubscribe before the cancel's publish, while the second
    // tab's reads of its frames had resumed (nodes 34, 35) in between. So an absent sleeper
    // stands only if no unsteady step follows its own branch point (Event.step): the
    // orders then agree on that scope, at 95,754 sleep-blocked executions in the default
    // order instead of 76,837, and 478,990 instead of 476,350 on the two-tab scope.
    // A sleeper that occurs in v.e is left alone: v then starts, after reordering, with
    // the sleeper itself, whose subtree holds those traces. Refused, it put its own
    // sequence (starting with it, asleep there) in the wakeup tree as a leaf, which then
    // stood for later sequences whose first step it is independent of (its event as it
    // ran after the race, appending log row 1, against a timer firing that reads row 0),
    // and its branch, blocked at once, reached none of them (two seed-18 programs in
    // dpor.test.ts lost 6 of 68 and 12 of 48 traces).
    const bounded = this.bound !== Number.POSITIVE_INFINITY;
    if (
      (mayBeDisabled && bounded) ||
      !this.sleeperStandsFor(node, v, log.events[i] as Event, mayBeDisabled)
    ) {
      insertSequence(node.wut, v, window, mayBeDisabled ? (log.events[i] as Event) : null, ek);
      return false;
    }
    return true;
  }

  /**
   * Whether the reversal of the race (i, k), notdep(i).e', could never run e': e' resumes
   * a waiter from an untimed wait whose predicate was false at its start, and the state
   * that predicate read (Event.waitReads of the start) is the same where e' is planned.
   * That state is the one the start left unless a step that the reversal runs between the
   * start and e' writes it, or a step that the reversal takes away (i, and the steps that
   * happen after i) wrote it before the start. The predicate is a deterministic function
   * of what it reads, so it is false again there, and an untimed waiter cannot resume.
   * Planned, such a branch went on past e' afresh, or stopped: in dpor's default order on
   * the peer benchmark's twin of `fixed`, the 12 of 38 executions that ended sleep-blocked
   * or infeasible all went with this rule, and the same 26 traces are reached (what a
   * fresh continuation there could reach, optimal DPOR reaches from the races of other
   * executions; the property test and check:dpor-orders agree: tested, not proven).
   * Only an untimed wait: a timed waiter can time out there instead. The race counts as
   * covered (true), so that reverseAgain looks at it again when a later execution keeps i
   * and changes the steps after it.
   */
  private resumptionCannotRun(i: number, k: number): boolean {
    const log = this.log;
    if (log.resumed[k] !== true || (log.events[k] as Event).acquires !== undefined) return false;
    const a = log.actorIds[k];
    let start = k - 1;
    while (start >= 0 && log.actorIds[start] !== a) start--;
    // A start that happens after i puts e' after i too: then (i, k) is no race. Callers
    // only pass races; the test keeps this function from resting on that.
    if (start > i && this.hb.before(log, i, start)) return false;
    const waiter = log.events[start] as Event | undefined;
    const reads = waiter?.waitReads;
    if (waiter === undefined || reads === undefined || reads.length === 0) return false;
    if (waiter.deadline_ms !== undefined) return false;
    if (i < start && writesWaitReads(log.events[i] as Event, waiter)) return false;
    for (let m = Math.min(start, i) + 1; m < log.length; m++) {
      if (m === i || m === k || m === start) continue;
      // Before i (the wait started earlier): a step of the shared prefix, before e' in both.
      // After i: a step taken away counts before the start, a kept one after it.
      const counts = m < i || (this.hb.before(log, i, m) ? m < start : m > start);
      if (counts && writesWaitReads(log.events[m] as Event, waiter)) return false;
    }
    return true;
  }

  /**
   * Whether an event asleep at `node` is a weak initial of v.e that stands for it (see
   * reverse).
   */
  private sleeperStandsFor(
    node: SearchNode,
    v: readonly Event[],
    e: Event,
    mayBeDisabled: boolean,
  ): boolean {
    if (node.sleep.length === 0) return false;
    const ve = [...v, e];
    // An absent sleeper stands for v.e as in the paper: the traces where it runs after a
    // step of v.e that it depends on are reached through that step's race with it in the
    // sleeper's own branch. A sleeper explored above the units of a shard has no such
    // races reversed (every option is taken there instead), so only an occurring one
    // stands: without this a shard of the two-tab scope with one event lost 2 of its
    // 30,787 traces (split depth 12; 6 at 20).
    return node.sleep.some(
      (q) =>
        weakInitial(q, ve, q.resumed === true || q.timer) &&
        (ve.some((x) => x.key === q.key) ||
          (!mayBeDisabled &&
            this.lastUnsteady <= (q.step ?? -1) &&
            !(this.split > 0 && this.fullSleepers.has(q)))),
    );
  }

  /**
   * A waiter whose predicate is false can still not time out while another waiter's earlier
   * deadline is pending: only the earliest timer is offered. Its timer is held back by the
   * step that started that other wait, and no race says so: the timer never runs while it
   * is held, and when the start ran the timer was not offered either (its waiter could
   * still wake), so it is no disabled option. Where a waiter's timer becomes held back
   * (node k), each such start i is treated as a race with it: notdep(i) up to k, then the
   * timer (opaque, as a disabled option), is inserted at node i. (A property-test program:
   * one actor's timed wait holds, another starts a shorter one, then a write makes the
   * first one's predicate false; the trace where the first times out before the second
   * wait starts was lost in four of five orders.) The node after the last step counts too when a sleep-blocked
   * execution stopped there (its options are known): a seeded order lost 1 of 52 traces of
   * another program where the timer was held back only there. Nodes before `from` were
   * looked at by the execution that first reached them, with the same prefix.
   */
  private insertHeldTimers(from: number, n: number): void {
    const log = this.log;
    const start = this.timedWaitStart;
    const held = this.heldBack;
    // The actors in a timed wait, in id order (the order in which they were looked at when
    // every actor was: sequences are inserted in the same order). Mostly two or three of a
    // dozen actors, and this rule ran over all of them at every step (~2% of the time).
    const waiting = this.timedWaiters;
    let timed = 0;
    for (let m = 0; m < n && timed < 2; m++) {
      if ((log.events[m] as Event).deadline_ms !== undefined) timed++;
    }
    if (timed < 2) return;
    const actors = log.actorCount;
    for (let a = 0; a < actors; a++) {
      start[a] = -1;
      held[a] = 0;
    }
    truncateArray(waiting, 0);
    // After the last step: the options where a sleep-blocked execution stopped, if any.
    const atEnd = this.abandoned ? this.enabledAtAbandon : null;
    for (let m = 0; m < n; m++) {
      const runner = log.actorIds[m] as number;
      const was = start[runner] as number;
      const now = (log.events[m] as Event).deadline_ms === undefined ? -1 : m;
      if (was < 0 && now >= 0) insertSorted(waiting, runner);
      else if (was >= 0 && now < 0) removeValue(waiting, runner);
      start[runner] = now;
      held[runner] = 0;
      const k = m + 1;
      const options = k < n ? (log.enabled[k] as Decision[]) : atEnd;
      if (options === null) break;
      for (let x = 0; x < waiting.length; x++) {
        const w = waiting[x] as number;
        const sw = start[w] as number;
        if (holds(options, stepOf(w)) || holds(options, timerOf(w))) {
          held[w] = 0;
          continue;
        }
        if (held[w] === 1) continue;
        held[w] = 1;
        if (k < from) continue;
        const due = (log.events[sw] as Event).deadline_ms as number;
        for (let y = 0; y < waiting.length; y++) {
          const h = waiting[y] as number;
          const i = start[h] as number;
          if (h === w || ((log.events[i] as Event).deadline_ms as number) >= due) continue;
          this.insertOptionBefore(i, k, w, true);
        }
      }
    }
  }

  /**
   * Inserts, at node i, the steps before node `end` that do not happen after i, then w's
   * timer or step (opaque, as a disabled option). Given `opening` (what w's predicate
   * reads), only when one of those steps writes it: otherwise the predicate is as false
   * after them as it was before i (a disjunction's parts, for one, were all false while w
   * waited), and w cannot wake there.
   */
  private insertOptionBefore(
    i: number,
    end: number,
    w: number,
    timer: boolean,
    opening: WaitReads | null = null,
  ): void {
    const log = this.log;
    const node = this.stack[i];
    if (node === undefined || node.full) return;
    const v: Event[] = [];
    let opens = opening === null;
    for (let m = i + 1; m < end; m++) {
      if (this.hb.before(log, i, m)) continue;
      const e = log.events[m] as Event;
      v.push(e);
      if (!opens && writesWaitReads(e, opening as WaitReads)) opens = true;
    }
    if (!opens) return;
    const option = opaqueOption(this.keys.keyOf(w), timer);
    if (!this.sleeperStandsFor(node, v, option, true))
      insertSequence(node.wut, [...v, option], true);
  }

  /**
   * A waiter whose untimed wait starts with its predicate false (Event.waitReads) may have
   * been able to wake in a window before its wait started: a write made its predicate
   * true, and a later one false again, all before the wait began. The wait's start reads
   * nothing (see recordWaitStart in log.ts), so no race moves it into the window; its
   * resumption, if it comes, reads only what woke it later, so no race points there
   * either. For each such wait, every write by another actor to what its predicate reads,
   * before the wait started and not happening before it, is treated as a race with the
   * start (not only the last one: the window may have closed before a later write that
   * left it closed; a program in dpor.test.ts lost a trace so). The sequence inserted at
   * node i is notdep(i).k without the steps that happen after k, followed by the waiter's
   * step (opaque, as a disabled option): a race's sequence that goes on past the wait's
   * start must not take the place of the waiter's wake-up. This used to be done only for
   * a waiter still blocked when a complete execution ended; waiters woken later, and
   * sleep-blocked executions, lost traces once the property test's waits could be on a
   * cell or the queue (dpor.test.ts). Waits that start at or after `from` only: an
   * earlier one was looked at by the execution that first ran it.
   */
  private insertWaitWindows(from: number): void {
    const log = this.log;
    const n = log.length;
    for (let k = from; k < n; k++) {
      const a = log.actorIds[k] as number;
      const ek = log.events[k] as Event;
      const reads = ek.waitReads;
      // A timed wait's start reads its predicate: its races with those writes are ordinary.
      if (reads === undefined || reads.length === 0 || ek.deadline_ms !== undefined) continue;
      for (let i = k - 1; i >= 0; i--) {
        if (log.actorIds[i] === a) continue;
        if (!writesWaitReads(log.events[i] as Event, ek)) continue;
        if (this.hb.before(log, i, k)) continue;
        this.reverse(i, k, false, true);
      }
    }
  }

  /**
   * A waiter blocked on a conjunction ("both cells set") may never see its predicate true
   * in an execution and still be able to wake in another: a write i that clears one part
   * while it waits, then a step j, independent of i, that sets the other part. Run j before
   * i and the waiter wakes in between. Its predicate was never true, so no option was
   * disabled; its resumption, if it comes, reads what woke it later, not i's write; and i
   * came after the wait's start, so no window rule sees it. (The property test, with
   * conjunctions: a seeded order lost 1 of 3 traces of a three-actor program.) For each
   * untimed wait that starts false, every write i by another actor to what its predicate
   * read, after the start and before its resumption (or the end), is treated as a race
   * with the waiter: notdep(i) up to there, then the waiter's step (opaque), is inserted
   * at node i. Whether the waiter can wake there is for the replay to say (infeasible).
   * Not waits that ended before `from`: an earlier execution looked at those.
   */
  private insertWakesBeforeWrites(from: number, n: number): void {
    const log = this.log;
    for (let s = 0; s < n; s++) {
      const waiter = log.events[s] as Event;
      const reads = waiter.waitReads;
      // Untimed waits only (see insertWaitWindows).
      if (reads === undefined || reads.length === 0 || waiter.deadline_ms !== undefined) continue;
      const a = log.actorIds[s] as number;
      let end = s + 1;
      while (end < n && log.actorIds[end] !== a) end++;
      // A wait that ended before the first new step was looked at by the execution that
      // first ran it: the steps up to its end are the same.
      if (end < from) continue;
      for (let i = s + 1; i < end; i++) {
        if (log.actorIds[i] === a || !writesWaitReads(log.events[i] as Event, waiter)) continue;
        this.insertOptionBefore(i, end, a, false, waiter);
      }
    }
  }

  /**
   * A waiter that step i woke (its step k could not run before i: that race is not
   * reversible) could have been woken instead by another step j after i that writes what
   * its predicate read while false (Event.waitReads of its wait's start): a waiter on
   * "queue not empty or connection broken", woken by the push, could have been woken by a
   * break. Its resumption after i read only what made the predicate true (a disjunction
   * stops at its first true part), so j looks independent of it: no race pairs them, and
   * otherWaker in hb.ts, which looks for such a j between i and k by k's own reads, does
   * not see it either. The race (i, k) is then reversed: notdep(i) holds j, and k's step
   * follows it; if j does not wake the waiter after all, the replay says so (infeasible).
   * (In the property test, with waits on a cell or the queue: 4 of 6 traces of a
   * three-step program lost in most orders, with j after k; 2 of 10 in a seeded order,
   * with j between.) Looked at when k or j is new in this execution (>= from).
   */
  private insertLaterWakers(from: number, n: number): void {
    const log = this.log;
    const lastOf = this.lastStepOf;
    for (let a = 0; a < log.actorCount; a++) lastOf[a] = -1;
    for (let k = 0; k < n; k++) {
      const a = log.actorIds[k] as number;
      const s = lastOf[a] as number;
      lastOf[a] = k;
      if (s < 0 || log.resumed[k] !== true) continue;
      const waiter = log.events[s] as Event;
      const reads = waiter.waitReads;
      if (reads === undefined || reads.length === 0) continue;
      // A replayed resumption looks only at the new steps, as j: none may write what the
      // waiter read (see writesWaitReads).
      const mask = waiter.waitMask;
      if (k < from && mask !== undefined && (this.newStepsWrites & mask) === 0) continue;
      // The waker: the step after which the waiter's step became an option.
      const option = stepOf(a);
      let i = k - 1;
      while (
        i > s &&
        (holds(log.enabled[i] as Decision[], option) ||
          !holds(log.enabled[i + 1] as Decision[], option))
      ) {
        i--;
      }
      if (i <= s) continue;
      const waker = log.actorIds[i] as number;
      for (let j = k < from ? Math.max(k + 1, from) : i + 1; j < n; j++) {
        const aj = log.actorIds[j] as number;
        if (j === k || aj === a || aj === waker) continue;
        if (!writesWaitReads(log.events[j] as Event, waiter) || this.hb.before(log, i, j)) continue;
        // In v the waiter is woken by j, and its resumption reads what j writes (the part
        // of its predicate that woke it here came after): recorded as here, it would look
        // independent of j, and a planned resumption that cannot run before i (a leaf
        // where the race of i with it was reversed, to be replaced by its timer, which
        // is not due) would stand for v (a seeded order lost 2 of 14 traces so).
        const e = log.events[i] as Event;
        const woken = withReads(log.events[k] as Event, reads);
        this.reverse(i, k, e.timer || log.resumed[i] === true, false, woken);
        break;
      }
    }
  }

  /**
   * An option that step i disabled never runs in this execution, so no race reveals it:
   * a waiter's timer that i made moot by making its predicate true or by starting a wait
   * that is due earlier, or a waiter's step that i made impossible by making its predicate
   * false. Each is inserted at node i as a
   * one-event sequence (its accesses and choices unknown, so it is opaque and partial).
   * Steps before `from` replayed an execution that already inserted theirs (all but the
   * sequences of sleeping options: see the loop).
   */
  private insertDisabledOptions(from: number, n: number): void {
    const log = this.log;
    // The last step's options after it are not logged: they are read off the world as the
    // execution left it (step options only), unless the execution was cut short.
    const atEnd = this.abandoned ? this.enabledAtAbandon : log.stepsEnabledAtEnd();
    // A daemon's timer, due when the execution completed, could have fired before its
    // last step (another timer at the end is not known to be disabled: none are logged).
    const completed = !this.abandoned && log.completed();
    // Before `from`, the steps were replayed and their options inserted already; only a
    // sleeping option's sequence (insertAfterWaker) takes the steps after the branch point,
    // and it is built again when one of them does not happen after the step (as for the
    // races of the prefix: see reverseAgain).
    for (let i = 0; i < n; i++) {
      const node = this.stack[i];
      if (node === undefined || node.full) continue;
      const again = i < from;
      // (The new steps are from + 1 on: endExecution's `from`, which noteNewSteps took.)
      if (again && (node.sleep.length === 0 || !this.newStepAfter(i))) continue;
      const before = log.enabled[i] as Decision[];
      const after = i + 1 < n ? (log.enabled[i + 1] as Decision[]) : atEnd;
      if (after === null) continue;
      const last = i + 1 === n;
      const runner = log.actorIds[i] as number;
      for (const d of before) {
        const actor = decisionSubject(d);
        if (actor === runner || holds(after, d)) continue;
        const timer = decisionKind(d) === 1;
        if (last && timer && !this.abandoned && !completed) continue;
        const p = opaqueOption(this.keys.keyOf(actor), timer);
        if (!again && !timer) this.insertEarlierClosers(i, actor, p.key);
        const asleep = this.sleepersOf(node, p.key, timer);
        if (asleep !== null) {
          this.insertAfterWaker(i, p, asleep);
          continue;
        }
        if (again) continue;
        if (
          node.wut.some(
            (w) => w.ev.key === p.key && w.ev.timer === timer && w.ev.choices.length === 0,
          )
        ) {
          continue;
        }
        insertSequence(node.wut, [p], true);
      }
    }
  }

  /**
   * Waiter w (stable key `key`), able to resume before step i and not after it, waits on
   * a predicate of several objects (Event.disabled): a disjunction true by one part reads
   * only that part, so the steps that made its other parts false, after its wait started,
   * looked independent of it. Step i closed the part it read; had one of those steps come
   * later, w could have resumed after i by another part. Each such step j is treated as a
   * race with w's resumption: the steps after j up to i that do not happen after j, then
   * w (opaque), inserted at node j. (A generated program: "cell or queue", true by the
   * cell; another actor clears the queue, then the cell is written 0: 18 of order seeds
   * 0..199 lost the trace where the clear comes after the waiter's resumption.)
   */
  private insertEarlierClosers(i: number, w: number, key: number): void {
    const log = this.log;
    const disabled = (log.events[i] as Event).disabled;
    if (disabled === undefined) return;
    const waiter = disabled.find((d) => d.key === key);
    if (waiter === undefined) return;
    for (let j = 0; j < i; j++) {
      if (log.actorIds[j] === w || !writesWaitReads(log.events[j] as Event, waiter)) continue;
      this.insertOptionBefore(j, i + 1, w, false, waiter);
    }
  }

  /**
   * A disabled option p that sleeps at node i: its branch from here was explored, so the
   * traces where p runs first are covered, but not those where p runs after a step that
   * it depends on (which would wake it) and before step i disabled it. p never ran in
   * this execution, so no race pairs it with that step. The sequence inserted is the steps
   * after i that do not happen after it, up to the first that one of p's sleeping events
   * depends on, then p (opaque), unless a sleeping event is a weak initial of that. (In dpor.test.ts,
   * a waiter that could also wake after a timer moved the clock, so that its own sleep
   * ends later, before another step closes its window: 4 of 10 traces were missed.)
   */
  /**
   * The events that make actor `key`'s step (its timer, with `timer`) asleep at `node`:
   * its one sleeping event without data choices, or all of them when they cover every
   * value of its choices (see everyChoiceAsleep); null when it is not asleep. An actor
   * asleep by its choices was taken for awake here once: its disabled option went in as
   * a bare branch, asleep at once, and the traces where it runs after a step that wakes
   * it were lost (a seeded order lost 2 of 15 traces of a program with a mutex).
   */
  private sleepersOf(node: SearchNode, key: number, timer: boolean): readonly Event[] | null {
    if (asleepAs(node.sleep, key, timer) !== 2) return null;
    const of = (q: Event) => q.key === key && q.timer === timer;
    const whole = node.sleep.find((q) => of(q) && q.choices.length === 0);
    return whole === undefined ? node.sleep.filter(of) : [whole];
  }

  private insertAfterWaker(i: number, p: Event, asleep: readonly Event[]): void {
    const log = this.log;
    const node = this.stack[i] as SearchNode;
    const v: Event[] = [];
    for (let m = i + 1; m < log.length; m++) {
      if (this.hb.before(log, i, m)) continue;
      const x = log.events[m] as Event;
      // p's actor ran again after all: its races say where it can go.
      if (x.key === p.key) return;
      v.push(x);
      if (!asleep.some((q) => dependent(q, x))) continue;
      v.push(p);
      const standsFor = (q: Event) =>
        weakInitial(
          q,
          v,
          q.resumed === true || q.timer || (this.split > 0 && this.fullSleepers.has(q)),
        );
      if (!node.sleep.some(standsFor)) {
        insertSequence(node.wut, v, true);
      }
      return;
    }
  }

  /**
   * The search's node after `index` steps of the current path: the event taken there and
   * the events asleep there (for diagnostics, see walk.ts); undefined past the path.
   */
  nodeAt(
    index: number,
  ): { readonly cur: Event | null; readonly sleep: readonly Event[] } | undefined {
    return this.stack[index];
  }

  // The nondeterminism errors, out of the hot methods that meet them (a throw with its
  // message built inline made pickStep and onStep bigger, and V8 inlines less of them).

  private replayDiverged(step: number, cur: Event): never {
    // The actor of the step as logged (its id in the execution that first ran it).
    const id = this.log.actorIds[step] as number;
    const a = this.world?.actors[id];
    const who =
      a === undefined
        ? `actor ${id}, which this execution has not spawned,`
        : `${a.name}${cur.timer ? "'s timer" : ""}`;
    throw new NondeterminismError(
      `dpor: replay diverged at step ${step}: ${who} cannot run there now`,
    );
  }

  private choiceDiverged(t: Event | null, j: number, n: number): never {
    const had = t === null || j >= t.ranges.length ? "no value" : `${t.ranges[j]} values`;
    throw new NondeterminismError(
      `dpor: a replayed step's data choice ${j} had ${had} when the step first ran and now has ${n}`,
    );
  }

  private choiceCountDiverged(step: number, known: Event): never {
    throw new NondeterminismError(
      `dpor: replayed step ${step} made ${plural(this.choiceValues.length, "data choice")}, and ${known.choices.length} when it first ran`,
    );
  }

  describe(): string {
    const b = this.options.preemption_bound;
    const seed = this.options.seed;
    const shard = this.options.shard;
    return `dpor (optimal, wakeup trees)${b === undefined ? "" : `, preemption bound ${b}`}${seed === undefined ? "" : `, order seed ${seed}`}${shard === undefined ? "" : `, shard ${shard.index + 1}/${shard.count}`}`;
  }

  // ---- helpers ---------------------------------------------------------------------

  /**
   * Ends the execution here: the engine stops it (ABANDON). Its rest is explored in another
   * execution (or shard), or, over the preemption bound, not at all.
   */
  private abandon(kind: DporExecutionKind): number {
    this.abandoned = true;
    this.abandonedAt = this.log.length;
    this.lastKind = kind;
    return ABANDON;
  }

  private indexOf(enabled: readonly Decision[], key: number, timer: boolean): number {
    for (let i = 0; i < enabled.length; i++) {
      const d = enabled[i] as Decision;
      if ((decisionKind(d) === 1) !== timer) continue;
      if (this.keys.keyOf(decisionSubject(d)) === key) return i;
    }
    return -1;
  }

  /**
   * The option that replays `cur` at step `step`. A replayed prefix runs the same actors
   * under the same ids as when it was logged, so the logged actor id finds the option
   * without naming every enabled actor (checked against the key; else searched by key).
   */
  private replayIndex(enabled: readonly Decision[], cur: Event, step: number): number {
    const actor = this.log.actorIds[step] as number;
    const d = cur.timer ? timerOf(actor) : stepOf(actor);
    // A loop, not indexOf: a builtin call costs more than the search of a few options.
    for (let i = 0; i < enabled.length; i++) {
      if (enabled[i] === d) {
        if (this.keys.keyOf(actor) === cur.key) return i;
        break;
      }
    }
    return this.indexOf(enabled, cur.key, cur.timer);
  }

  private preempts(enabled: readonly Decision[], current: number, i: number): boolean {
    if (current < 0) return false;
    const actor = decisionSubject(enabled[i] as Decision);
    return actor !== current && holds(enabled, stepOf(current));
  }

  private countPreemption(enabled: readonly Decision[], current: number, i: number): void {
    const d = enabled[i] as Decision;
    this.runningKey = this.keys.keyOf(decisionSubject(d));
    this.log.beforeStep(d);
    // Counted only for a bound: nothing else reads the count.
    if (this.bound < Number.POSITIVE_INFINITY && this.preempts(enabled, current, i)) {
      this.preemptions++;
    }
  }

  /**
   * The first enabled option that is not asleep. Actors with sleeping events that made data
   * choices come last: a different choice makes a different event. Under a preemption bound
   * the current actor goes first, and nothing else once the bound is used up.
   */
  private freshPick(
    node: SearchNode,
    enabled: readonly Decision[],
    current: number,
    preemptions = this.preemptions,
  ): number {
    // Most nodes have nothing asleep: then the first option, unless the order is seeded or
    // a bound prefers the current actor.
    if (node.sleep.length === 0 && this.prng === null && this.bound === Number.POSITIVE_INFINITY) {
      return 0;
    }
    const mustStay = preemptions >= this.bound ? enabled.indexOf(stepOf(current)) : -1;
    if (mustStay >= 0)
      return this.asleep(node, enabled[mustStay] as Decision) === 2 ? -1 : mustStay;
    let fallback = -1;
    const preferred = this.bound < Number.POSITIVE_INFINITY ? enabled.indexOf(stepOf(current)) : -1;
    if (preferred >= 0 && this.asleep(node, enabled[preferred] as Decision) === 0) return preferred;
    const prng = this.prng;
    const awake = this.candidates;
    emptyArray(awake);
    for (let i = 0; i < enabled.length; i++) {
      const s = this.asleep(node, enabled[i] as Decision);
      if (s === 0) {
        if (prng === null) return i;
        awake.push(i);
      }
      if (s === 1 && fallback < 0) fallback = i;
    }
    if (prng !== null && awake.length > 0) return awake[prng.below(awake.length)] as number;
    return fallback;
  }

  /** Whether the wakeup node's event, with all its choices, is asleep at `node`. */
  private sleepsAs(node: SearchNode, w: WakeupNode): boolean {
    if (w.partial) return false;
    for (let s = 0; s < node.sleep.length; s++) {
      const q = node.sleep[s] as Event;
      if (q.timer === w.ev.timer && sameEvent(q, w.ev)) return true;
    }
    return false;
  }

  /** Whether option `d` is asleep at `node` (see asleepAs). */
  private asleep(node: SearchNode, d: Decision): 0 | 1 | 2 {
    return asleepAs(node.sleep, this.keys.keyOf(decisionSubject(d)), decisionKind(d) === 1);
  }

  /**
   * A fresh data choice: the least value that does not complete a sleeping event of this
   * actor (the step is deterministic given its choices, so a sleeping event whose choices
   * equal ours so far plus v is exactly what we would do).
   */
  private freshChoice(n: number): number {
    const node = this.stack[this.log.length];
    // Above the units of a shard, the order is the offered one (see branchOnEverything).
    const first = this.prng === null || node?.full === true ? 0 : this.prng.below(n);
    if (node === undefined || node.sleep.length === 0) return first;
    for (let d = 0; d < n; d++) {
      const v = (first + d) % n;
      if (!this.completesSleeping(node, v)) return v;
    }
    return 0;
  }

  private completesSleeping(node: SearchNode, v: number): boolean {
    const prefix = this.choiceValues;
    for (const q of node.sleep) {
      if (q.key !== this.runningKey) continue;
      if (q.choices.length !== prefix.length + 1 || q.choices[prefix.length] !== v) continue;
      let same = true;
      for (let c = 0; c < prefix.length; c++) if (q.choices[c] !== prefix[c]) same = false;
      if (same) return true;
    }
    return false;
  }

  /** Every other value of each choice from position `fixed` on becomes a sibling to explore. */
  private addChoiceAlternatives(node: SearchNode, ev: Event, fixed: number): void {
    for (let j = fixed; j < ev.choices.length; j++) {
      const range = ev.ranges[j] as number;
      for (let v = 0; v < range; v++) if (v !== ev.choices[j]) addAlternative(node, ev, j, v);
    }
  }

  /**
   * The values that a planned choice (one of the first `fixed`) has here and did not have
   * where its event was recorded: siblings to explore. A choice's range can depend on what
   * the step reads, and a race reversed to put the step before a write puts it in another
   * state. The planned event's other values were branched where it was recorded, and their
   * races reversed from there; these never ran anywhere, and nothing else would plan them.
   * (A program whose second step chooses among 2 values while a cell is 0 and among 3
   * after lost 2 of 16 traces in the default order: the step was recorded after a write of
   * 0, and the reversal of that race ran it before the write, with 3 values, only 2 tried.)
   * A planned alternative (no ranges) is a sibling at its own node, in the same state.
   */
  private addWidenedChoices(node: SearchNode, planned: Event, ev: Event, fixed: number): void {
    for (let j = 0; j < fixed; j++) {
      const was = planned.ranges[j];
      const range = ev.ranges[j] as number;
      if (was === undefined || was >= range) continue;
      for (let v = was; v < range; v++) addAlternative(node, ev, j, v);
    }
  }
}

/**
 * Plans, as a sibling at `node`, the step of `ev` with its first `j` choices and then value
 * `v` (partial: what it does after is found when it runs), unless that event sleeps there.
 */
function addAlternative(node: SearchNode, ev: Event, j: number, v: number): void {
  const choices = [...ev.choices.slice(0, j), v];
  const alt: Event = { key: ev.key, timer: ev.timer, choices, ranges: [], acc: [] };
  if (node.sleep.some((q) => sameEvent(q, alt) && q.timer === ev.timer)) return;
  node.wut.push({ ev: alt, partial: true, children: [], moved: false });
}

/** Whether a wakeup tree already starts with actor `key`'s option, all its choices open. */
function plans(wut: readonly WakeupNode[], key: number, timer: boolean): boolean {
  for (let i = 0; i < wut.length; i++) {
    const ev = (wut[i] as WakeupNode).ev;
    if (ev.key === key && ev.timer === timer && ev.choices.length === 0) return true;
  }
  return false;
}

/**
 * An option known only by its actor (a disabled option, a held-back timer, a waiter's
 * wake-up): its accesses are unknown, so it is dependent with everything.
 */
function opaqueOption(key: number, timer: boolean): Event {
  return { key, timer, choices: [], ranges: [], acc: [], opaque: true };
}

/** Whether `e` writes an object that the waiter's predicate read (Event.waitReads). */
function writesWaitReads(e: Event, waiter: WaitReads): boolean {
  if (e.opaque === true) return true;
  // Most steps write nothing the predicate reads: their masks tell without the loops.
  const readMask = waiter.waitMask;
  if (readMask !== undefined && e.wmask !== undefined && (e.wmask & readMask) === 0) return false;
  const reads = waiter.waitReads ?? [];
  for (const c of e.acc) {
    if ((c & 1) === 0) continue;
    for (const r of reads) if (r >> 1 === c >> 1) return true;
  }
  return false;
}

/** Inserts `v` into the ascending array `sorted` (not there yet), keeping it ascending. */
function insertSorted(sorted: number[], v: number): void {
  let at = sorted.length;
  sorted.push(v);
  while (at > 0 && (sorted[at - 1] as number) > v) {
    sorted[at] = sorted[at - 1] as number;
    at--;
  }
  sorted[at] = v;
}

/** Removes `v` from `array`, keeping the order of the rest. */
function removeValue(array: number[], v: number): void {
  const at = array.indexOf(v);
  if (at < 0) return;
  for (let i = at; i + 1 < array.length; i++) array[i] = array[i + 1] as number;
  array.pop();
}

/**
 * Whether actor `key`'s step (its timer, with `timer`) is asleep among `sleep`: 0 awake;
 * 1 some of its events with data choices sleep; 2 asleep, also when its sleeping events
 * cover every value of its choices (see everyChoiceAsleep).
 */
function asleepAs(sleep: readonly Event[], key: number, timer: boolean): 0 | 1 | 2 {
  let some: 0 | 1 = 0;
  for (let s = 0; s < sleep.length; s++) {
    const q = sleep[s] as Event;
    if (q.key !== key || q.timer !== timer) continue;
    if (q.choices.length === 0) return 2;
    some = 1;
  }
  if (some === 1 && everyChoiceAsleep(sleep, key, timer, [])) return 2;
  return some;
}

/**
 * Whether the events asleep for actor `key` (its timer, with `timer`) cover every way its
 * step can make its data choices from `prefix` on: one of them made exactly `prefix`, or
 * each value of the next choice (its range, as a sleeper that made it recorded) is covered
 * in turn. The step is deterministic given its choices, so whatever it chooses then
 * completes a sleeping event: the actor is asleep. Taken as partly awake instead, it was
 * picked where another actor had an awake value, and its execution was blocked as soon as
 * its choice was made; the other actor's step there was never run (a seeded order lost
 * the trace behind it: the mutex program in dpor.test.ts).
 */
function everyChoiceAsleep(
  sleep: readonly Event[],
  key: number,
  timer: boolean,
  prefix: number[],
): boolean {
  let range = 0;
  for (const q of sleep) {
    if (q.key !== key || q.timer !== timer || q.choices.length < prefix.length) continue;
    let extends_ = true;
    for (let c = 0; c < prefix.length && extends_; c++) {
      if (q.choices[c] !== prefix[c]) extends_ = false;
    }
    if (!extends_) continue;
    if (q.choices.length === prefix.length) return true;
    range = q.ranges[prefix.length] as number;
  }
  if (range === 0) return false;
  for (let v = 0; v < range; v++) {
    prefix.push(v);
    const covered = everyChoiceAsleep(sleep, key, timer, prefix);
    prefix.pop();
    if (!covered) return false;
  }
  return true;
}
