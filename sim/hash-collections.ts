/**
 * Collections keyed by hashes (whole numbers from 0 to 2^53 - 1) past the size of one
 * JavaScript Set or Map, which holds at most 2^24 (16,777,216) entries in V8 and then
 * throws "RangeError: Set maximum size exceeded". A long search passes that:
 * dpor counting the traces of the one-event scope with a reloading tab within 6 s crashed
 * so, and `explore` counting the distinct schedules of a long random run would.
 */

/**
 * A set of hashes. It starts as a JavaScript Set, which costs nothing to make (a dpor
 * search of the peer benchmark's twin ends after 26 executions, and `explore` makes one
 * set a search); from `compactFrom` members on, it is open addressing over typed arrays,
 * 24 to 48 bytes an entry, outside the JavaScript heap. Iteration is in insertion
 * order, as a Set's is, so that what is built from it does not change.
 */
export class NumberSet implements Iterable<number> {
  /** The members while there are fewer than compactFrom; null after. */
  private small: Set<number> | null = new Set();
  /** Slots of the hash table: EMPTY or a member. Its length is a power of two. */
  private slots: Float64Array = UNUSED;
  /** The members in the order they were added (the first `count` items). */
  private order: Float64Array = UNUSED;
  private count = 0;

  constructor(
    values: Iterable<number> = [],
    private readonly compactFrom = 1 << 20,
  ) {
    for (const v of values) this.add(v);
  }

  get size(): number {
    return this.small === null ? this.count : this.small.size;
  }

  /** Adds `value`; true when it was not a member yet. */
  add(value: number): boolean {
    const small = this.small;
    if (small !== null) {
      // One lookup, not has() then add(): this runs once per execution of `explore`.
      const before = small.size;
      small.add(value);
      const size = small.size;
      if (size === before) return false;
      if (!isHash(value)) {
        small.delete(value);
        checkHash(value);
      }
      if (size >= this.compactFrom) this.compact(small);
      return true;
    }
    // Checked first: -1 would find the first free slot equal to it.
    checkHash(value);
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = slotOf(value, mask);
    for (;;) {
      const held = slots[i] as number;
      if (held === value) return false;
      if (held === EMPTY) break;
      i = (i + 1) & mask;
    }
    slots[i] = value;
    if (this.count === this.order.length) this.order = grown(this.order);
    this.order[this.count] = value;
    this.count++;
    // At most half full: probe runs stay short.
    if (this.count * 2 > slots.length) this.rehash(slots.length * 2);
    return true;
  }

  has(value: number): boolean {
    if (this.small !== null) return this.small.has(value);
    if (value === EMPTY) return false;
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = slotOf(value, mask); ; i = (i + 1) & mask) {
      const held = slots[i] as number;
      if (held === value) return true;
      if (held === EMPTY) return false;
    }
  }

  *[Symbol.iterator](): Iterator<number> {
    if (this.small !== null) {
      yield* this.small;
      return;
    }
    for (let i = 0; i < this.count; i++) yield this.order[i] as number;
  }

  /** The members as an array, in insertion order. */
  toArray(): number[] {
    if (this.small !== null) return [...this.small];
    return Array.from(this.order.subarray(0, this.count));
  }

  private compact(small: Set<number>): void {
    this.order = new Float64Array(small.size * 2);
    for (const v of small) this.order[this.count++] = v;
    this.small = null;
    let size = 16;
    while (size < 4 * this.count) size *= 2;
    this.rehash(size);
  }

  private rehash(size: number): void {
    const slots = new Float64Array(size).fill(EMPTY);
    const mask = size - 1;
    for (let n = 0; n < this.count; n++) {
      const value = this.order[n] as number;
      let i = slotOf(value, mask);
      while (slots[i] !== EMPTY) i = (i + 1) & mask;
      slots[i] = value;
    }
    this.slots = slots;
  }
}

/** Marks a free slot: no member is negative. */
const EMPTY = -1;
/**
 * The typed arrays of a set that is still a Set: shared and never written (a typed array
 * made for each set cost 0.8% of the twin's dpor execution, where explore makes a set per
 * search of 26 executions).
 */
const UNUSED = new Float64Array(0);

function isHash(value: number): boolean {
  return value >= 0 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value);
}

function checkHash(value: number): void {
  if (!isHash(value)) {
    throw new RangeError(`NumberSet holds whole numbers from 0 to 2^53 - 1, got ${value}`);
  }
}

/**
 * The slot where a probe for `value` starts. The members are hashes already, but some
 * callers' low bits are weaker than others (hash53 mixes its two halves differently), so
 * both 32-bit halves are mixed again.
 */
function slotOf(value: number, mask: number): number {
  const low = value >>> 0;
  const high = (value / 0x1_0000_0000) >>> 0;
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & mask;
}

function grown(array: Float64Array): Float64Array {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

/**
 * A map from hashes to values: 64 Maps, picked by the hash's low bits, so about 2^30
 * entries (each Map still stops at 2^24).
 */
export class NumberMap<V> {
  private readonly parts: Map<number, V>[] = Array.from({ length: 64 }, () => new Map());

  get(key: number): V | undefined {
    return this.partOf(key).get(key);
  }

  set(key: number, value: V): this {
    this.partOf(key).set(key, value);
    return this;
  }

  get size(): number {
    let n = 0;
    for (const part of this.parts) n += part.size;
    return n;
  }

  private partOf(key: number): Map<number, V> {
    return this.parts[(key >>> 0) & 63] as Map<number, V>;
  }
}
