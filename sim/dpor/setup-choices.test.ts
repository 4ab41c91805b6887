import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NondeterminismError } from "../errors.ts";
import type { Actor } from "../types.ts";
import type { World } from "../world.ts";
import { verdict } from "./coverage.ts";
import { programArbitrary, programScenario } from "./random-program.ts";
import {
  compareWithEnumeration,
  MATCHES_ENUMERATION,
  searchTraces,
  spawnWriters,
  testScenario,
} from "./search-traces.ts";
import { exploreSystematic } from "./systematic.ts";
import { walkTrace } from "./walk.ts";

const RUNS = Number(process.env.STREAMSIM_PROPERTY_RUNS ?? 60);
const SEED = Number(process.env.STREAMSIM_PROPERTY_SEED ?? 20_261_127);

/** `a` increments x, `b` only yields; the check fails when x ends at 2. */
function startingAt(initial: (world: World) => number) {
  return testScenario("setup-choice", (world) => {
    const x = world.cell("x", initial(world));
    world.spawn(
      "a",
      (function* (): Actor {
        x.set(x.get() + 1);
        yield "s";
      })(),
    );
    world.spawn(
      "b",
      (function* (): Actor {
        yield "s";
      })(),
    );
    world.atEnd("not two", () => (x.get() === 2 ? "two" : undefined));
  });
}

function search(scenario: ReturnType<typeof startingAt>, strategy: "dpor" | "exhaustive") {
  return searchTraces(scenario, {}, strategy, { max_executions: 10_000, max_failures: 10_000 });
}

describe("data choices the setup makes", () => {
  it("are searched value by value: dpor finds the value that breaks the check", () => {
    // The probe's review found this: dpor ran the first value only and reported "no
    // failure over all interleavings"; enumeration found "two" at its 7th execution.
    const scenario = startingAt((world) => world.choose(2, "initial"));
    const dpor = search(scenario, "dpor");
    const all = search(scenario, "exhaustive");
    expect(dpor.coverage.failures.map((f) => f.outcome)).toEqual([
      { kind: "violation", property: "not two", message: "two", steps: 4 },
    ]);
    expect(verdict(dpor.coverage)).not.toContain("no failure");
    // One execution per trace: a and b touch nothing in common, so one trace per value.
    expect(dpor.seen).toEqual(["[0] s0 s0 s1 s1", "[1] s0 s0 s1 s1"]);
    expect([...new Set(all.seen)].sort()).toEqual(dpor.seen);
    // The failing schedule starts with the setup's choice, and replays.
    const failing = dpor.coverage.failures[0]?.schedule.decisions[0];
    expect(failing).toBe(1 * 3 + 2);
  });

  it("reach the traces enumeration reaches when a range depends on an earlier value", () => {
    // x starts at the second value: [0,1] and [1,1] end at two.
    const scenario = startingAt((world) => {
      const first = world.choose(2, "first");
      return world.choose(2 + first, "second");
    });
    const dpor = search(scenario, "dpor");
    expect(dpor.seen).toEqual([
      "[0,0] s0 s0 s1 s1",
      "[0,1] s0 s0 s1 s1",
      "[1,0] s0 s0 s1 s1",
      "[1,1] s0 s0 s1 s1",
      "[1,2] s0 s0 s1 s1",
    ]);
    expect([...new Set(search(scenario, "exhaustive").seen)].sort()).toEqual(dpor.seen);
    expect(dpor.coverage.failures.map((f) => f.schedule.decisions.slice(0, 2))).toEqual([
      [0 * 3 + 2, 1 * 3 + 2],
      [1 * 3 + 2, 1 * 3 + 2],
    ]);
  });

  it("reach exactly enumeration's traces, each once, on random programs", () => {
    fc.assert(
      fc.property(programArbitrary({ max_setup_choices: 2 }), fc.nat(), (program, orderSeed) => {
        const compared = compareWithEnumeration(programScenario(program), {}, [orderSeed]);
        fc.pre(compared !== null);
        expect(compared).toEqual([MATCHES_ENUMERATION, MATCHES_ENUMERATION]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("are found again by the walk of a trace that names them", () => {
    const scenario = startingAt((world) => world.choose(2, "initial"));
    expect(walkTrace({ scenario, params: {}, trace: "[1] s0 s0 s1 s1" }).reached).toBe(true);
    expect(() => walkTrace({ scenario, params: {}, trace: "[2] s0 s0 s1 s1" })).toThrow(
      /setup choice 0 is 2, not below 2/,
    );
    expect(() => walkTrace({ scenario, params: {}, trace: "[0,0] s0 s0 s1 s1" })).toThrow(
      /the trace has 2 setup choices, the setup made 1/,
    );
    expect(() => walkTrace({ scenario, params: {}, trace: "s0 s0 s1 s1" })).toThrow(
      /the trace has 0 setup choices, the setup makes more/,
    );
  });

  it("must be made alike by every execution of a vector", () => {
    let runs = 0;
    const fewer = startingAt((world) => (runs++ === 0 ? world.choose(2, "initial") : 0));
    expect(() => exploreSystematic({ scenario: fewer, params: {} })).toThrow(
      /the setup made 0 data choices, where earlier executions made 1 \(this one was to take the values 1\)/,
    );
    // From the review: one more choice in a later execution of the same vector was taken
    // as a new position. (a and b race on x here, so each vector takes two executions.)
    runs = 0;
    const more = testScenario("more", (world) => {
      if (runs++ > 0) world.choose(2, "extra");
      const x = world.cell("x", 0);
      spawnWriters(world, x);
    });
    expect(() => exploreSystematic({ scenario: more, params: {} })).toThrow(
      /the setup made more than 0 data choices, where an earlier execution made 0/,
    );
    runs = 0;
    expect(() => exploreSystematic({ scenario: more, params: {} })).toThrow(NondeterminismError);
  });

  it("are refused when a later execution's setup makes other actors or objects, or others in another order", () => {
    // Found in review: dpor offered the extra actor as a new option at the replayed steps
    // and searched on. (a and b race on x, so the search takes a second execution.)
    let runs = 0;
    const growing = (extra: (world: World) => void) =>
      testScenario("growing", (world) => {
        const x = world.cell("x", 0);
        spawnWriters(world, x);
        if (runs++ > 0) extra(world);
      });
    const actor = growing((world) =>
      world.spawn(
        "c",
        (function* (): Actor {
          yield "s";
        })(),
      ),
    );
    expect(() => exploreSystematic({ scenario: actor, params: {} })).toThrow(
      /dpor: the setup made actors \[a, b, c\] and objects \[x\], where an earlier execution made \[a, b\] and \[x\]: the scenario is not deterministic/,
    );
    runs = 0;
    const object = growing((world) => world.cell("y", 0));
    expect(() => exploreSystematic({ scenario: object, params: {} })).toThrow(
      /made actors \[a, b\] and objects \[x, y\], where an earlier execution made \[a, b\] and \[x\]/,
    );
    // The same number in another order (from review: dpor said "no failure" where the
    // deterministic scenario fails): the actors' ids, and so every replayed pick, swap.
    runs = 0;
    const swapped = testScenario("swapped", (world) => {
      const x = world.cell("x", 0);
      for (const name of runs++ < 1 ? ["a", "b"] : ["b", "a"]) {
        world.spawn(
          name,
          (function* (): Actor {
            x.set(name === "a" ? 1 : 2);
            yield "s";
          })(),
        );
      }
    });
    expect(() => exploreSystematic({ scenario: swapped, params: {} })).toThrow(
      /made actors \[b, a\] and objects \[x\], where an earlier execution made \[a, b\] and \[x\]/,
    );
    // Each vector of the setup's values may make its own: here the value decides the spawn.
    const deciding = testScenario("deciding", (world) => {
      const x = world.cell("x", 0);
      const n = 1 + world.choose(2, "actors");
      for (let i = 0; i < n; i++) {
        world.spawn(
          `w${i}`,
          (function* (): Actor {
            x.set(x.get() + 1);
            yield "s";
          })(),
        );
      }
    });
    const c = exploreSystematic({ scenario: deciding, params: {}, stop_on_first: false });
    expect(c.exhausted).toBe(true);
    expect(c.executions).toBe(3);
  });
});
