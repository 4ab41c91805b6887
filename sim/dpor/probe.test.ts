import { describe, expect, it } from "vitest";
import { counterScenario } from "../examples/counter.ts";
import { lastzeroScenario } from "../examples/dpor/index.ts";
import { runOnce } from "../runner.ts";
import type { Scenario } from "../scenario.ts";
import { ReplayStrategy } from "../strategies/replay.ts";
import type { Actor, Params } from "../types.ts";
import { verdict } from "./coverage.ts";
import { testScenario } from "./search-traces.ts";
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
    // dpor alone: one execution, which does not lose the update, and no replay diverged.
    expect(c.executions).toBe(1);
    expect(c.divergent_replays).toBe(0);
    const p = c.probe;
    expect(p?.executions).toBe(50);
    expect(p?.unmatched).toBe(0);
    expect(p?.differing).toBeGreaterThan(0);
    expect(p?.first?.ended).toBe("violation of no lost update");
    expect(p?.first?.search_ended).toBe("completed");
    expect(verdict(c)).toContain("the scenario shares state the world does not track");
    // The probe's failing execution is reported as a failure, numbered after the search's.
    expect(c.failures.map((f) => [f.outcome.kind, f.execution >= 1])).toEqual([
      ["violation", true],
    ]);
    // The differing execution is replayable, and loses the update again.
    const schedule = p?.first?.run.schedule;
    expect(schedule).toBeDefined();
    if (schedule === undefined) return;
    const again = runOnce(untrackedCounter, {}, new ReplayStrategy(schedule.decisions));
    expect(again?.outcome.kind).toBe("violation");
  });

  it("finds nothing when every shared state is tracked, and does not run after a failure", () => {
    const c = exploreSystematic({
      scenario: lastzeroScenario as unknown as Scenario<Params>,
      params: { n: 3 },
      probe: 50,
    });
    expect(c.exhausted).toBe(true);
    expect(c.failures).toEqual([]);
    expect(c.probe).toEqual({ executions: 50, differing: 0, unmatched: 0 });
    expect(verdict(c)).toContain("no failure over all interleavings");
    const failing = exploreSystematic({
      scenario: counterScenario as unknown as Scenario<Params>,
      params: { workers: 2 },
      probe: 50,
    });
    expect(failing.failures.length).toBe(1);
    expect(failing.probe).toBeUndefined();
  });

  it("finds traces the search never ran (untracked state that changes which steps run)", () => {
    // b takes an extra step, which sets x, when it runs before a has raised a flag kept
    // in a plain variable. To dpor a and b share nothing: it runs a first, where b takes
    // no extra step, and is done. (A setup's data choice was such a gap of dpor's own,
    // found this way; now it is searched: setup-choices.test.ts.)
    const flagged = testScenario("untracked-flag", (world) => {
      const x = world.cell("x", 0);
      const flag = { raised: false };
      world.spawn(
        "a",
        (function* (): Actor {
          flag.raised = true;
          yield "s";
        })(),
      );
      world.spawn(
        "b",
        (function* (): Actor {
          if (!flag.raised) {
            x.set(1);
            yield "extra";
          }
          yield "s";
        })(),
      );
      world.atEnd("x stays 0", () => (x.get() === 1 ? "x is 1" : undefined));
    });
    expect(exploreSystematic({ scenario: flagged, params: {} }).failures).toEqual([]);
    const c = exploreSystematic({ scenario: flagged, params: {}, probe: 50 });
    expect(c.probe?.differing).toBe(0);
    expect(c.probe?.unmatched).toBeGreaterThan(0);
    expect(c.probe?.first?.search_ended).toBeNull();
    expect(c.failures.map((f) => f.outcome.kind)).toEqual(["violation"]);
    // Had no probe execution failed, the verdict would still not call it every interleaving.
    const quiet = { ...c, failures: [], outcomes: { ...c.outcomes, violation: 0 } };
    expect(verdict(quiet)).toContain("it missed interleavings here");
  });

  it("does not run unless asked for, and refuses a bad count", () => {
    const c = exploreSystematic({ scenario: untrackedCounter, params: {} });
    expect(c.probe).toBeUndefined();
    expect(() => exploreSystematic({ scenario: untrackedCounter, params: {}, probe: -1 })).toThrow(
      /probe/,
    );
  });
});
