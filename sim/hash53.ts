/**
 * The 53-bit hash that the search counts traces and final states with: two 32-bit lanes,
 * fed numbers. 53 bits, so that a hash is an exact JavaScript number (NumberSet stores
 * them as doubles).
 * Each lane multiplies and then folds its high bits down: a product modulo 2^32 only
 * carries a difference upwards, so without the fold a difference in a high bit of an
 * input stayed in the high bits (two sign flips cancelled: [1.5, 2.5] hashed as
 * [-1.5, -2.5], found in review), and never reached the 21 low bits that h2 gives.
 */
export class Hash53 {
  private h1 = 0x811c9dc5;
  private h2 = 0x01000193;
  private i = 0;

  /** Starts again, as a new Hash53 (a hasher reused on a hot path). */
  reset(): void {
    this.h1 = 0x811c9dc5;
    this.h2 = 0x01000193;
    this.i = 0;
  }

  /** Feeds a 32-bit integer (other numbers are cut to 32 bits: see `double`). */
  add(v: number): void {
    const a = Math.imul(this.h1 ^ v, 0x01000193);
    this.h1 = a ^ (a >>> 15);
    const b = Math.imul(this.h2 ^ (v + this.i++), 0x5bd1e995);
    this.h2 = b ^ (b >>> 13);
  }

  /** Feeds any number exactly: an int32 as itself (-0 as 0), else its 64 bits. */
  double(v: number): void {
    if ((v | 0) === v) {
      this.add(0);
      this.add(v);
      return;
    }
    FLOAT[0] = v;
    this.add(1);
    this.add(WORDS[0] as number);
    this.add(WORDS[1] as number);
  }

  text(s: string): void {
    this.add(s.length);
    for (let j = 0; j < s.length; j++) this.add(s.charCodeAt(j));
  }

  value(): number {
    // murmur3's finalizer on each lane, so that every input bit reaches every output bit.
    return (fmix(this.h1) >>> 0) * 0x20_0000 + (fmix(this.h2 ^ this.h1) & 0x1f_ffff);
  }
}

/** murmur3's 32-bit finalizer. */
function fmix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

const FLOAT = new Float64Array(1);
const WORDS = new Int32Array(FLOAT.buffer);

/** A 53-bit hash of a string. */
export function hash53(text: string): number {
  const h = new Hash53();
  for (let i = 0; i < text.length; i++) h.add(text.charCodeAt(i));
  return h.value();
}

/**
 * hash53 of a name, kept per name: actor and object names recur in every execution of a
 * search. Bounded, for a model that names its actors or objects anew in every execution.
 */
export function nameHash(name: string): number {
  let v = names.get(name);
  if (v === undefined) {
    if (names.size >= NAMES_KEPT) names.clear();
    v = hash53(name);
    names.set(name, v);
  }
  return v;
}

const NAMES_KEPT = 1 << 16;
const names = new Map<string, number>();

/** The order in which snapshotObjects()'s keys and actor names are sorted: UTF-16 code units. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
