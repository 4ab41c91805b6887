import type { Actor, Queue, Yielded } from "../../sim/index.ts";
import type { TabRecord } from "../oracle/tab-record.ts";
import type { ChannelSnapshot, StreamChannel } from "./channel.ts";
import type { Connection } from "./connection.ts";
import { writeWire } from "./connection.ts";
import { HEARTBEAT_MS, MAX_LOOP, type ModelContext } from "./context.ts";
import { type ResumeRequest, resolveCursor } from "./cursor.ts";
import {
  describeEvent,
  eventId,
  type Frame,
  frameFromRow,
  isTerminal,
  type Row,
  RUN_ID,
  seqOfId,
} from "./frame.ts";

/** Why a handler stopped delivering. */
type Stop = "terminal" | "broken" | "recovered" | "gone";

/**
 * The SSE handler (api/routes.py _handle_sse_stream), one per connection, its own thread.
 * Each `yield` is a point where the real thread can be preempted; the steps are named after
 * PROTOCOL.md §1, SSE handler 1–5. Every policy decision reads `ctx.policies`.
 */
export function sseHandler(
  ctx: ModelContext,
  tab: TabRecord,
  conn: Connection,
  request: ResumeRequest,
): Actor {
  // The handler's own generator, not one that delegates to it: every resumption through a
  // `yield*` costs a generator resume more, on every step of every handler.
  return new SseHandler(ctx, tab, conn).run(request);
}

class SseHandler {
  /** Highest journal seq written to this connection (the gap check's watermark). */
  private delivered = 0;
  /** The snapshot cutoff (seq of last_event_id), or the last replayed seq when reading first. */
  private cutoff: number | null = null;
  private queue: Queue<Frame> | null = null;
  private stop: Stop | null = null;
  /** Content dedupe: the contents the replay sent, each matching one live frame at most. */
  private readonly replayed = new Map<string, number>();

  constructor(
    private readonly ctx: ModelContext,
    private readonly tab: TabRecord,
    private readonly conn: Connection,
  ) {}

  *run(request: ResumeRequest): Generator<Yielded, void, unknown> {
    const { ctx } = this;
    const p = ctx.policies;
    // 1. Resolve the cursor (this is the actor's first step).
    const cursor = resolveCursor(request);
    this.delivered = cursor ?? 0;
    // 2. Look up STREAMS[run]: its own step, not atomic with what follows.
    yield "STREAMS lookup";
    const channel = ctx.streams.get(RUN_ID);
    if (channel === undefined) {
      ctx.world.reach("handler: dead stream path");
      yield* this.deadStream(cursor ?? 0);
      return;
    }
    // 4. Active stream.
    const resuming = cursor !== null && p.replay !== "none";
    const preload = !resuming || p.preload;
    if (p.order === "subscribe-first") {
      yield "subscribe";
      const snapshot = this.subscribe(channel, preload);
      // A subscriber that does not resume has nothing to dedupe against.
      this.cutoff = resuming ? seqOfId(snapshot.last_event_id) : null;
      if (resuming) {
        const max = p.replay === "to-cutoff" && this.cutoff !== null ? this.cutoff : Infinity;
        yield* this.replay(cursor, max);
      }
    } else {
      // Reversed order: the journal read is the snapshot, and its last seq the cutoff.
      if (resuming) yield* this.replay(cursor, Infinity);
      this.cutoff = resuming ? this.delivered : null;
      if (this.stop === null) {
        yield "subscribe";
        this.subscribe(channel, preload);
      }
    }
    // The gap check: the journal must cover (cursor, cutoff] before the live tail.
    if (this.stop === null && resuming && p.gap_check && this.cutoff !== null) {
      yield* this.fillTo(this.cutoff);
    }
    if (this.stop === null) yield* this.drain();
    // Unsubscribe on exit, and the response ends.
    yield "unsubscribe";
    if (this.queue !== null) channel.unsubscribe(this.queue);
    this.conn.closed.set(true);
  }

  private subscribe(channel: StreamChannel, preload: boolean): ChannelSnapshot {
    const { queue, snapshot } = channel.subscribe(`${this.conn.name}.Q`, preload);
    this.queue = queue;
    this.ctx.world.note(
      () =>
        `subscribed (preload ${preload ? "on" : "off"}, ${queue.inspect().items.length} queued); snapshot last_event_id=${snapshot.last_event_id}, offline_dropped=${snapshot.offline_dropped}`,
    );
    return snapshot;
  }

  /** 3. Dead stream: the journal rows after the cursor, then close. */
  private *deadStream(cursor: number): Generator<Yielded, void, unknown> {
    let position = 0;
    for (let i = 0; i < MAX_LOOP && this.stop === null; i++) {
      yield "dead stream: read row";
      const next = this.ctx.journal.nextRow(position, cursor, Infinity);
      if (next === null) break;
      position = next.next;
      yield* this.deliverRow(next.row);
    }
    yield "dead stream: close";
    this.conn.closed.set(true);
  }

  /** The journal rows after what this connection delivered, one per step (liveness check). */
  private *sendRest(): Generator<Yielded, void, unknown> {
    let position = 0;
    for (let i = 0; i < MAX_LOOP && this.stop === null; i++) {
      yield "liveness: read row";
      const next = this.ctx.journal.nextRow(position, this.delivered, Infinity);
      if (next === null) return;
      position = next.next;
      yield* this.deliverRow(next.row);
    }
  }

  /** 4. Replay journal rows in (after, max], one row per step, in file order. */
  private *replay(after: number, max: number): Generator<Yielded, void, unknown> {
    let position = 0;
    for (let i = 0; i < MAX_LOOP && this.stop === null; i++) {
      yield "replay: read row";
      const next = this.ctx.journal.nextRow(position, after, max);
      if (next === null) return;
      position = next.next;
      if (this.ctx.policies.dedupe === "content") {
        const key = contentKey(next.row);
        this.replayed.set(key, (this.replayed.get(key) ?? 0) + 1);
      }
      yield* this.deliverRow(next.row);
    }
  }

  /** 5. Drain loop: pop (or heartbeat after 5 s of silence), decide the id, dedupe, write. */
  private *drain(): Generator<Yielded, void, unknown> {
    const { world } = this.ctx;
    const queue = this.queue as Queue<Frame>;
    const conn = this.conn;
    for (let i = 0; i < MAX_LOOP && this.stop === null; i++) {
      const woke = yield world.until(() => !queue.isEmpty() || conn.broken.get(), {
        label: "drain: pop",
        timeout_ms: HEARTBEAT_MS,
        on: `${queue.name}`,
      });
      if (woke === "timeout") {
        this.heartbeat();
        if (this.ctx.policies.liveness_check && this.stop === null && queue.isEmpty()) {
          if (!this.ctx.streams.has(RUN_ID)) {
            this.ctx.world.note("liveness check: the run is gone; sending the journal's rest");
            this.ctx.world.reach("handler: liveness check ended the stream");
            yield* this.sendRest();
            if (this.stop === null) this.stop = "gone";
          }
        }
        continue;
      }
      if (conn.broken.get()) {
        this.stop = "broken";
        return;
      }
      const frame = queue.shift() as Frame;
      yield "drain: decide and write";
      yield* this.deliverLive(frame);
    }
  }

  private heartbeat(): void {
    if (!writeWire(this.conn, { kind: "heartbeat" })) {
      this.stop = "broken";
      return;
    }
    const ended = this.ctx.oracle.ended_at_ms;
    if (ended !== null) this.tab.heartbeatAfterRunEnd(this.ctx.world.now() - ended);
  }

  /** A live frame: decide its id, check for the terminal, dedupe, fill a hole, write. */
  private *deliverLive(frame: Frame): Generator<Yielded, void, unknown> {
    const p = this.ctx.policies;
    const id =
      p.frame_ids === "per-frame"
        ? frame.id
        : p.frame_ids === "borrowed"
          ? this.ctx.side_channel.get()
          : null;
    // With the terminal checked first, the dedupe can never skip the run's last frame.
    const terminalFirst = isTerminal(frame.event) && p.terminal_check === "before-dedupe";
    if (!terminalFirst && this.isDuplicate(frame, id)) {
      this.ctx.world.note(
        () => `skipped ${describeEvent(frame)} as already delivered (${p.dedupe} dedupe, id ${id})`,
      );
      this.ctx.world.note(() => skipNote(frame, this.tab.name));
      return;
    }
    const seq = seqOfId(id);
    if (p.gap_check && seq !== null) {
      if (seq <= this.delivered) {
        this.ctx.world.note(() => `skipped ${describeEvent(frame)}: ${id} already delivered`);
        this.ctx.world.note(() => skipNote(frame, this.tab.name));
        // The tab already has this terminal (its cursor says so): the stream is over.
        if (terminalFirst) this.stop = "terminal";
        return;
      }
      // fillTo does nothing when no seq is missing: not called then, as making and running
      // a generator for nothing cost every frame (see fillTo).
      if (seq - 1 > this.delivered) yield* this.fillTo(seq - 1);
      if (this.stop !== null) return;
    } else if (p.gap_check && terminalFirst) {
      // A terminal without an id (its append failed, or it never was journaled): whatever the
      // journal holds must reach the tab before it, evicted or not.
      yield* this.fillTo(this.ctx.journal.reservedSeq());
      if (this.stop !== null) return;
    }
    this.write(frame, id);
  }

  private isDuplicate(frame: Frame, id: string | null): boolean {
    const p = this.ctx.policies;
    if (p.dedupe === "cutoff") {
      const seq = seqOfId(id);
      return seq !== null && this.cutoff !== null && seq <= this.cutoff;
    }
    if (p.dedupe === "content") {
      // The tried fix: a live frame identical to a replayed one is taken for its copy.
      const key = contentKey(frame);
      const count = this.replayed.get(key) ?? 0;
      if (count > 0) {
        this.replayed.set(key, count - 1);
        return true;
      }
    }
    return false;
  }

  /** A journal row (replay, dead stream or gap fill), in seq order when the gap check is on. */
  private *deliverRow(row: Row): Generator<Yielded, void, unknown> {
    if (this.ctx.policies.gap_check) {
      if (row.seq <= this.delivered) return;
      if (row.seq - 1 > this.delivered) yield* this.fillTo(row.seq - 1);
      if (this.stop !== null) return;
    }
    this.write(frameFromRow(row), row.id);
  }

  /**
   * Sends every seq in (delivered, target] from the journal, one per step. A reserved row is
   * being written by a live producer, so the handler waits for it; a seq that was never
   * reserved cannot be covered by the journal, and the tab gets the recovery signal instead
   * of a silent hole. Nothing happens when target <= delivered, and the callers on the
   * paths every frame takes check that first: a generator made and run to do nothing was
   * 0.9% of the machine instructions of a dpor execution on boundedScope("fixed").
   */
  private *fillTo(target: number): Generator<Yielded, void, unknown> {
    const { world, journal } = this.ctx;
    for (let seq = this.delivered + 1; seq <= target && this.stop === null; seq++) {
      if (seq > journal.reservedSeq()) {
        world.note(`journal cannot cover seq ${seq}: recovery signal`);
        world.reach("handler: recovery signal");
        this.stop = writeWire(this.conn, { kind: "recover" }) ? "recovered" : "broken";
        return;
      }
      yield world.until(() => journal.find(seq) !== undefined, {
        label: "gap check: fill from journal",
        on: `journal row ${seq}`,
      });
      world.reach("handler: gap filled from the journal");
      this.write(frameFromRow(journal.find(seq) as Row), eventId(seq));
    }
  }

  /** Writes one event frame with its `id:` line (when it has one). */
  private write(frame: Frame, id: string | null): void {
    if (!writeWire(this.conn, { kind: "event", frame, id })) {
      this.stop = "broken";
      return;
    }
    this.ctx.world.note(() => `sent ${describeEvent(frame)}${id === null ? "" : ` id ${id}`}`);
    // The HTML report's note grammar (scripts/report/notes.ts): which frame went to which tab.
    this.ctx.world.note(() => sendNote(frame, id, this.tab.name));
    const seq = seqOfId(id);
    if (seq !== null && seq > this.delivered) this.delivered = seq;
    if (isTerminal(frame.event)) this.stop = "terminal";
  }
}

function contentKey(e: { readonly event: string; readonly data: string }): string {
  return `${e.event}\u0000${e.data}`;
}

/** The journal id of the event a frame carries, or "-" when it was never journaled. */
export function refId(frame: Frame): string {
  return frame.ref === null ? "-" : eventId(frame.ref);
}

function sendNote(frame: Frame, id: string | null, tab: string): string {
  return `send frame=${refId(frame)} event=${frame.event} to=${tab} id=${id ?? "-"}`;
}

function skipNote(frame: Frame, tab: string): string {
  return `skip frame=${refId(frame)} event=${frame.event} to=${tab} reason="already delivered"`;
}
