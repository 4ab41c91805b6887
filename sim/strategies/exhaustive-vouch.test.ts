import { describe, expect, it } from "vitest";
import { runOnce } from "../runner.ts";
import type { Scenario } from "../scenario.ts";
import type { StepInfo } from "../strategy.ts";
import type { Actor } from "../types.ts";
import type { World } from "../world.ts";
import { type ExhaustiveOptions, ExhaustiveStrategy } from "./exhaustive.ts";

/** A scenario's shape: data choices in setup and inside steps, as drawn from one seed. */
interface Shape {
  readonly setupChoices: readonly number[];
  readonly actors: readonly (readonly (readonly number[])[])[];
}

/** A linear congruential generator: shapes vary with the seed, the same on every machine. */
function shapeOf(seed: number): Shape {
  let s = seed >>> 0;
  const draw = (n: number) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
  const choices = () => Array.from({ length: draw(2) }, () => 1 + draw(2));
  return {
    setupChoices: choices(),
    actors: Array.from({ length: 2 + draw(2) }, () => Array.from({ length: 1 + draw(2) }, choices)),
  };
}

/**
 * Every actor step folds its choices into one cell. The invariant records the decisions
 * that led to each state it checked: a vouched step must lead to one of those. It breaks
 * now and then, so that executions also end right after a step with data choices.
 */
function scenarioOf(shape: Shape, checked: Map<string, number>, run: { index: number }): Scenario {
  return {
    name: "shape",
    summary: "test",
    defaults: {},
    setup(world: World) {
      const acc = world.cell("acc", 0);
      let base = 0;
      for (const n of shape.setupChoices) base = base * 3 + world.choose(n, "setup");
      acc.set(base);
      shape.actors.forEach((steps, who) => {
        world.spawn(
          `a${who}`,
          (function* (): Actor {
            for (const step of steps) {
              let v = acc.get() * 2 + who + 1;
              for (const n of step) v += world.choose(n, "in step") * 5;
              acc.set(v % 97);
              yield "step";
            }
          })(),
        );
      });
      world.invariant("recorded", () => {
        const key = world.decisions.join(",");
        if (!checked.has(key)) checked.set(key, run.index);
        // Some executions end in a violation, after a step with choices of its own.
        return acc.peek() % 11 === 5 ? "five" : undefined;
      });
    },
  };
}

/** Exhaustive, noting the decisions that led to the state after each step. */
class Watching extends ExhaustiveStrategy {
  private world: World | null = null;
  prefixes: string[] = [];
  override observe(world: World): void {
    super.observe(world);
    this.world = world;
    this.prefixes = [];
  }
  override onStep(info: StepInfo): void {
    super.onStep(info);
    this.prefixes.push(this.world?.decisions.join(",") ?? "");
  }
}

/** Runs the whole search; returns the steps vouched for, and the first unsound one. */
function vouches(seed: number, options: ExhaustiveOptions): { vouched: number; bad: string[] } {
  // Each checked state's decisions, with the execution that first checked it.
  const checked = new Map<string, number>();
  const run = { index: 0 };
  const scenario = scenarioOf(shapeOf(seed), checked, run);
  const strategy = new Watching(options);
  let vouched = 0;
  const bad: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    run.index = i;
    const r = runOnce(scenario, {}, strategy, { index: i });
    if (r === null) break;
    // (Asked after the run: beginExecution, inside runOnce, decides it.)
    const v = Math.min(strategy.checkedSteps(), strategy.prefixes.length);
    vouched += v;
    for (const prefix of strategy.prefixes.slice(0, v)) {
      if (!((checked.get(prefix) ?? i) < i)) bad.push(`seed ${seed}, execution ${i}: ${prefix}`);
    }
  }
  return { vouched, bad };
}

describe("exhaustive's checkedSteps, with data choices in setup and inside steps", () => {
  it("vouches only for steps whose decisions led to a state an earlier execution checked", () => {
    let vouched = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const r = vouches(seed, {});
      expect(r.bad).toEqual([]);
      vouched += r.vouched;
    }
    expect(vouched).toBeGreaterThan(0);
  });

  it("does so in shards, past abandoned units of other shards, and under a preemption bound", () => {
    for (let seed = 1; seed <= 20; seed++) {
      for (const split_depth of [1, 2]) {
        for (const index of [0, 1]) {
          const shard = { index, count: 2 };
          expect(vouches(seed, { shard, split_depth }).bad).toEqual([]);
          expect(vouches(seed, { shard, split_depth, preemption_bound: 1 }).bad).toEqual([]);
        }
      }
    }
  });
});
