import { describe, expect, it } from "vitest";
import { filesystemScenario } from "./examples/dpor/index.ts";
import { explore, runOnce } from "./runner.ts";
import type { Scenario } from "./scenario.ts";
import { DporStrategy } from "./strategies/dpor.ts";
import { ExhaustiveStrategy } from "./strategies/exhaustive.ts";
import { ABANDON, type Strategy } from "./strategy.ts";
import { type Actor, isFailure } from "./types.ts";
import { ActorStatus, type World } from "./world.ts";

/** Two actors of three steps each; an invariant that counts its calls and fails on demand. */
function counted(failAfterStep = Number.POSITIVE_INFINITY): {
  scenario: Scenario;
  calls: number[];
} {
  const calls: number[] = [];
  const scenario: Scenario = {
    name: "counted",
    summary: "test",
    defaults: {},
    setup(world: World) {
      const steps = world.cell("steps", 0);
      for (const name of ["a", "b"]) {
        world.spawn(
          name,
          (function* (): Actor {
            for (let i = 0; i < 3; i++) {
              steps.set(steps.get() + 1);
              yield `step ${i + 1}`;
            }
          })(),
        );
      }
      world.invariant("few-steps", () => {
        const n = steps.peek();
        calls.push(n);
        return n > failAfterStep ? `${n} steps` : undefined;
      });
    },
  };
  return { scenario, calls };
}

/** Always the first option; abandons at step `stopAt`, vouches for `checked` steps. */
function firstOption(stopAt: number, checked = 0): Strategy {
  return {
    name: "first",
    beginExecution: () => true,
    pickStep: (_enabled, _current, step) => (step === stopAt ? ABANDON : 0),
    pickChoice: () => 0,
    checkedSteps: () => checked,
  };
}

describe("a strategy that ends an execution early", () => {
  it("ends it with outcome abandoned at that step, which is not a failure", () => {
    const { scenario } = counted();
    const r = runOnce(scenario, {}, firstOption(4));
    expect(r?.outcome).toEqual({ kind: "abandoned", steps: 4 });
    expect(r?.decisions).toHaveLength(4);
    expect(isFailure({ kind: "abandoned", steps: 4 })).toBe(false);
    const e = explore({ scenario, params: {}, strategy: firstOption(4), max_executions: 3 });
    expect(e.outcomes.abandoned).toBe(3);
    expect(e.failures).toEqual([]);
  });

  it("skips the invariants after the steps it says an earlier execution checked", () => {
    const all = counted();
    runOnce(all.scenario, {}, firstOption(-1));
    // Eight steps (each actor's last one ends it), all of a's first.
    expect(all.calls).toEqual([1, 2, 3, 3, 4, 5, 6, 6]);
    const some = counted();
    runOnce(some.scenario, {}, firstOption(-1, 4));
    expect(some.calls).toEqual([4, 5, 6, 6]);
    // The first check after them judges the state then: a state that went bad inside the
    // vouched-for steps (3 steps counted after step 3) is reported after step 4, the first
    // one checked (checking every step would report it after step 3).
    const failing = counted(2);
    const r = runOnce(failing.scenario, {}, firstOption(-1, 3));
    expect(r?.outcome).toMatchObject({ kind: "violation", property: "few-steps", steps: 4 });
    expect(failing.calls).toEqual([3]);
  });

  it("is how dpor ends a sleep-blocked execution: no step runs after it", () => {
    // filesystem(15): threads that wait for one another's locks; dpor's search of it has
    // 4 complete executions and some sleep-blocked ones.
    const dpor = new DporStrategy();
    let blocked = 0;
    let complete = 0;
    for (let i = 0; ; i++) {
      const r = runOnce(filesystemScenario, { n: 15 }, dpor, { index: i });
      if (r === null) break;
      if (dpor.lastKind === "complete") {
        complete++;
        expect(r.outcome.kind).toBe("completed");
      } else {
        blocked++;
        expect(r.outcome).toEqual({ kind: "abandoned", steps: r.steps });
        // No step ran after the point where dpor abandoned it: the log is cut there, and
        // at most the step found asleep (cut from the log) ran past it.
        expect(r.steps - dpor.log.length).toBeGreaterThanOrEqual(0);
        expect(r.steps - dpor.log.length).toBeLessThanOrEqual(1);
        // So some thread has more to do than it ran.
        expect(r.world.actors.some((a) => a.status !== ActorStatus.Done)).toBe(true);
      }
    }
    expect(complete).toBe(4);
    expect(blocked).toBeGreaterThan(0);
  });

  it("is how a sharded exhaustive search passes another shard's unit", () => {
    // counted(): 70 interleavings (four steps each). Split at the first branching decision (step 0: a or b
    // first), shard 0 takes the unit where a runs first and shard 1 the other.
    const { scenario } = counted();
    const shard = (index: number) => {
      const strategy = new ExhaustiveStrategy({ shard: { index, count: 2 }, split_depth: 1 });
      const out: string[] = [];
      for (let i = 0; ; i++) {
        const r = runOnce(scenario, {}, strategy, { index: i });
        if (r === null) break;
        if (strategy.lastSkipped) expect(r.outcome.kind).toBe("abandoned");
        else expect(r.outcome.kind).toBe("completed");
        out.push(`${r.outcome.kind} ${r.outcome.steps} ${r.decisions.join(",")}`);
      }
      return out;
    };
    const first = shard(0);
    const second = shard(1);
    // Shard 0 meets b's unit when its search changes step 0, and abandons it before any
    // step; shard 1 learns that its first execution is in a's unit only as step 0 is
    // picked, and abandons it before step 1.
    expect(first.filter((line) => line.startsWith("abandoned"))).toEqual(["abandoned 0 "]);
    expect(second.filter((line) => line.startsWith("abandoned"))).toEqual(["abandoned 1 0"]);
    const complete = [...first, ...second].filter((line) => line.startsWith("completed"));
    expect(complete).toHaveLength(70);
    expect(new Set(complete).size).toBe(70);
  });

  it("is vouched for by exhaustive, which still meets every failure at its step", () => {
    // Three actors of two steps; the invariant breaks when c is two steps ahead of a, in
    // the middle of some executions, which later executions replay up to there. The search
    // takes a first and c last, so c's lead comes in a step that the search just changed.
    const scenario: Scenario = {
      name: "lead",
      summary: "test",
      defaults: {},
      setup(world: World) {
        const count = world.cell("count", [0, 0, 0] as readonly number[]);
        for (const [who, name] of ["a", "b", "c"].entries()) {
          world.spawn(
            name,
            (function* (): Actor {
              for (let i = 0; i < 2; i++) {
                count.set(count.get().map((n, k) => (k === who ? n + 1 : n)));
                yield `step ${i + 1}`;
              }
            })(),
          );
        }
        world.invariant("c-leads-a", () => {
          const [a = 0, , c = 0] = count.peek();
          return c - a >= 2 ? `a ${a}, c ${c}` : undefined;
        });
      },
    };
    class CheckingEveryStep extends ExhaustiveStrategy {
      override checkedSteps(): number {
        return 0;
      }
    }
    const runs = (strategy: ExhaustiveStrategy) => {
      const out: string[] = [];
      let vouched = 0;
      for (let i = 0; ; i++) {
        const r = runOnce(scenario, {}, strategy, { index: i });
        if (r === null) break;
        // (Asked after the run: beginExecution, inside runOnce, decides it.)
        if (strategy.checkedSteps() > 0) vouched++;
        const o = r.outcome;
        out.push(`${o.kind} ${o.steps} ${r.decisions.join(",")}`);
      }
      return { out, vouched };
    };
    const skipping = runs(new ExhaustiveStrategy());
    const checking = runs(new CheckingEveryStep());
    expect(skipping.out).toEqual(checking.out);
    const failures = skipping.out.filter((line) => line.startsWith("violation"));
    expect(failures.length).toBeGreaterThan(5);
    expect(skipping.vouched).toBeGreaterThan(skipping.out.length / 2);
  });
});
