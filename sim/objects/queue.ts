import { ModelError } from "../errors.ts";
import type { Hash53 } from "../hash53.ts";
import type { Json } from "../types.ts";
import { hashItems, subAccess, Tracked, toJson } from "./tracked.ts";

/** Parts of a queue for access recording (see Queue). */
const HEAD = 0;
const TAIL = 1;
const DROPPED = 2;
const SLOTS = 3;

/**
 * What a bounded queue does when a push finds it full:
 * - "drop-oldest": evict the head to make room (Python's deque(maxlen=…), the stream
 *   channel's buffer and subscriber queues);
 * - "reject": refuse the push (`push` returns false);
 * - "assert": a full queue is a model bug and fails the execution.
 */
export type OverflowPolicy = "drop-oldest" | "reject" | "assert";
const OVERFLOW_POLICIES: readonly OverflowPolicy[] = ["drop-oldest", "reject", "assert"];

export interface QueueOptions {
  /** Maximum number of items; default unbounded. */
  readonly capacity?: number;
  readonly overflow?: OverflowPolicy;
}

/**
 * A FIFO queue. Its accesses are recorded per part, so that partial-order reduction sees
 * which operations commute: a push writes the tail and the slot it fills; a pop writes the
 * head and the slot it empties; `isEmpty` and `peek` read the head and its slot. So a push
 * and a pop of different items do not conflict (a producer and a consumer run on without
 * ordering each other), while a pop of the item a push put in, or an emptiness test that a
 * push or pop changes the answer of, does. A bounded push also reads the slot whose item
 * would make the queue full, and drop-oldest then pops it. `size` and `toArray` read
 * head and tail (and the slots) as a whole.
 */
export class Queue<T> extends Tracked {
  readonly kind = "queue";
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  private items: T[] = [];
  private head = 0;
  /** Items evicted by drop-oldest since the queue was made. */
  private dropped = 0;
  /** Items ever removed (popped, evicted or cleared): the absolute index of the head. */
  private removed = 0;

  constructor(
    recorder: ConstructorParameters<typeof Tracked>[0],
    id: number,
    name: string,
    options: QueueOptions,
  ) {
    super(recorder, id, name);
    this.capacity = options.capacity ?? Number.POSITIVE_INFINITY;
    this.overflow = options.overflow ?? "drop-oldest";
    // The model's mistakes, not the engine's (EngineAssertionError said an engine bug).
    if (!(typeof this.capacity === "number" && this.capacity >= 1))
      throw new ModelError(
        `queue ${name}: capacity must be at least 1, got ${String(this.capacity)}`,
      );
    if (!OVERFLOW_POLICIES.includes(this.overflow)) {
      // A typo ran as drop-oldest without a word.
      throw new ModelError(
        `queue ${name}: overflow must be ${OVERFLOW_POLICIES.map((p) => `"${p}"`).join(", ")}, got ${JSON.stringify(this.overflow)}`,
      );
    }
  }

  get size(): number {
    this.part(HEAD, false);
    this.part(TAIL, false);
    return this.items.length - this.head;
  }

  /** True when the queue holds no item (a read of the head and of its slot only). */
  isEmpty(): boolean {
    this.part(HEAD, false);
    this.part(SLOTS + this.removed, false);
    return this.head >= this.items.length;
  }

  /** Appends an item. Returns false only when the "reject" policy refused it. */
  push(item: T): boolean {
    const tail = this.removed + this.items.length - this.head;
    if (this.capacity < Number.POSITIVE_INFINITY && tail >= this.capacity) {
      // Full exactly when the item `capacity` places back is still in the queue.
      this.part(SLOTS + tail - this.capacity, false);
    }
    if (this.items.length - this.head >= this.capacity) {
      if (this.overflow === "reject") return false;
      if (this.overflow === "assert") {
        throw new ModelError(`queue ${this.name} is full (capacity ${this.capacity})`);
      }
      this.part(HEAD, true);
      this.part(SLOTS + this.removed, true);
      this.part(DROPPED, true);
      this.head++;
      this.removed++;
      this.dropped++;
    }
    this.part(TAIL, true);
    this.part(SLOTS + tail, true);
    this.items.push(item);
    return true;
  }

  /** Removes and returns the head, or undefined when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) {
      this.part(HEAD, false);
      this.part(SLOTS + this.removed, false);
      return undefined;
    }
    this.part(HEAD, true);
    this.part(SLOTS + this.removed, true);
    const item = this.items[this.head] as T;
    this.head++;
    this.removed++;
    // Compact now and then so that a long-lived queue does not keep every popped item.
    if (this.head > 32 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  peek(): T | undefined {
    this.part(HEAD, false);
    this.part(SLOTS + this.removed, false);
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /** Removes every item. */
  clear(): void {
    this.part(HEAD, true);
    // Written, though the tail index stays: clear depends on every push before it.
    this.part(TAIL, true);
    const n = this.items.length - this.head;
    // The slot after the last item too: an emptiness test there now sees the same answer,
    // but one at the old head did not.
    for (let k = 0; k <= n; k++) this.part(SLOTS + this.removed + k, true);
    this.removed += n;
    this.items = [];
    this.head = 0;
  }

  toArray(): T[] {
    this.part(HEAD, false);
    this.part(TAIL, false);
    const n = this.items.length - this.head;
    for (let k = 0; k < n; k++) this.part(SLOTS + this.removed + k, false);
    return this.items.slice(this.head);
  }

  /** Items evicted by drop-oldest so far (a read). */
  get droppedCount(): number {
    this.part(DROPPED, false);
    return this.dropped;
  }

  private part(part: number, write: boolean): void {
    this.recorder.access(subAccess(this.id, part, write));
  }

  /** The number of items, unrecorded and without a copy: for per-step checks. */
  inspectSize(): number {
    if (this.recorder.observing) this.observeParts(false);
    return this.items.length - this.head;
  }

  /** Unrecorded view for checks and reports. */
  inspect(): { readonly items: readonly T[]; readonly dropped: number } {
    if (this.recorder.observing) this.observeParts(true);
    return { items: this.items.slice(this.head), dropped: this.dropped };
  }

  snapshot(): Json {
    if (this.recorder.observing) this.observeParts(true);
    return toJson(this.items.slice(this.head));
  }

  override hashState(h: Hash53): void {
    hashItems(h, this.items, this.head, 0);
  }

  /**
   * The reads of `size` (and, with `items`, of `toArray` and `droppedCount`), for the
   * invariants (AccessRecorder.observing).
   */
  private observeParts(items: boolean): void {
    const r = this.recorder;
    r.observe(subAccess(this.id, HEAD, false));
    r.observe(subAccess(this.id, TAIL, false));
    if (!items) return;
    r.observe(subAccess(this.id, DROPPED, false));
    const n = this.items.length - this.head;
    for (let k = 0; k < n; k++) r.observe(subAccess(this.id, SLOTS + this.removed + k, false));
  }
}
