import type { Cell, TrackedMap, World } from "../../sim/index.ts";
import type { TabRecord } from "../oracle/tab-record.ts";
import type { Policies } from "../policies.ts";
import type { StreamChannel } from "./channel.ts";
import type { RunJournal } from "./journal.ts";

/** The heartbeat interval of the drain loop (PROTOCOL.md §4). */
export const HEARTBEAT_MS = 5_000;
/** The tab persists its text and cursor this often. */
export const PERSIST_EVERY_MS = 2_000;
/** Bound on the iterations of every model loop (a loop never runs unbounded). */
export const MAX_LOOP = 10_000;

/**
 * Everything one execution's actors share: the run's tracked state (journal, STREAMS,
 * the side channel, the cancel flag, the channel) and the policies of the variant. `oracle`
 * is bookkeeping for the checks; model logic never branches on it.
 */
export interface ModelContext {
  readonly world: World;
  readonly policies: Policies;
  readonly journal: RunJournal;
  /** STREAMS: run id -> channel; the worker removes its run when it finishes. */
  readonly streams: TrackedMap<string, StreamChannel>;
  /** STREAM_LAST_EVENT_ID[run]: the global side channel of producer step P2. */
  readonly side_channel: Cell<string | null>;
  /** The run's cancel_event (read by the P0 gate). */
  readonly cancelled: Cell<boolean>;
  readonly channel: StreamChannel;
  readonly oracle: OracleState;
}

export interface OracleState {
  readonly tabs: TabRecord[];
  /** Violations flagged by any tab so far (the tabs share this object). */
  readonly flags: { flagged: number };
  /** Producer actors (worker, ticker, cancel) still running. */
  live_producers: number;
  /** Virtual time at which the last producer finished, or null while the run is live. */
  ended_at_ms: number | null;
}

/**
 * A producer actor calls this as it finishes; the run has ended when the last one has.
 * Every producer reads the clock here, not only the last: which one is last depends on the
 * untracked counter, and a step's tracked accesses must not (dpor takes a step that reads
 * the clock in one order and not in the other for two different events, and lost traces:
 * 16 of 7,880 with a cancel request, a broken connection and a heartbeat within 5 s).
 */
export function producerDone(ctx: ModelContext): void {
  const now = ctx.world.now();
  ctx.oracle.live_producers--;
  if (ctx.oracle.live_producers === 0) ctx.oracle.ended_at_ms = now;
}
