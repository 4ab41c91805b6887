import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BoundError, OptionError } from "../errors.ts";
import { counterScenario } from "../examples/counter.ts";
import { explore, runOnce } from "../runner.ts";
import { type Scenario, ScenarioRegistry } from "../scenario.ts";
import { DporStrategy } from "../strategies/dpor.ts";
import { ExhaustiveStrategy } from "../strategies/exhaustive.ts";
import { RandomStrategy } from "../strategies/random.ts";
import { ReplayStrategy } from "../strategies/replay.ts";
import type { Actor } from "../types.ts";
import { mergeCoverage, verdict } from "./coverage.ts";
import { explorePool } from "./pool.ts";
import { IndexShardedStrategy, ShardSyntaxError } from "./shard.ts";
import { exploreSystematic } from "./systematic.ts";

// What the library's users can get wrong, found by an audit of the API against README:
// each of these ran and reported something else than what happened.

/** b waits for a flag that a raises only if b has not started: one order deadlocks. */
const deadlockOnce: Scenario = {
  name: "deadlock-once",
  summary: "one of two orders deadlocks",
  defaults: {},
  setup(world) {
    const started = world.cell("started", false);
    const flag = world.cell("flag", false);
    world.spawn(
      "a",
      (function* (): Actor {
        if (!started.get()) flag.set(true);
        yield "done";
      })(),
    );
    world.spawn(
      "b",
      (function* (): Actor {
        started.set(true);
        yield world.until(() => flag.get(), { label: "wait", on: "flag" });
      })(),
    );
  },
};

describe("the coverage verdict", () => {
  it("counts a deadlock as a failure, never as 'no failure over all interleavings'", () => {
    for (const strategy of ["dpor", "exhaustive"] as const) {
      const c = exploreSystematic({
        scenario: deadlockOnce,
        params: { workers: 2 },
        strategy,
        stop_on_first: false,
        max_failures: 0,
      });
      expect(c.outcomes.deadlock).toBe(1);
      expect(verdict(c)).toMatch(/; 1 failing execution$/);
    }
  });

  it("counts every failing execution, not the ones kept (max_failures)", () => {
    const c = exploreSystematic({
      scenario: counterScenario,
      params: { workers: 4 },
      stop_on_first: false,
    });
    expect(c.failures).toHaveLength(20);
    expect(verdict(c)).toMatch(new RegExp(`; ${c.outcomes.violation} failing executions$`));
    expect(c.outcomes.violation).toBeGreaterThan(20);
  });

  it("keeps the failure that stopped the search, whatever max_failures says", () => {
    const c = exploreSystematic({
      scenario: counterScenario,
      params: { workers: 2 },
      max_failures: 0,
    });
    expect(c.failures).toHaveLength(1);
  });

  it("of one shard says it covered the shard's part, without being told", () => {
    const c = exploreSystematic({
      scenario: counterScenario,
      params: { workers: 1 },
      strategy: "exhaustive",
      shard: { index: 0, count: 2 },
    });
    expect(verdict(c)).toMatch(/no failure in this shard's part of the space$/);
  });
});

describe("shards given through the library", () => {
  it("are refused when they are not one of n", () => {
    for (const shard of [
      { index: 2, count: 2 },
      { index: 0, count: 0 },
      { index: Number.NaN, count: 2 },
      { index: -1, count: 2 },
      { index: 0.5, count: 2 },
    ]) {
      const run = () =>
        exploreSystematic({
          scenario: counterScenario,
          params: { workers: 2 },
          strategy: "exhaustive",
          shard,
        });
      expect(run).toThrow(ShardSyntaxError);
      expect(() => new DporStrategy({ shard })).toThrow(ShardSyntaxError);
      expect(() => new ExhaustiveStrategy({ shard })).toThrow(ShardSyntaxError);
      expect(() => new IndexShardedStrategy(new RandomStrategy(1), shard)).toThrow(
        ShardSyntaxError,
      );
    }
  });

  it("merge only when every shard of one split is there, once", () => {
    const part = (index: number, count: number) =>
      exploreSystematic({
        scenario: counterScenario,
        params: { workers: 3 },
        strategy: "exhaustive",
        stop_on_first: false,
        keep_hashes: true,
        shard: { index, count },
      });
    const whole = exploreSystematic({
      scenario: counterScenario,
      params: { workers: 3 },
      strategy: "exhaustive",
      stop_on_first: false,
    });
    expect(mergeCoverage([part(0, 2), part(1, 2)]).executions).toBe(whole.executions);
    expect(() => mergeCoverage([part(1, 2), part(1, 2)])).toThrow(OptionError);
    expect(() => mergeCoverage([part(0, 3), part(1, 3)])).toThrow(
      /every shard of one split once; got 1\/3, 2\/3/,
    );
    expect(() => mergeCoverage([])).toThrow(OptionError);
  });
});

describe("options of the search entry points", () => {
  it("refuses a strategy name that is not dpor or exhaustive (it ran exhaustive)", async () => {
    for (const strategy of ["random", "DPOR", "pct"]) {
      expect(() =>
        exploreSystematic({
          scenario: counterScenario,
          params: { workers: 2 },
          strategy: strategy as "dpor",
        }),
      ).toThrow(OptionError);
    }
    await expect(
      explorePool({
        module: fileURLToPath(new URL("../examples/counter.ts", import.meta.url)),
        export_name: "counterScenario",
        params: { workers: 2 },
        strategy: "random" as "dpor",
      }),
    ).rejects.toThrow(OptionError);
  });

  it("refuses a max_failures or progress_every that is no count", () => {
    for (const max_failures of [Number.NaN, -1, 1.5]) {
      expect(() =>
        explore({
          scenario: counterScenario,
          params: { workers: 2 },
          strategy: new RandomStrategy(1),
          max_failures,
        }),
      ).toThrow(OptionError);
      expect(() =>
        exploreSystematic({ scenario: counterScenario, params: { workers: 2 }, max_failures }),
      ).toThrow(OptionError);
    }
    for (const progress_every of [0, Number.NaN, -1, 0.5]) {
      expect(() =>
        explore({
          scenario: counterScenario,
          params: { workers: 2 },
          strategy: new RandomStrategy(1),
          progress_every,
        }),
      ).toThrow(OptionError);
    }
  });

  it("refuses a search strategy that has finished (it reported an exhausted empty space)", () => {
    const base = { scenario: counterScenario, params: { workers: 2 }, stop_on_first: false };
    for (const strategy of [
      new DporStrategy(),
      new ExhaustiveStrategy(),
      new ReplayStrategy([0, 3, 0, 3]),
    ]) {
      explore({ ...base, strategy });
      expect(() => explore({ ...base, strategy })).toThrow(/has finished its search already/);
    }
    // Random draws each execution from its index: it may run again, alike.
    const random = new RandomStrategy(3);
    const once = explore({ ...base, strategy: random, max_executions: 20 });
    expect(explore({ ...base, strategy: random, max_executions: 20 }).outcomes).toEqual(
      once.outcomes,
    );
  });

  // A search stopped early (by a bound, or its first failure) goes on where it was when
  // explored again: the pieces add up to one whole run (review of the check above).
  it("lets a search stopped early go on, to the same executions as one run", () => {
    for (const make of [() => new DporStrategy(), () => new ExhaustiveStrategy()]) {
      const base = { scenario: counterScenario, params: { workers: 3 }, stop_on_first: false };
      const whole = explore({ ...base, strategy: make() });
      const strategy = make();
      let executions = 0;
      let completed = 0;
      for (let round = 0; round < 1_000 && !strategy.spent(); round++) {
        const part = explore({ ...base, strategy, max_executions: 7 });
        executions += part.executions;
        completed += part.outcomes.completed;
      }
      expect(executions).toBe(whole.executions);
      expect(completed).toBe(whole.outcomes.completed);
      expect(strategy.spent()).toBe(true);
    }
  });

  // The depth bound took the place of the scenario's own step budget: its failures passed.
  it("keeps a scenario's own step budget under a larger depth bound", () => {
    const tight: Scenario<{ workers: number }> = {
      ...counterScenario,
      name: "tight-counter",
      limits: { max_steps: 3 },
    };
    const base = { scenario: tight, params: { workers: 2 }, stop_on_first: false };
    const own = exploreSystematic(base);
    const deep = exploreSystematic({ ...base, max_depth: 100 });
    expect(own.outcomes.budget).toBeGreaterThan(0);
    expect(deep.outcomes).toEqual(own.outcomes);
    expect(deep.bounds).toEqual([]);
    const shallow = exploreSystematic({ ...base, max_depth: 2 });
    expect(shallow.cut_by_depth).toBeGreaterThan(0);
    expect(shallow.bounds).toEqual(["depth bound 2"]);
  });

  it("refuses a scenario registered twice, and a runOnce index that is no execution's", () => {
    const registry = new ScenarioRegistry().add(counterScenario);
    expect(() => registry.add(counterScenario)).toThrow(OptionError);
    for (const index of [Number.NaN, -1, 1.5]) {
      expect(() =>
        runOnce(counterScenario, { workers: 2 }, new RandomStrategy(1), { index }),
      ).toThrow(OptionError);
    }
  });

  it("checks a dpor or exhaustive strategy's bounds when it is built directly", () => {
    for (const preemption_bound of [Number.NaN, -1, 1.5]) {
      expect(() => new DporStrategy({ preemption_bound })).toThrow(BoundError);
      expect(() => new ExhaustiveStrategy({ preemption_bound })).toThrow(BoundError);
    }
    expect(() => new DporStrategy({ shard: { index: 0, count: 2 }, preemption_bound: 1 })).toThrow(
      BoundError,
    );
    expect(() => new ExhaustiveStrategy({ split_depth: 0 })).toThrow(BoundError);
  });
});
