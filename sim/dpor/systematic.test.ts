import { describe, expect, it } from "vitest";
import { counterScenario } from "../examples/counter.ts";
import type { Scenario } from "../scenario.ts";
import type { Actor } from "../types.ts";
import { verdict } from "./coverage.ts";
import { exploreSystematic } from "./systematic.ts";

/** Two sleepers and a writer: timers fire in every execution. */
const sleepers: Scenario<Record<string, never>> = {
  name: "sleepers",
  summary: "two actors sleep and write a shared cell",
  defaults: {},
  setup(world) {
    const cell = world.cell("c", 0);
    for (const name of ["a", "b"]) {
      world.spawn(
        name,
        (function* (): Actor {
          yield world.sleep(10);
          cell.set(cell.get() + 1);
        })(),
      );
    }
  },
};

/** Two actors that each make an object: the world's creation order is the interleaving's. */
const makers: Scenario<Record<string, never>> = {
  name: "makers",
  summary: "two actors each create a cell",
  defaults: {},
  setup(world) {
    for (const name of ["a", "b"]) {
      world.spawn(
        name,
        (function* (): Actor {
          yield "make";
          world.cell(`${name}.made`, 1);
        })(),
      );
    }
  },
};

describe("exploreSystematic", () => {
  it("counts final states by object name, whatever order the objects were made in", () => {
    const c = exploreSystematic({
      scenario: makers,
      params: {},
      strategy: "exhaustive",
      stop_on_first: false,
    });
    expect(c.executions).toBeGreaterThan(1);
    expect(c.final_states).toBe(1);
  });

  it("says 'all interleavings' only for an exhausted dpor run that met no wait or timer", () => {
    const counter = exploreSystematic({
      scenario: counterScenario,
      params: { workers: 2 },
      strategy: "dpor",
      stop_on_first: false,
    });
    expect(counter.known_gap).toBe(false);
    expect(verdict(counter)).not.toContain("no failure over all interleavings"); // it fails
    const timed = exploreSystematic({ scenario: sleepers, params: {}, strategy: "dpor" });
    expect(timed.exhausted).toBe(true);
    expect(timed.known_gap).toBe(true);
    expect(verdict(timed)).toContain("confirm with --strategy exhaustive");
    const plain = exploreSystematic({ scenario: sleepers, params: {}, strategy: "exhaustive" });
    expect(verdict(plain)).toContain("no failure over all interleavings");
  });

  it("is exhausted when its execution bound ends right after the space's last execution", () => {
    for (const strategy of ["dpor", "exhaustive"] as const) {
      const all = exploreSystematic({
        scenario: counterScenario,
        params: { workers: 2 },
        strategy,
        stop_on_first: false,
      });
      expect(all.exhausted).toBe(true);
      const runs = all.executions + all.sleep_blocked + all.infeasible;
      const exact = exploreSystematic({
        scenario: counterScenario,
        params: { workers: 2 },
        strategy,
        stop_on_first: false,
        max_executions: runs,
      });
      expect(exact.exhausted).toBe(true);
      expect(exact.bounds).toEqual([]);
      const short = exploreSystematic({
        scenario: counterScenario,
        params: { workers: 2 },
        strategy,
        stop_on_first: false,
        max_executions: runs - 1,
      });
      expect(short.exhausted).toBe(false);
      expect(short.bounds).toEqual([`execution bound ${runs - 1}`]);
    }
  });

  it("is not exhausted when it stopped at a failure, whatever its execution bound", () => {
    // One choice; its second value, the space's last execution, breaks the check.
    const lastFails: Scenario<Record<string, never>> = {
      name: "last-fails",
      summary: "the second value of a choice fails",
      defaults: {},
      setup(world) {
        const cell = world.cell("c", 0);
        world.spawn(
          "chooser",
          (function* (): Actor {
            cell.set(world.choose(2));
            yield "done";
          })(),
        );
        world.atEnd("zero", () => (cell.peek() === 0 ? undefined : "chose 1"));
      },
    };
    for (const strategy of ["dpor", "exhaustive"] as const) {
      for (const max_executions of [undefined, 2]) {
        const c = exploreSystematic({
          scenario: lastFails,
          params: {},
          strategy,
          ...(max_executions === undefined ? {} : { max_executions }),
        });
        expect(c.failures).toHaveLength(1);
        expect(c.exhausted).toBe(false);
      }
    }
  });

  it("hunts past failures that stop_when rejects", () => {
    const all = exploreSystematic({
      scenario: counterScenario,
      params: { workers: 2 },
      strategy: "exhaustive",
      stop_on_first: false,
    });
    const hunted = exploreSystematic({
      scenario: counterScenario,
      params: { workers: 2 },
      strategy: "exhaustive",
      stop_when: () => false,
    });
    expect(hunted.exhausted).toBe(true);
    expect(hunted.failures.length).toBe(all.failures.length);
    expect(hunted.failures.length).toBeGreaterThan(1);
  });

  it("stops at its wall-clock budget and says so", () => {
    const c = exploreSystematic({
      scenario: counterScenario,
      params: { workers: 3 },
      strategy: "exhaustive",
      stop_on_first: false,
      budget_ms: 0,
    });
    expect(c.executions).toBe(1);
    expect(c.exhausted).toBe(false);
    expect(c.bounds).toEqual(["time budget 0 ms"]);
  });

  it("stops when halted from outside, says why, and skips the probe, unless the space was done", () => {
    // One actor choosing among `values`: as many executions as values. The halt is asked
    // every 64 executions (here, always true).
    const choosing = (values: number): Scenario<Record<string, never>> => ({
      name: "choosing",
      summary: "one step that chooses",
      defaults: {},
      setup(world) {
        world.spawn(
          "p",
          // biome-ignore lint/correctness/useYield: a one-step actor: its whole body is one atomic step
          (function* (): Actor {
            world.choose(values, "v");
          })(),
        );
      },
    });
    const halt = { now: () => true, reason: "stopped from outside" };
    for (const strategy of ["dpor", "exhaustive"] as const) {
      const cut = exploreSystematic({
        scenario: choosing(200),
        params: {},
        strategy,
        halt,
        probe: 50,
      });
      expect(cut.executions).toBe(63);
      expect(cut.exhausted).toBe(false);
      expect(cut.bounds).toEqual(["stopped from outside"]);
      expect(cut.probe).toBeUndefined();
      // From review: a space of exactly 63 executions was done, not halted.
      const done = exploreSystematic({ scenario: choosing(63), params: {}, strategy, halt });
      expect(done.exhausted).toBe(true);
      expect(done.bounds).toEqual([]);
    }
  });
});
