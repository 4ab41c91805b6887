import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ModelError } from "../errors.ts";
import { Hash53 } from "../hash53.ts";
import { hashValue, toJson } from "../objects/tracked.ts";
import { World } from "../world.ts";
import { FinalStateHasher } from "./final-state.ts";

const SEED = 26;

function hashOf(value: unknown, depth: number): number {
  const h = new Hash53();
  hashValue(h, value, depth);
  return h.value();
}

/** What the coverage report counted before FinalStateHasher: the snapshot's text. */
function snapshotText(world: World): string {
  const snapshot = world.snapshotObjects();
  return Object.keys(snapshot)
    .sort()
    .map((name) => `${JSON.stringify(name)}:${JSON.stringify(snapshot[name])}`)
    .join(",");
}

class Model {
  constructor(readonly x: number) {}
}

/** Values as models keep them: JSON, Maps, class instances, odd numbers, deep nesting. */
const modelValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(null, undefined, 0, -0, 1, 2 ** 31, 2 ** 53, 0.5, -1.5, Number.NaN),
    fc.constantFrom(Number.POSITIVE_INFINITY, "Infinity", "NaN", "", "a", "[…]", "<Model>"),
    fc.constantFrom(true, false, 10n, "10", () => 1, Symbol("s")),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 3 }),
    fc.integer().map((x) => new Model(x)),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("a", "b", "1", "0"), tie("value"), { maxKeys: 3 }),
    fc.array(fc.tuple(tie("value"), tie("value")), { maxLength: 3 }).map((pairs) => new Map(pairs)),
  ),
})).value;

describe("hashValue", () => {
  it("hashes a value as the JSON toJson makes of it (raw or made, at every depth)", () => {
    fc.assert(
      fc.property(modelValue, fc.integer({ min: 0, max: 8 }), (value, depth) => {
        expect(hashOf(value, depth)).toBe(hashOf(toJson(value, depth), Number.NEGATIVE_INFINITY));
      }),
      { numRuns: 2_000, seed: SEED },
    );
  });

  it("hashes two values alike iff toJson gives them the same text", () => {
    fc.assert(
      fc.property(modelValue, modelValue, (a, b) => {
        const same = JSON.stringify(toJson(a)) === JSON.stringify(toJson(b));
        expect(hashOf(a, 0) === hashOf(b, 0)).toBe(same);
      }),
      { numRuns: 2_000, seed: SEED },
    );
    // Pairs that print alike without being equal, and look-alikes that do not.
    const pairs: [unknown, unknown, boolean][] = [
      [-0, 0, true],
      [Number.POSITIVE_INFINITY, "Infinity", true],
      [undefined, null, true],
      [10n, "10", true],
      [new Model(1), new Model(2), true],
      [1, "1", false],
      [[1, [2]], [[1, 2]], false],
      [{ a: 1, b: 2 }, { b: 2, a: 1 }, false],
      [new Map([[1, 2]]), [[1, 2]], true],
      [["a", "b"], ["ab"], false],
    ];
    for (const [a, b, same] of pairs) expect(hashOf(a, 0) === hashOf(b, 0)).toBe(same);
  });
  it("tells apart numbers that differ in their high bits only (signs, exponents, big integers)", () => {
    // A lane that only multiplies keeps a difference in a high bit in the high bits: two
    // sign flips cancelled, and [1.5, 2.5] hashed as [-1.5, -2.5] (found in review).
    const distinct = (values: unknown[]) => {
      const texts = new Set(values.map((v) => JSON.stringify(toJson(v))));
      const hashes = new Set(values.map((v) => hashOf(v, 0)));
      expect(hashes.size).toBe(texts.size);
    };
    const xs = [0.25, 0.5, 0.75, 1.25, 1.5, 2.5, 3.5, 0.125];
    distinct(xs.flatMap((p) => xs.flatMap((q) => xs.flatMap((r) => xs.map((s) => [p, q, r, s])))));
    const signed: number[] = [];
    for (let e = -8; e <= 8; e++) signed.push(1.5 * 2 ** e, -1.5 * 2 ** e);
    distinct(signed.flatMap((p) => signed.flatMap((q) => signed.map((r) => [p, q, r]))));
    const big: number[][] = [];
    for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) big.push([2 ** 32 * i, 2 ** 32 * j]);
    distinct(big);
    const ints: number[][] = [];
    for (let i = -60; i < 60; i++)
      for (let j = -60; j < 60; j++) ints.push([i * 2 ** 24, j * 2 ** 25 + 7]);
    distinct(ints);
    expect(hashOf([1, 1], 0)).not.toBe(hashOf([-2147483647, -2147483647], 0));
  });
});

describe("FinalStateHasher", () => {
  /** A world whose objects are made in the given order, with the given states. */
  function world(order: readonly string[], state: Record<string, number>): World {
    const w = new World({ pickChoice: () => 0 }, { tracing: false });
    for (const name of order) {
      if (name.startsWith("q")) {
        const q = w.queue<number>(name);
        // Items popped before the end are not part of the state (a different number of
        // them in each world).
        const popped = (state[name] ?? 0) + name.length;
        for (let i = 0; i < popped; i++) q.push(-i);
        q.push(state[name] ?? 0);
        for (let i = 0; i < popped; i++) q.shift();
      } else if (name.startsWith("m")) w.map<string, number>(name).set("k", state[name] ?? 0);
      else if (name.startsWith("l")) w.log<number>(name).append(state[name] ?? 0);
      else w.cell(name, state[name] ?? 0);
    }
    return w;
  }

  it("hashes worlds alike iff their snapshots are alike, whatever order made the objects", () => {
    const names = ["c1", "c2", "q1", "m1", "l1"];
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.shuffledSubarray(names, { minLength: 1 }),
            fc.dictionary(fc.constantFrom(...names), fc.integer({ min: 0, max: 2 })),
          ),
          { minLength: 2, maxLength: 6 },
        ),
        (worlds) => {
          // One hasher for all, as in a search: its name order is kept between worlds.
          const hasher = new FinalStateHasher();
          const made = worlds.map(([order, state]) => world(order, state));
          const hashes = made.map((w) => hasher.hash(w));
          const texts = made.map(snapshotText);
          for (let i = 0; i < made.length; i++) {
            for (let j = 0; j < made.length; j++) {
              expect(hashes[i] === hashes[j]).toBe(texts[i] === texts[j]);
            }
          }
        },
      ),
      { numRuns: 300, seed: SEED },
    );
  });

  it("hashes each kind of object as the snapshot it gives", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom("c1", "q1", "q22", "m1", "l1"),
          fc.integer({ min: 0, max: 40 }),
        ),
        (state) => {
          const w = world(["c1", "q1", "q22", "m1", "l1"], state);
          for (const o of w.objects) {
            const own = new Hash53();
            o.hashState(own);
            const made = new Hash53();
            hashValue(made, o.snapshot(), Number.NEGATIVE_INFINITY);
            expect(own.value()).toBe(made.value());
          }
        },
      ),
      { numRuns: 200, seed: SEED },
    );
  });

  it("follows snapshotObjects where it is odd: a key or an object named __proto__, which it leaves out", () => {
    const parsed = JSON.parse('{"__proto__": {"x": 1}, "a": 2}') as unknown;
    expect(JSON.stringify(toJson(parsed))).toBe('{"a":2}');
    expect(hashOf(parsed, 0)).toBe(hashOf({ a: 2 }, 0));
    const hasher = new FinalStateHasher();
    const plain = world(["c1"], { c1: 1 });
    const odd = world(["c1"], { c1: 1 });
    odd.cell("__proto__", 5);
    odd.cell("__proto__", 6);
    expect(snapshotText(odd)).toBe(snapshotText(plain));
    expect(hasher.hash(odd)).toBe(hasher.hash(plain));
  });

  it("names the same object as snapshotObjects when it refuses, and recovers after", () => {
    const hasher = new FinalStateHasher();
    const w = world(["b", "b", "a", "a"], {});
    expect(() => w.snapshotObjects()).toThrow("two tracked objects are named 'b'");
    expect(() => hasher.hash(w)).toThrow("two tracked objects are named 'b'");
    const empty = new World({ pickChoice: () => 0 }, { tracing: false });
    expect(hasher.hash(empty)).toBe(new FinalStateHasher().hash(empty));
  });

  it("refuses two objects of one name, as snapshotObjects does, every time", () => {
    const hasher = new FinalStateHasher();
    const w = world(["c1", "c2"], {});
    w.queue("c1");
    expect(() => w.snapshotObjects()).toThrow(ModelError);
    expect(() => hasher.hash(w)).toThrow("two tracked objects are named 'c1'; name each once");
    expect(() => hasher.hash(w)).toThrow(ModelError);
    expect(hasher.hash(world(["c1", "c2"], {}))).toBe(hasher.hash(world(["c2", "c1"], {})));
  });
});
