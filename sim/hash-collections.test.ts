import { describe, expect, it } from "vitest";
import { NumberMap, NumberSet } from "./hash-collections.ts";
import { Prng } from "./prng.ts";

/** Whole numbers below 2^53, some repeated, some equal in their low 32 bits. */
function hashes(count: number, seed: number): number[] {
  const prng = new Prng(seed);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const high = prng.below(0x20_0000);
    const low = prng.below(0x1_0000);
    out.push(high * 0x1_0000_0000 + low);
    if (i % 5 === 0) out.push(out[prng.below(out.length)] as number);
  }
  return out;
}

describe("NumberSet", () => {
  // As a Set (the default, below 2^20 members), compacted from the start, and compacted
  // after 1,000 members.
  const forms = [
    ["as a Set", undefined],
    ["compact", 1],
    ["compacted on the way", 1_000],
  ] as const;

  it.each(forms)("holds what a Set holds, in the order it was first added (%s)", (_, from) => {
    const values = hashes(50_000, 1);
    const expected = new Set<number>();
    const set = new NumberSet([], from);
    const added: boolean[] = [];
    const wasNew: boolean[] = [];
    for (const v of values) {
      wasNew.push(!expected.has(v));
      expected.add(v);
      added.push(set.add(v));
    }
    expect(added).toEqual(wasNew);
    expect(set.size).toBe(expected.size);
    expect(set.toArray()).toEqual([...expected]);
    expect([...set]).toEqual([...expected]);
    const probes = [...hashes(2_000, 2), ...values.slice(0, 2_000)];
    expect(probes.map((v) => set.has(v))).toEqual(probes.map((v) => expected.has(v)));
  });

  it.each(forms)("takes 0 and 2^53 - 1, and refuses other numbers (%s)", (_, from) => {
    const set = new NumberSet([0, Number.MAX_SAFE_INTEGER, 0], from);
    expect(set.toArray()).toEqual([0, Number.MAX_SAFE_INTEGER]);
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53, Number.POSITIVE_INFINITY]) {
      expect(() => set.add(bad)).toThrow(/whole numbers from 0 to 2\^53 - 1/);
      expect(set.has(bad)).toBe(false);
    }
    expect(set.size).toBe(2);
  });

  // The reason it exists: a JavaScript Set throws past 2^24 entries.
  it("holds more than 2^24 hashes", () => {
    const count = 2 ** 24 + 1_000;
    const set = new NumberSet();
    for (let i = 0; i < count; i++) set.add(i * 0x1_0001);
    expect(set.size).toBe(count);
    expect(set.has((count - 1) * 0x1_0001)).toBe(true);
    expect(set.has(count * 0x1_0001)).toBe(false);
    expect(set.add(12_345 * 0x1_0001)).toBe(false);
  });
});

describe("NumberMap", () => {
  it("keeps one value per key, keys that share their low bits apart", () => {
    const map = new NumberMap<string>();
    const keys = [0, 64, 0x1_0000_0000, 0x1_0000_0040, 7, Number.MAX_SAFE_INTEGER];
    for (const k of keys) map.set(k, `v${k}`);
    map.set(64, "again");
    expect(map.size).toBe(keys.length);
    expect(keys.map((k) => map.get(k))).toEqual([
      "v0",
      "again",
      `v${0x1_0000_0000}`,
      `v${0x1_0000_0040}`,
      "v7",
      `v${Number.MAX_SAFE_INTEGER}`,
    ]);
    expect(map.get(1)).toBeUndefined();
  });
});
