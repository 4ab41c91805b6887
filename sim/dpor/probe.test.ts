import { describe, expect, it } from "vitest";
import { counterScenario } from "../examples/counter.ts";
import { runOnce } from "../runner.ts";
import type { Scenario } from "../scenario.ts";
import { ReplayStrategy } from "../strategies/replay.ts";
import type { Actor, Params } from "../types.ts";
import { verdict } from "./coverage.ts";
import { exploreSystematic } from "./systematic.ts";

/**
 * Two workers increment a counter kept in a plain variable, read in one step and written
 * in the next: the lost update, on state the world does not track. No step touches a
 * tracked object, so every interleaving is one trace to dpor, which runs one of them (it
 * does not lose the update), and no replay diverges (the accesses never change).
 */
const untrackedCounter: Scenario<Params> = {
  name: "untracked-counter",
  summary: "test",
  defaults: {},
  setup(world) {
    const counter = { value: 0 };
    for (const name of ["w1", "w2"]) {
      world.spawn(
        name,
        (function* (): Actor {
          const seen = counter.value;
          yield "write";
          counter.value = seen + 1;
        })(),
      );
    }
    world.atEnd("no lost update", () =>
      counter.value === 2 ? undefined : `counter is ${counter.value}`,
    );
  },
};

describe("the probe after a search", () => {
  it("finds the executions that end otherwise than the search's one of the same trace", () => {
    const c = exploreSystematic({
      scenario: untrackedCounter,
      params: {},
      stop_on_first: false,
      probe: 50,
    });
    // What dpor alone says, and why it is wrong.
    expect(c.executions).toBe(1);
    expect(c.failures).toEqual([]);
    expect(c.divergent_replays).toBe(0);
    const p = c.probe;
    expect(p?.executions).toBe(50);
    expect(p?.unmatched).toBe(0);
    expect(p?.differing).toBeGreaterThan(0);
    expect(p?.first?.ended).toContain("violation of no lost update");
    expect(p?.first?.search_ended).toContain("completed");
    expect(verdict(c)).toContain("the scenario shares state the world does not track");
    // The differing execution is replayable, and loses the update again.
    const schedule = p?.first?.run.schedule;
    expect(schedule).toBeDefined();
    if (schedule === undefined) return;
    const again = runOnce(untrackedCounter, {}, new ReplayStrategy(schedule.decisions));
    expect(again?.outcome.kind).toBe("violation");
  });

  it("finds nothing when every shared state is tracked", () => {
    const c = exploreSystematic({
      scenario: counterScenario as unknown as Scenario<Params>,
      params: { workers: 3 },
      stop_on_first: false,
      probe: 50,
    });
    expect(c.exhausted).toBe(true);
    expect(c.probe).toEqual({ executions: 50, differing: 0, unmatched: 0 });
    expect(verdict(c)).not.toContain("does not track");
  });

  it("does not run unless asked for, and refuses a bad count", () => {
    const c = exploreSystematic({ scenario: untrackedCounter, params: {} });
    expect(c.probe).toBeUndefined();
    expect(() => exploreSystematic({ scenario: untrackedCounter, params: {}, probe: -1 })).toThrow(
      /probe/,
    );
  });
});
