import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lastzeroScenario } from "../examples/dpor/index.ts";
import type { Cell } from "../objects/cell.ts";
import type { Scenario } from "../scenario.ts";
import type { Actor, Params } from "../types.ts";
import type { World } from "../world.ts";
import { verdict } from "./coverage.ts";
import { invariantArbitrary, programArbitrary, programScenario } from "./random-program.ts";
import { searchTraces, testScenario } from "./search-traces.ts";
import type { SystematicKind } from "./systematic.ts";

const RUNS = Number(process.env.STREAMSIM_PROPERTY_RUNS ?? 60);
const SEED = Number(process.env.STREAMSIM_PROPERTY_SEED ?? 20_261_127);

function search<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  strategy: SystematicKind,
  seed?: number,
) {
  const { coverage, seen } = searchTraces(scenario, params, strategy, {
    max_executions: 100_000,
    max_failures: 100_000,
    ...(seed === undefined ? {} : { seed }),
  });
  return { ...coverage, seen };
}

/** The distinct failures of a search: what broke, and after how many steps. */
function failureKinds(s: ReturnType<typeof search>): Set<string> {
  return new Set(s.failures.map((f) => JSON.stringify(f.outcome)));
}

/** The distinct failures of a search by name: the property a violation broke, or the outcome. */
function broken(s: ReturnType<typeof search>): string[] {
  const names = s.failures.map((f) =>
    f.outcome.kind === "violation" ? f.outcome.property : f.outcome.kind,
  );
  return [...new Set(names)].sort();
}

/** A test scenario without parameters. */
/** Spawns an actor that sets `cell` to 1 in its first step. */
function setsToOne(world: World, name: string, cell: Cell<number>): void {
  world.spawn(
    name,
    (function* (): Actor {
      cell.set(1);
      yield "done";
    })(),
  );
}

/**
 * Two actors set one cell each, in one step; the invariant "x is never set while y is not"
 * breaks only in the state between the steps when x's comes first. The two steps touch
 * nothing in common: without the invariant's reads in them they are one trace, and dpor
 * ran the order the actors were spawned in.
 */
function xWithoutY(xFirst: boolean): Scenario {
  return testScenario("x-without-y", (world) => {
    const x = world.cell("x", 0);
    const y = world.cell("y", 0);
    if (xFirst) setsToOne(world, "sets x", x);
    setsToOne(world, "sets y", y);
    if (!xFirst) setsToOne(world, "sets x", x);
    // peek: how checks read state (unrecorded for the steps, but not for the search).
    world.invariant("x needs y", () =>
      x.peek() === 1 && y.peek() === 0 ? "x set before y" : undefined,
    );
  });
}

describe("dpor with invariants", () => {
  for (const xFirst of [false, true]) {
    it(`finds a violation that only an interleaving of independent steps shows (${xFirst ? "x" : "y"} spawned first)`, () => {
      const dpor = search(xWithoutY(xFirst), {}, "dpor");
      const all = search(xWithoutY(xFirst), {}, "exhaustive");
      expect(broken(all)).toEqual(["x needs y"]);
      expect(broken(dpor)).toEqual(["x needs y"]);
      expect(verdict(dpor)).not.toContain("no failure");
      // Every trace, the failing one and those where y is set first. (With x spawned first,
      // dpor met the violation at once and never ran y's step before x's: one trace.)
      expect(dpor.traces).toBe(all.traces);
      expect(new Set(dpor.seen)).toEqual(new Set(all.seen));
    });
  }

  it("goes on past a failure: the other options of the failing step's node are explored", () => {
    // Whichever actor runs first breaks an invariant at once; a search that goes on after
    // the first failure must still try the other actor first.
    const firstWins = testScenario("first-wins", (world) => {
      const x = world.cell("x", 0);
      const y = world.cell("y", 0);
      setsToOne(world, "sets x", x);
      setsToOne(world, "sets y", y);
      world.invariant("x needs y", () =>
        x.peek() === 1 && y.peek() === 0 ? "x first" : undefined,
      );
      world.invariant("y needs x", () =>
        y.peek() === 1 && x.peek() === 0 ? "y first" : undefined,
      );
    });
    expect(broken(search(firstWins, {}, "exhaustive"))).toEqual(["x needs y", "y needs x"]);
    expect(broken(search(firstWins, {}, "dpor"))).toEqual(["x needs y", "y needs x"]);
  });

  it("goes on past a wait predicate that throws: a deadlock behind it is found", () => {
    // The review's program: b's write makes the waiter's predicate throw (a crash before
    // any step runs) unless c ran first, and then the waiter never wakes (a deadlock).
    const boom = testScenario("boom", (world) => {
      const x = world.cell("x", 0);
      const z = world.cell("z", 0);
      world.spawn(
        "waiter",
        (function* (): Actor {
          yield world.until(() => {
            if (x.get() === 1) throw new Error("boom");
            return false;
          });
        })(),
      );
      world.spawn(
        "b",
        (function* (): Actor {
          if (z.get() === 0) x.set(1);
          yield "done";
        })(),
      );
      world.spawn(
        "c",
        (function* (): Actor {
          z.set(1);
          yield "done";
        })(),
      );
    });

    expect(broken(search(boom, {}, "exhaustive"))).toEqual(["crash", "deadlock"]);
    expect(broken(search(boom, {}, "dpor"))).toEqual(["crash", "deadlock"]);
  });

  it("leaves the search alone when the invariants read no tracked object", () => {
    // An invariant over state the steps keep outside tracked objects (the protocol's tab
    // flags) reads nothing the search orders: lastzero(5) keeps its well-known count.
    const flagged: Scenario<Params> = {
      ...(lastzeroScenario as unknown as Scenario<Params>),
      setup(world, params) {
        lastzeroScenario.setup(world, params as never);
        const flags = { raised: 0 };
        world.invariant("no flag", () => (flags.raised === 0 ? undefined : "flagged"));
      },
    };
    const plain = search(lastzeroScenario as unknown as Scenario<Params>, { n: 5 }, "dpor");
    const checked = search(flagged, { n: 5 }, "dpor");
    expect(checked.executions).toBe(plain.executions);
    expect(checked.traces).toBe(plain.traces);
  });

  it("reaches the traces and the failures that enumeration reaches, on random programs with random invariants", () => {
    fc.assert(
      fc.property(
        programArbitrary().chain((p) => fc.tuple(fc.constant(p), invariantArbitrary(p.cells))),
        fc.nat(),
        ([program, invariant], orderSeed) => {
          const scenario = programScenario(program, 1_000, invariant);
          const all = search(scenario, {}, "exhaustive");
          fc.pre(all.exhausted);
          for (const seed of [undefined, orderSeed]) {
            const dpor = search(scenario, {}, "dpor", seed);
            expect(dpor.exhausted).toBe(true);
            // One complete execution per trace, every trace enumeration reaches: those that
            // end in a violation (between two steps that touch nothing in common) too.
            expect(new Set(dpor.seen).size).toBe(dpor.seen.length);
            expect([...new Set(dpor.seen)].sort()).toEqual([...new Set(all.seen)].sort());
            expect(failureKinds(dpor)).toEqual(failureKinds(all));
          }
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
