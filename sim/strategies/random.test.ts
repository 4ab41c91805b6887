import { describe, expect, it } from "vitest";
import { counterScenario } from "../examples/counter.ts";
import { explore, runOnce } from "../runner.ts";
import type { Scenario } from "../scenario.ts";
import type { Actor } from "../types.ts";
import { RandomStrategy } from "./random.ts";

/** Four actors of five steps each: millions of interleavings, so seeds rarely collide. */
const manySteps: Scenario<{ actors: number }> = {
  name: "many-steps",
  summary: "actors that each take five steps and make one data choice",
  defaults: { actors: 4 },
  setup(world, { actors }) {
    const cell = world.cell("c", 0);
    for (let a = 0; a < actors; a++) {
      world.spawn(
        `a${a}`,
        (function* (): Actor {
          for (let i = 0; i < 4; i++) {
            cell.set(cell.get() + world.choose(3));
            yield `s${i}`;
          }
        })(),
      );
    }
  },
};

function decisionsOf(seed: number, index = 0): readonly number[] {
  const r = runOnce(manySteps, { actors: 4 }, new RandomStrategy(seed), { index });
  if (r === null) throw new Error("random strategy refused an execution");
  return r.decisions;
}

describe("random strategy", () => {
  it("gives the same decisions and trace from the same seed", () => {
    for (const seed of [0, 1, 42, 2 ** 40 + 7]) {
      expect(decisionsOf(seed)).toEqual(decisionsOf(seed));
      const a = runOnce(manySteps, { actors: 4 }, new RandomStrategy(seed), { trace: true });
      const b = runOnce(manySteps, { actors: 4 }, new RandomStrategy(seed), { trace: true });
      expect(a?.trace).toEqual(b?.trace);
      expect(a?.trace?.length).toBeGreaterThan(0);
    }
  });

  it("gives different decisions from different seeds", () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) seen.add(decisionsOf(seed).join(","));
    // 20 steps over 4 actors plus 16 three-way choices: a repeat among 30 seeds would mean
    // the seed is ignored.
    expect(seen.size).toBe(30);
  });

  it("gives each execution of a run its own reproducible draw", () => {
    const first = decisionsOf(7, 0);
    const second = decisionsOf(7, 1);
    expect(second).not.toEqual(first);
    // Execution 1 of a run can be rerun alone from (seed, index).
    expect(decisionsOf(7, 1)).toEqual(second);
  });

  it("finds the same failure at the same execution of two runs with the same seed", () => {
    const run = () =>
      explore({
        scenario: counterScenario,
        params: { workers: 3 },
        strategy: new RandomStrategy(123),
        max_executions: 500,
      });
    const a = run();
    const b = run();
    expect(a.failures.length).toBe(1);
    expect(b.failures).toEqual(a.failures);
    expect(b.executions).toBe(a.executions);
  });

  it("chooses uniformly among the enabled steps", () => {
    // Which of three workers runs first, over 3,000 executions: each should be near 1,000.
    const counts = [0, 0, 0];
    const strategy = new RandomStrategy(99);
    for (let i = 0; i < 3000; i++) {
      const r = runOnce(counterScenario, { workers: 3 }, strategy, { index: i });
      const first = (r?.decisions[0] ?? -1) / 3;
      counts[first] = (counts[first] ?? 0) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(850);
    expect(counts.reduce((x, y) => x + y, 0)).toBe(3000);
  });

  it("describes itself with its seed", () => {
    expect(new RandomStrategy(5).describe()).toBe("random, seed 5");
  });
});
