import { SeedError } from "./errors.ts";

/**
 * A small seeded generator (sfc32, seeded through splitmix32) so that every strategy draws
 * the same numbers from the same seed in every process and on every platform. Pure 32-bit
 * integer arithmetic: no dependence on floating-point details or on Math.random.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // A fraction or NaN would be taken for another seed (1.5 for 1, NaN for 0) and still
    // be described as itself: the same run under two names.
    if (!Number.isSafeInteger(seed)) {
      throw new SeedError(
        `seed must be a whole number from -(2^53 - 1) to 2^53 - 1, got ${String(seed)}`,
      );
    }
    // Split a 53-bit seed into two 32-bit halves so that every safe integer is distinct.
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
    let s = (lo ^ Math.imul(hi, 0x9e3779b9)) >>> 0;
    s = (s + 0x9e3779b9) | 0;
    this.a = splitmix32(s);
    s = (s + 0x9e3779b9) | 0;
    this.b = splitmix32(s);
    s = (s + 0x9e3779b9) | 0;
    this.c = (splitmix32(s) ^ hi) >>> 0;
    s = (s + 0x9e3779b9) | 0;
    this.d = splitmix32(s);
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform integer in [0, n). n must be a positive integer below 2^32. */
  below(n: number): number {
    if (n <= 1) return 0;
    if (n > 0x1_0000_0000) throw new RangeError(`Prng.below needs n <= 2^32, got ${n}`);
    // Rejection sampling keeps the draw exactly uniform.
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** A uniform float in [0, 1), 32 bits of precision. */
  unit(): number {
    return this.nextU32() / 0x1_0000_0000;
  }
}

/** The splitmix32 finaliser: a well-mixed 32-bit value from a 32-bit state. */
function splitmix32(state: number): number {
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/**
 * Derives the seed of execution `index` of a run from the run's seed: a hash, so that any
 * execution can be rerun alone and seed ranges split across shards.
 */
export function executionSeed(runSeed: number, index: number): number {
  const lo = runSeed >>> 0;
  const hi = Math.floor(runSeed / 0x1_0000_0000) >>> 0;
  const a = splitmix32((lo ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const b = splitmix32((hi ^ Math.imul(a ^ index, 0xc2b2ae35) ^ 0x27d4eb2f) >>> 0);
  const c = splitmix32((a + b + index) >>> 0);
  // 53 bits: high 21 bits from one draw, low 32 from another.
  return (b & 0x1f_ffff) * 0x1_0000_0000 + c;
}
