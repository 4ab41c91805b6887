import { EngineAssertionError } from "../errors.ts";
import type { Json } from "../types.ts";
import { Tracked, toJson } from "./tracked.ts";

/**
 * What a bounded queue does when a push finds it full:
 * - "drop-oldest": evict the head to make room (Python's deque(maxlen=…), the stream
 *   channel's buffer and subscriber queues);
 * - "reject": refuse the push (`push` returns false);
 * - "assert": a full queue is a model bug and fails the execution.
 */
export type OverflowPolicy = "drop-oldest" | "reject" | "assert";

export interface QueueOptions {
  /** Maximum number of items; default unbounded. */
  readonly capacity?: number;
  readonly overflow?: OverflowPolicy;
}

/** A FIFO queue. Pushes and pops are writes; size, peek and toArray are reads. */
export class Queue<T> extends Tracked {
  readonly kind = "queue";
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  private items: T[] = [];
  private head = 0;
  /** Items evicted by drop-oldest since the queue was made. */
  private dropped = 0;

  constructor(
    recorder: ConstructorParameters<typeof Tracked>[0],
    id: number,
    name: string,
    options: QueueOptions,
  ) {
    super(recorder, id, name);
    this.capacity = options.capacity ?? Number.POSITIVE_INFINITY;
    this.overflow = options.overflow ?? "drop-oldest";
    if (!(this.capacity >= 1))
      throw new EngineAssertionError(`queue ${name}: capacity must be at least 1`);
  }

  get size(): number {
    this.recorder.access(this.readCode);
    return this.items.length - this.head;
  }

  /** Appends an item. Returns false only when the "reject" policy refused it. */
  push(item: T): boolean {
    this.recorder.access(this.writeCode);
    if (this.items.length - this.head >= this.capacity) {
      if (this.overflow === "reject") return false;
      if (this.overflow === "assert") {
        throw new EngineAssertionError(`queue ${this.name} is full (capacity ${this.capacity})`);
      }
      this.head++;
      this.dropped++;
    }
    this.items.push(item);
    return true;
  }

  /** Removes and returns the head, or undefined when empty. */
  shift(): T | undefined {
    this.recorder.access(this.writeCode);
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as T;
    this.head++;
    // Compact now and then so that a long-lived queue does not keep every popped item.
    if (this.head > 32 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  peek(): T | undefined {
    this.recorder.access(this.readCode);
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Removes every item. */
  clear(): void {
    this.recorder.access(this.writeCode);
    this.items = [];
    this.head = 0;
  }

  toArray(): T[] {
    this.recorder.access(this.readCode);
    return this.items.slice(this.head);
  }

  /** Items evicted by drop-oldest so far (a read). */
  get droppedCount(): number {
    this.recorder.access(this.readCode);
    return this.dropped;
  }

  /** The number of items, unrecorded and without a copy: for per-step checks. */
  inspectSize(): number {
    return this.items.length - this.head;
  }

  /** Unrecorded view for checks and reports. */
  inspect(): { readonly items: readonly T[]; readonly dropped: number } {
    return { items: this.items.slice(this.head), dropped: this.dropped };
  }

  snapshot(): Json {
    return toJson(this.items.slice(this.head));
  }
}
