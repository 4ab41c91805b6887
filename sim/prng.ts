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
    // Split a 53-bit seed into two 32-bit halves so that every safe integer is distinct.
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
    let s = (lo ^ Math.imul(hi, 0x9e3779b9)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next() ^ hi;
    this.d = next();
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

/** Derives the seed of execution `index` of a run from the run's seed. */
export function executionSeed(runSeed: number, index: number): number {
  const p = new Prng(runSeed);
  const q = new Prng(index ^ p.nextU32());
  // 53 bits: high 21 bits from one draw, low 32 from another.
  return (q.nextU32() & 0x1f_ffff) * 0x1_0000_0000 + q.nextU32();
}
