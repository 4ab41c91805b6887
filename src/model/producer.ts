import type { Actor, Cell, Yielded } from "../../sim/index.ts";
import { type ModelContext, producerDone } from "./context.ts";
import { describeEvent, type Frame, RUN_ID, type RunEvent } from "./frame.ts";

/** Options shared by the run's producers. */
export interface ProducerOptions {
  /**
   * How many more appends may fail, shared by all producers (a data choice while > 0);
   * null when none may. Model: not state of the real system but the scope's bound on
   * injected failures. It is tracked because the producers share it: one's failure takes
   * the other's choice away, so their appends are dependent. As a plain variable, dpor
   * took a failed append (which touches nothing else) for independent of the other
   * producer's, and lost traces on `producers=2, append_failures=1` (194 of 22,154 with
   * one tab within 4 s, by `check:dpor-orders`).
   */
  readonly failures: Cell<number> | null;
}

/**
 * Emits one event as the real producer does (api/streams.py emit path), one step each:
 * P0 cancel gate -> P1 journal append (reserve, write) -> P2 side channel -> P3 channel notes
 * the id -> P4 publish (step A, then one enqueue per copied subscriber). The caller's current
 * step is P0. Returns false when the P0 gate dropped it.
 */
export function* emit(
  ctx: ModelContext,
  event: RunEvent,
  options: ProducerOptions,
): Generator<Yielded, boolean, unknown> {
  const { world, journal, channel, policies } = ctx;
  // P0 drops non-terminal events once cancelled (PROTOCOL.md §1). The real worker also
  // never emits its own terminal after a cancel: it leaves its loop on the cancel event, and
  // the cancel request's frame is the run's terminal ("cancellation ends with cancel").
  // Model: that exit path is folded into this gate, which therefore drops the worker's
  // terminal too; the effect on the journal and the channel is the same.
  if (ctx.cancelled.get()) {
    world.note(() => `dropped ${describeEvent(event)}: run cancelled`);
    return false;
  }
  yield "P1 journal reserve";
  // append_run_event can raise (disk full, journal disabled); it raises before a seq is
  // taken, so the journal stays contiguous and the frame goes out without an id.
  const budget = options.failures;
  const fails = budget !== null && budget.get() > 0 && world.choose(2, "append fails") === 1;
  let frame: Frame;
  if (fails) {
    budget.set(budget.get() - 1);
    world.note(() => `journal append of ${describeEvent(event)} failed: no id`);
    world.reach("producer: journal append failed");
    frame = makeFrame(event, null, null, -1);
  } else {
    const seq = journal.reserve();
    yield "P1 journal write";
    const row = journal.write(seq, event);
    world.note(() => `journaled ${row.id} ${describeEvent(event)}`);
    world.note(() => `journal frame=${row.id} event=${row.event} seq=${row.seq}`);
    // Without per-frame ids the producers publish legacy 2-tuples (#3401).
    const own = policies.frame_ids === "none" ? null : row.id;
    frame = makeFrame(event, own, row.seq, row.seq - 1);
    yield "P2 side channel";
    ctx.side_channel.set(row.id);
    if (policies.frame_ids !== "none") {
      yield "P3 channel notes id";
      channel.noteEventId(row.id);
    }
  }
  // The queue tuple carries the id only with per-frame ids; borrowed ids publish 2-tuples.
  if (policies.frame_ids !== "per-frame") frame = makeFrame(frame, null, frame.ref, frame.horizon);
  yield* publish(ctx, frame);
  return true;
}

/** StreamChannel.publish: step A under the lock, then step B one queue per step. */
export function* publish(ctx: ModelContext, frame: Frame): Generator<Yielded, void, unknown> {
  yield "P4 publish A";
  // A frame made outside the journal learns its oracle horizon here, when it enters the channel.
  const f = frame.horizon < 0 ? makeFrame(frame, frame.id, frame.ref, writtenPrefix(ctx)) : frame;
  const targets = ctx.channel.publishA(f);
  ctx.world.note(() =>
    targets.length === 0
      ? `buffered ${describeEvent(f)} (no subscriber)`
      : `publishing ${describeEvent(f)} to ${targets.length} queue(s)`,
  );
  for (const queue of targets) {
    yield "P4 publish B";
    ctx.channel.enqueue(queue, f);
  }
}

/**
 * The run's worker thread: its share of the events, then (after joining its helper threads,
 * as the real worker stops its ticker first) the terminal, then the `finally` that removes
 * the run from STREAMS; the stream is dead from then on.
 */
export function* worker(
  ctx: ModelContext,
  events: readonly RunEvent[],
  terminal: RunEvent,
  options: ProducerOptions & { readonly helpers_done: () => boolean },
): Actor {
  let cancelled = false;
  for (let i = 0; i < events.length && !cancelled; i++) {
    if (i > 0) yield "P0 cancel gate";
    cancelled = !(yield* emit(ctx, events[i] as RunEvent, options));
  }
  if (!cancelled) {
    yield ctx.world.until(options.helpers_done, { label: "P0 cancel gate", on: "the ticker" });
    yield* emit(ctx, terminal, options);
  }
  yield "worker end: STREAMS.pop";
  ctx.streams.delete(RUN_ID);
  producerDone(ctx);
}

/** A helper thread of the run (the metering ticker): emits its share of the events. */
export function* ticker(
  ctx: ModelContext,
  events: readonly RunEvent[],
  options: ProducerOptions & { readonly onDone: () => void },
): Actor {
  for (let i = 0; i < events.length; i++) {
    if (i > 0) yield "P0 cancel gate";
    if (!(yield* emit(ctx, events[i] as RunEvent, options))) break;
  }
  options.onDone();
  producerDone(ctx);
}

/**
 * A cancel request (cancel_stream): finds the active stream, sets cancel_event, then writes
 * the `cancel` frame straight into the channel: it is never journaled and has no id.
 */
export function* cancelRequest(ctx: ModelContext): Actor {
  const { world, streams } = ctx;
  if (!streams.has(RUN_ID)) {
    world.note("cancel: the stream is no longer active");
    producerDone(ctx);
    return;
  }
  yield "cancel: set flag";
  ctx.cancelled.set(true);
  yield* publish(ctx, { event: "cancel", data: "", id: null, ref: null, horizon: -1 });
  producerDone(ctx);
}

/**
 * Oracle only: the largest n such that seqs 1..n are all written. A recorded read of the
 * journal, though the model never acts on it: the no-silent-loss check judges a tab by it,
 * so the frame's publish must be ordered against the journal writes, or two equivalent
 * interleavings could be judged differently (and dpor sees only one of them). Unrecorded,
 * one trace ended in other final states in other search orders.
 */
function writtenPrefix(ctx: ModelContext): number {
  const seqs = new Set(ctx.journal.rows.slice().map((r) => r.seq));
  let n = 0;
  while (seqs.has(n + 1)) n++;
  return n;
}

/**
 * A frame carrying `event`. Built field by field: an object spread here cost a tenth of a
 * dpor step (a run event has only these two fields).
 */
function makeFrame(event: RunEvent, id: string | null, ref: number | null, horizon: number): Frame {
  return { event: event.event, data: event.data, id, ref, horizon };
}
