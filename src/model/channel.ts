import type { Cell, Queue, World } from "../../sim/index.ts";
import type { Frame } from "./frame.ts";

/** What `subscribe_with_snapshot` returns besides the queue. */
export interface ChannelSnapshot {
  readonly last_event_id: string | null;
  readonly offline_first_event_id: string | null;
  readonly offline_dropped: number;
}

export interface ChannelOptions {
  /** Offline buffer cap (8192 in production; drop oldest when full). */
  readonly buffer_cap: number;
  /** Per-subscriber queue cap (8192 in production; drop oldest when full). */
  readonly queue_cap: number;
}

/**
 * The stream channel (StreamChannel in api/streams.py), one per active run. Each public
 * method is one atomic step of the real code (a section under the channel lock), except
 * `enqueue`, which is one iteration of publish step B and runs outside the lock.
 */
export class StreamChannel {
  readonly subscribers: Cell<readonly Queue<Frame>[]>;
  readonly buffer: Queue<Frame>;
  readonly offline_dropped: Cell<number>;
  readonly last_event_id: Cell<string | null>;
  /** Every subscriber queue ever made, for the bounded-memory check. */
  readonly queues: Queue<Frame>[] = [];

  constructor(
    private readonly world: World,
    readonly options: ChannelOptions,
  ) {
    this.subscribers = world.cell<readonly Queue<Frame>[]>("channel.subscribers", []);
    this.buffer = world.queue<Frame>("channel.offline_buffer", { capacity: options.buffer_cap });
    this.offline_dropped = world.cell("channel.offline_dropped", 0);
    this.last_event_id = world.cell<string | null>("channel.last_event_id", null);
  }

  /**
   * P3 (StreamChannel.note_event_id): the channel notes the newest id it has seen. There is
   * no monotonic guard, so two producers can move it backwards.
   */
  noteEventId(id: string): void {
    this.last_event_id.set(id);
  }

  /**
   * subscribe_with_snapshot(): one atomic step. Makes the subscriber queue Q, copies every
   * buffered frame into it in order when `preload`, takes the snapshot and registers Q. The
   * buffer is not cleared by subscribing.
   */
  subscribe(name: string, preload: boolean): { queue: Queue<Frame>; snapshot: ChannelSnapshot } {
    const queue = this.world.queue<Frame>(name, { capacity: this.options.queue_cap });
    this.queues.push(queue);
    const buffered = this.buffer.toArray();
    if (preload) for (const f of buffered) queue.push(f);
    const snapshot: ChannelSnapshot = {
      last_event_id: this.last_event_id.get(),
      offline_first_event_id: buffered[0]?.id ?? null,
      offline_dropped: this.offline_dropped.get(),
    };
    this.subscribers.update((subs) => [...subs, queue]);
    return { queue, snapshot };
  }

  /** unsubscribe(Q): atomic removal. */
  unsubscribe(queue: Queue<Frame>): void {
    this.subscribers.update((subs) => subs.filter((q) => q !== queue));
  }

  /**
   * publish(frame), step A (atomic): note the frame's id as last_event_id; with no subscriber,
   * append to the offline buffer (evicting the oldest when full) and stop; otherwise clear
   * the buffer and return a copy of the subscriber list for step B.
   */
  publishA(frame: Frame): readonly Queue<Frame>[] {
    if (frame.id !== null) this.noteEventId(frame.id);
    const subs = this.subscribers.get();
    if (subs.length === 0) {
      if (this.buffer.size >= this.options.buffer_cap) {
        this.offline_dropped.update((n) => n + 1);
        this.world.reach("channel: offline buffer evicted a frame");
      }
      this.buffer.push(frame);
      return [];
    }
    this.buffer.clear();
    this.offline_dropped.set(0);
    return subs;
  }

  /** publish(frame), step B: one queue of the copied list (put_nowait, drop oldest when full). */
  enqueue(queue: Queue<Frame>, frame: Frame): void {
    queue.push(frame);
  }
}
