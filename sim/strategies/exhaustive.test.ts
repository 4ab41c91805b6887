import { describe, expect, it } from "vitest";
import { verdict } from "../dpor/coverage.ts";
import { exploreSystematic } from "../dpor/systematic.ts";
import { NondeterminismError } from "../errors.ts";
import { counterScenario } from "../examples/counter.ts";
import type { Scenario } from "../scenario.ts";

const choosing: Scenario<Record<string, never>> = {
  name: "choosing",
  summary: "two actors, one of which picks one of three values",
  defaults: {},
  setup(world) {
    const x = world.cell("x", 0);
    world.spawn(
      "picker",
      // biome-ignore lint/correctness/useYield: a one-step actor: its whole body is one atomic step
      (function* () {
        x.set(world.choose(3, "value"));
      })(),
    );
    world.spawn(
      "reader",
      // biome-ignore lint/correctness/useYield: a one-step actor: its whole body is one atomic step
      (function* () {
        x.get();
      })(),
    );
  },
};

describe("exhaustive", () => {
  it("enumerates every interleaving of the 2-worker lost update: 4!/(2!2!) = 6 schedules, 4 traces", () => {
    const c = exploreSystematic({
      scenario: counterScenario,
      params: { workers: 2 },
      strategy: "exhaustive",
      stop_on_first: false,
    });
    expect(c.executions).toBe(6);
    expect(c.traces).toBe(4);
    expect(c.final_states).toBe(2);
    expect(c.exhausted).toBe(true);
    expect(c.outcomes.violation).toBe(4);
    expect(verdict(c)).toContain("4 failing executions");
  });

  it("branches every value of a data choice", () => {
    const c = exploreSystematic({ scenario: choosing, params: {}, strategy: "exhaustive" });
    // 2 orders x 3 values.
    expect(c.executions).toBe(6);
    expect(c.final_states).toBe(3);
    expect(verdict(c)).toContain("no failure over all interleavings");
  });

  it("with preemption bound 0 runs each worker to its end once started, and says it was bounded", () => {
    const c = exploreSystematic({
      scenario: counterScenario,
      params: { workers: 3 },
      strategy: "exhaustive",
      preemption_bound: 0,
      stop_on_first: false,
    });
    expect(c.executions).toBe(6);
    expect(c.outcomes.violation).toBe(0);
    expect(c.bounds).toEqual(["preemption bound 0"]);
    expect(verdict(c)).toContain("not a proof for all interleavings");
  });

  it("cuts executions at the depth bound without calling them failures", () => {
    const c = exploreSystematic({
      scenario: counterScenario,
      params: { workers: 2 },
      strategy: "exhaustive",
      max_depth: 2,
      stop_on_first: false,
    });
    expect(c.cut_by_depth).toBe(c.executions);
    expect(c.failures).toHaveLength(0);
    expect(c.bounds).toEqual(["depth bound 2"]);
  });

  it("stops at the execution bound and does not claim exhaustion", () => {
    const c = exploreSystematic({
      scenario: counterScenario,
      params: { workers: 3 },
      strategy: "exhaustive",
      max_executions: 5,
      stop_on_first: false,
    });
    expect(c.executions).toBe(5);
    expect(c.exhausted).toBe(false);
    expect(c.bounds).toEqual(["execution bound 5"]);
    expect(verdict(c)).not.toContain("all interleavings");
  });

  it("refuses a scenario whose choice has another range when replayed, naming the model's bug", () => {
    // The range comes from a variable kept between executions: state the world does not track.
    let executions = 0;
    const drifting: Scenario<Record<string, never>> = {
      name: "drifting",
      summary: "a choice whose range grows with every execution",
      defaults: {},
      setup(world) {
        const range = 2 + executions++;
        world.spawn(
          "picker",
          // biome-ignore lint/correctness/useYield: a one-step actor: its whole body is one atomic step
          (function* () {
            world.choose(range, "value");
          })(),
        );
      },
    };
    expect(() =>
      exploreSystematic({ scenario: drifting, params: {}, strategy: "exhaustive" }),
    ).toThrow(NondeterminismError);
    executions = 0;
    expect(() =>
      exploreSystematic({ scenario: drifting, params: {}, strategy: "exhaustive" }),
    ).toThrow(
      /exhaustive: decision \d+ had 2 options and now has 3: the scenario is not deterministic/,
    );
  });
});
