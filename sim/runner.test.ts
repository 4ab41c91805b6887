import { describe, expect, it } from "vitest";
import { spawnWriters } from "./dpor/search-traces.ts";
import { exploreSystematic } from "./dpor/systematic.ts";
import { NondeterminismError } from "./errors.ts";
import { counterScenario } from "./examples/counter.ts";
import { explore, hashDecisions, type Progress, runOnce } from "./runner.ts";
import type { Scenario } from "./scenario.ts";
import { ChoicesStrategy } from "./strategies/choices.ts";
import { RandomStrategy } from "./strategies/random.ts";
import { recordTrace } from "./trace.ts";
import type { Actor } from "./types.ts";
import type { World } from "./world.ts";

/** Reaches "interleaved" only when y increments between x's two steps; never fails. */
const probes: Scenario<Record<string, never>> = {
  name: "probes",
  summary: "reachability probes",
  defaults: {},
  setup(world) {
    const c = world.cell("c", 0);
    for (const name of ["x", "y"]) {
      world.spawn(
        name,
        (function* (): Actor {
          c.update((v) => v + 1);
          yield "check";
          world.reach("ran");
          if (name === "x" && c.get() === 2) world.reach("interleaved");
        })(),
      );
    }
  },
};

describe("explore", () => {
  it("stops at the first failure by default, with statistics", () => {
    const r = explore({
      scenario: counterScenario,
      params: { workers: 2 },
      strategy: new RandomStrategy(1),
      max_executions: 1000,
    });
    expect(r.failures.length).toBe(1);
    const f = r.failures[0];
    expect(f?.execution).toBe(r.executions - 1);
    expect(r.outcomes.violation).toBe(1);
    expect(r.outcomes.completed).toBe(r.executions - 1);
    expect(r.steps).toBe(r.executions * 4);
    expect(r.exhausted).toBe(false);
    expect(r.strategy).toBe("random, seed 1");
    // The failure's schedule reproduces it.
    const t = recordTrace(
      counterScenario,
      { workers: 2 },
      f?.schedule ?? { scenario: "", params: {}, decisions: [] },
    );
    expect(t.outcome).toEqual(f?.outcome);
  });

  it("collects failures up to max_failures when asked", () => {
    const r = explore({
      scenario: counterScenario,
      params: { workers: 2 },
      strategy: new RandomStrategy(1),
      max_executions: 200,
      stop_on_first: false,
      max_failures: 5,
    });
    expect(r.executions).toBe(200);
    expect(r.failures.length).toBe(5);
    expect(r.outcomes.violation).toBeGreaterThan(5);
    expect(r.outcomes.violation + r.outcomes.completed).toBe(200);
    // Two workers of two steps have 6 interleavings, 4 of them lose an update.
    expect(r.distinct_schedules).toBe(6);
    expect(r.outcomes.violation / 200).toBeGreaterThan(0.5);
  });

  it("reports exhaustion when the strategy has nothing left", () => {
    const r = explore({
      scenario: counterScenario,
      params: { workers: 2 },
      strategy: new ChoicesStrategy([]),
      max_executions: 10,
    });
    expect(r.executions).toBe(1);
    expect(r.exhausted).toBe(true);
    expect(r.outcomes.completed).toBe(1);
  });

  it("counts reachability probes per execution", () => {
    const r = explore({
      scenario: probes,
      params: {},
      strategy: new RandomStrategy(3),
      max_executions: 100,
    });
    expect(r.failures).toEqual([]);
    expect(r.reached.get("ran")).toBe(100);
    const interleaved = r.reached.get("interleaved") ?? 0;
    expect(interleaved).toBeGreaterThan(0);
    expect(interleaved).toBeLessThan(100);
  });

  it("calls onProgress every progress_every executions and at the end", () => {
    const seen: Progress[] = [];
    explore({
      scenario: probes,
      params: {},
      strategy: new RandomStrategy(3),
      max_executions: 25,
      progress_every: 10,
      onProgress: (p) => seen.push(p),
    });
    expect(seen.map((p) => p.executions)).toEqual([10, 20, 25]);
    expect(seen.every((p) => p.failures === 0)).toBe(true);
  });

  it("stops starting executions when the wall-clock budget is spent", () => {
    const r = explore({
      scenario: probes,
      params: {},
      strategy: new RandomStrategy(3),
      max_executions: 1_000_000,
      budget_ms: 0,
    });
    expect(r.executions).toBe(0);
  });

  it("passes the scenario's limits, or the run's, to every execution", () => {
    const r = explore({
      scenario: counterScenario,
      params: { workers: 3 },
      strategy: new RandomStrategy(1),
      limits: { max_steps: 3 },
    });
    expect(r.failures[0]?.outcome).toEqual({ kind: "budget", max_steps: 3, steps: 3 });
  });
});

describe("runOnce", () => {
  it("returns null when the strategy will not start", () => {
    const used = new ChoicesStrategy([]);
    expect(runOnce(counterScenario, { workers: 2 }, used)).not.toBeNull();
    expect(runOnce(counterScenario, { workers: 2 }, used)).toBeNull();
  });

  it("records no trace unless asked", () => {
    expect(runOnce(counterScenario, { workers: 2 }, new RandomStrategy(0))?.trace).toBeNull();
  });

  it("shows the strategy the world of each execution before the scenario's setup", () => {
    const seen: string[] = [];
    const worlds: World[] = [];
    const scenario: Scenario<Record<string, never>> = {
      ...probes,
      setup(world, params) {
        seen.push(worlds.at(-1) === world ? "setup after observe" : "setup unobserved");
        probes.setup(world, params);
      },
    };
    const strategy = Object.assign(new RandomStrategy(0), {
      observe(world: World) {
        worlds.push(world);
      },
    });
    runOnce(scenario, {}, strategy);
    runOnce(scenario, {}, strategy);
    expect(seen).toEqual(["setup after observe", "setup after observe"]);
    expect(worlds[0]).not.toBe(worlds[1]);
  });
});

describe("hashDecisions", () => {
  it("tells apart orders of the same decisions", () => {
    expect(hashDecisions([0, 3])).not.toBe(hashDecisions([3, 0]));
    expect(hashDecisions([0, 3])).toBe(hashDecisions([0, 3]));
    expect(Number.isSafeInteger(hashDecisions([5, 7, 11]))).toBe(true);
    // Decisions that differ in their high bits only (large data choices): a product
    // modulo 2^32 alone kept such a difference in the high bits, and two cancelled.
    const big = 2 ** 31;
    expect(hashDecisions([big, big])).not.toBe(hashDecisions([0, 0]));
    const seen = new Set<number>();
    for (let i = 0; i < 64; i++)
      for (let j = 0; j < 64; j++) seen.add(hashDecisions([i * 2 ** 26, j * 2 ** 26]));
    expect(seen.size).toBe(64 * 64);
  });
});

describe("explore with stop_when", () => {
  it("keeps searching past failures the filter rejects, and keeps them", () => {
    // The counter breaks "no lost update" on some schedules; a filter that accepts no
    // failure makes the search run to its execution limit while still collecting them.
    const r = explore({
      scenario: counterScenario,
      params: { workers: 2 },
      strategy: new RandomStrategy(1),
      max_executions: 200,
      max_failures: 1_000,
      stop_when: () => false,
    });
    expect(r.executions).toBe(200);
    expect(r.failures.length).toBe(r.outcomes.violation);
    expect(r.failures.length).toBeGreaterThan(0);
  });

  it("stops at the first failure the filter accepts", () => {
    let seen = 0;
    const r = explore({
      scenario: counterScenario,
      params: { workers: 2 },
      strategy: new RandomStrategy(1),
      max_executions: 200,
      // Accept only the third lost update seen.
      stop_when: () => ++seen === 3,
    });
    expect(r.outcomes.violation).toBe(3);
    expect(r.failures.at(-1)?.execution).toBe(r.executions - 1);
  });
});

describe("failures kept by explore and exploreSystematic", () => {
  it("refuses a failure that does not come back when its schedule is replayed", () => {
    // From review: an invariant over untracked state failed in the second execution only;
    // its schedule was reported, and replaying it passed (or diverged, said as bad input).
    const flaky = failingOnlyAt(2, "second");
    const message =
      /^a failure did not come back when its schedule was replayed \(not second violated after 4 steps: the second execution; then completed after 4 steps\): the scenario is not deterministic/;
    expect(() =>
      explore({
        scenario: flaky.scenario,
        params: {},
        strategy: new RandomStrategy(1),
        max_executions: 5,
      }),
    ).toThrow(message);
    for (const strategy of ["dpor", "exhaustive"] as const) {
      flaky.restart();
      let thrown: unknown = null;
      try {
        exploreSystematic({ scenario: flaky.scenario, params: {}, strategy });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(NondeterminismError);
      expect(String((thrown as Error).message)).toMatch(message);
    }
    // A failure found by the probe (exploreSystematic's random sample after the search)
    // is confirmed too: here the third setup, the probe's first execution, fails.
    const late = failingOnlyAt(3, "third").scenario;
    expect(() => exploreSystematic({ scenario: late, params: {}, probe: 5 })).toThrow(
      /^a failure did not come back when its schedule was replayed \(not third violated/,
    );
    // Deterministic failures are kept as before, each confirmed by one replay.
    const c = exploreSystematic({
      scenario: counterScenario,
      params: { workers: 2 },
      strategy: "dpor",
      stop_on_first: false,
    });
    expect(c.failures.length).toBeGreaterThan(0);
  });
});

/**
 * Two writers racing on x, and an end check that fails in the n-th execution only (state the
 * world does not track: the count of setups). `restart` counts from the first again.
 */
function failingOnlyAt(n: number, nth: string) {
  let setups = 0;
  const scenario: Scenario<Record<string, never>> = {
    name: `failing-at-${n}`,
    summary: `an end check that fails in the ${nth} execution only`,
    defaults: {},
    setup(world: World) {
      const failing = ++setups === n;
      const x = world.cell("x", 0);
      spawnWriters(world, x);
      world.atEnd(`not ${nth}`, () => (failing ? `the ${nth} execution` : undefined));
    },
  };
  return { scenario, restart: () => (setups = 0) };
}
