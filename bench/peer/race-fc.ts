/**
 * The round-2 race written the way a TypeScript team would test it today: ordinary async
 * code whose every step is an awaited promise scheduled by fast-check's `fc.scheduler`, which
 * then releases the scheduled promises in a random order. Steps, components and the check
 * are those of `race-sim.ts`, one for one (same labels, same order), so that the two tools
 * explore the same interleavings; the correctness test replays fc's orders in streamsim.
 */
import type fc from "fast-check";
import {
  type Frame,
  frameFor,
  type RaceOptions,
  type RaceVariant,
  raceProperties,
  TabOracle,
} from "./race.ts";

/** How one fc.scheduler execution of the race ended. */
export interface FcRaceOutcome {
  /** [property, message] of the first violation, or null when the run was correct. */
  readonly violation: readonly [string, string] | null;
  /** Actor of each step, in the order fc.scheduler released them (0 producer, 1 handler). */
  readonly order: readonly number[];
  /** Steps released up to and including the one that broke exactly-once (else all steps). */
  readonly steps_until_violation: number;
}

/** Unwinds an actor once another actor found a violation: the run is over. */
const stopped = Symbol("stopped");

/** A FIFO with a capacity (drop-oldest) that a consumer can wait on. */
class FrameQueue {
  private readonly items: Frame[] = [];
  private wake: (() => void) | null = null;

  constructor(private readonly cap: number) {}

  get size(): number {
    return this.items.length;
  }

  push(frame: Frame): void {
    if (this.items.length >= this.cap) this.items.shift();
    this.items.push(frame);
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  shift(): Frame | undefined {
    return this.items.shift();
  }

  clear(): void {
    this.items.length = 0;
  }

  toArray(): Frame[] {
    return [...this.items];
  }

  /** Resolves at the next push (the consumer then schedules its next step). */
  nonEmpty(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }
}

/** The stream channel of PROTOCOL.md §1, reduced to what the race touches. */
class StreamChannel {
  subscribers: FrameQueue[] = [];
  readonly buffer: FrameQueue;
  last_seq = 0;

  constructor(cap: number) {
    this.buffer = new FrameQueue(cap);
  }
}

/** One execution's shared state, plus what the run records about itself. */
interface FcRun {
  readonly s: fc.Scheduler;
  readonly variant: RaceVariant;
  readonly options: RaceOptions;
  readonly journal: Frame[];
  next_seq: number;
  readonly channel: StreamChannel;
  readonly streams: Map<string, StreamChannel>;
  readonly tab: TabOracle;
  readonly order: number[];
  steps_until_violation: number;
}

/**
 * Runs one execution of the race on `s` and waits until fc.scheduler is idle. Every `await
 * step(...)` is one scheduled promise: the code between two of them runs atomically.
 */
export async function runRaceOnScheduler(
  s: fc.Scheduler,
  variant: RaceVariant,
  options: RaceOptions,
  /**
   * How to wait for the program: "idle" (default), fast-check 4's `waitIdle()`, or "all",
   * the deprecated `waitAll()`, kept only to show that it returns too early: it stops when no
   * promise is pending at the instant it looks, before the next step has been scheduled.
   */
  wait: "idle" | "all" = "idle",
): Promise<FcRaceOutcome> {
  const channel = new StreamChannel(options.cap);
  const run: FcRun = {
    s,
    variant,
    options,
    journal: [],
    next_seq: 1,
    channel,
    streams: new Map([["run1", channel]]),
    tab: new TabOracle(),
    order: [],
    steps_until_violation: -1,
  };
  let handlerDone = false;
  const work = Promise.all([
    producer(run).catch(onlyStopped),
    handler(run)
      .catch(onlyStopped)
      .then(() => {
        handlerDone = true;
      }),
  ]);
  if (wait === "idle") await s.waitIdle();
  else await s.waitAll();
  let violation: readonly [string, string] | null;
  if (run.tab.duplicate !== null) violation = [raceProperties.exactlyOnce, run.tab.duplicate];
  else if (!handlerDone)
    violation = [raceProperties.terminal, "the handler waits forever on an empty queue"];
  else violation = run.tab.finalCheck(run.journal);
  // A handler left waiting forever never settles `work`; only await it when all finished.
  if (handlerDone) await work;
  return {
    violation,
    order: run.order,
    steps_until_violation:
      run.steps_until_violation < 0 ? run.order.length : run.steps_until_violation,
  };
}

function onlyStopped(e: unknown): void {
  if (e !== stopped) throw e;
}

/** One step: wait until fc.scheduler releases this promise, then run on atomically. */
async function step(run: FcRun, actor: number, label: string): Promise<void> {
  await run.s.schedule(Promise.resolve(), label);
  if (run.tab.duplicate !== null) throw stopped;
  run.order.push(actor);
}

function render(run: FcRun, frame: Frame): void {
  if (run.tab.render(frame) !== null && run.steps_until_violation < 0) {
    run.steps_until_violation = run.order.length;
  }
}

/** The run's worker: P1 reserve + write, then publish A and one publish B per subscriber. */
async function producer(run: FcRun): Promise<void> {
  const { journal, channel } = run;
  const events = run.options.events;
  for (let i = 0; i < events; i++) {
    await step(run, 0, "producer:reserve");
    const seq = run.next_seq++;
    await step(run, 0, "producer:write");
    const frame = frameFor(seq, events);
    journal.push(frame);
    await step(run, 0, "producer:publish-A");
    channel.last_seq = seq;
    let targets: FrameQueue[] = [];
    if (channel.subscribers.length === 0) channel.buffer.push(frame);
    else {
      channel.buffer.clear();
      targets = [...channel.subscribers];
    }
    for (const q of targets) {
      await step(run, 0, "producer:publish-B");
      q.push(frame);
    }
  }
  await step(run, 0, "producer:end");
  run.streams.delete("run1");
}

/** The late tab's SSE handler, cursor 0, asking for a replay. */
async function handler(run: FcRun): Promise<void> {
  const { journal } = run;
  await step(run, 1, "handler:lookup");
  const ch = run.streams.get("run1");
  if (ch === undefined) {
    // Dead stream: the journal rows after the cursor, then close.
    for (let i = 0; ; i++) {
      await step(run, 1, "handler:replay-dead");
      const row = journal[i];
      if (row === undefined) return;
      render(run, row);
      if (row.terminal) return;
    }
  }
  await step(run, 1, "handler:subscribe");
  const q = new FrameQueue(run.options.cap);
  const fixed = run.variant === "fixed";
  let cutoff = Number.POSITIVE_INFINITY;
  if (fixed) {
    for (const f of ch.buffer.toArray()) q.push(f);
    cutoff = ch.last_seq;
  }
  ch.subscribers.push(q);
  // Replay: one journal row per step, read lazily (rows written meanwhile are seen).
  for (let i = 0; ; i++) {
    await step(run, 1, "handler:replay");
    const row = journal[i];
    if (row === undefined || row.seq > cutoff) break;
    render(run, row);
    if (row.terminal) return unsubscribe(ch, q);
  }
  // Drain: pop one frame per step; `fixed` checks the terminal before deduping.
  for (;;) {
    if (q.size === 0) await q.nonEmpty();
    await step(run, 1, "handler:drain");
    const f = q.shift() as Frame;
    if (fixed && !f.terminal && f.seq <= cutoff) continue;
    render(run, f);
    if (f.terminal) return unsubscribe(ch, q);
  }
}

function unsubscribe(ch: StreamChannel, q: FrameQueue): void {
  ch.subscribers = ch.subscribers.filter((x) => x !== q);
}
