import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { programArbitrary, programScenario } from "./dpor/random-program.ts";
import { spawnWriters } from "./dpor/search-traces.ts";
import { NondeterminismError } from "./errors.ts";
import { filesystemScenario, readersScenario } from "./examples/dpor/index.ts";
import type { Cell } from "./objects/cell.ts";
import { explore, runOnce } from "./runner.ts";
import type { Scenario } from "./scenario.ts";
import { DporStrategy } from "./strategies/dpor.ts";
import type { Strategy } from "./strategy.ts";
import type { Params, Yielded } from "./types.ts";
import type { World } from "./world.ts";

/**
 * dpor, with or without its replayedOptions (the engine then evaluates every predicate
 * again), logging each step's options as onStep sees them; `known` counts the steps whose
 * options came from the replay.
 */
function logged(inner: DporStrategy, replayed: boolean, lines: string[], known: number[]) {
  const strategy: Strategy = {
    name: inner.name,
    beginExecution: () => inner.beginExecution(),
    observe: (w) => inner.observe(w),
    checkedSteps: () => inner.checkedSteps(),
    pickStep: (enabled, current, step) => inner.pickStep(enabled, current, step),
    pickChoice: (n) => inner.pickChoice(n),
    onStep: (info) => {
      lines.push(`${info.index} ${info.decision} [${info.enabled.join(",")}]`);
      inner.onStep(info);
    },
    endExecution: () => inner.endExecution(),
  };
  if (!replayed) return strategy;
  return {
    ...strategy,
    replayedOptions: (step: number) => {
      const options = inner.replayedOptions(step);
      if (options !== null) known[0] = (known[0] ?? 0) + 1;
      return options;
    },
  };
}

/** Every execution of a dpor search, as its outcome and its steps with their options. */
function search<P extends Params>(scenario: Scenario<P>, params: P, replayed: boolean) {
  const lines: string[] = [];
  const known = [0];
  const strategy = logged(new DporStrategy(), replayed, lines, known);
  for (let i = 0; i < 5_000; i++) {
    const r = runOnce(scenario, params, strategy, { index: i });
    if (r === null) break;
    lines.push(`end ${r.outcome.kind} after ${r.steps}`);
  }
  return { lines, known: known[0] as number };
}

describe("options of replayed steps, taken from the execution that first ran them", () => {
  it.each([
    ["filesystem(14)", filesystemScenario as Scenario<Params>, { n: 14 }],
    ["readers(4)", readersScenario as Scenario<Params>, { n: 4 }],
  ])("are the options the engine finds itself, and dpor searches alike (%s)", (_, s, params) => {
    const fast = search(s, params, true);
    const slow = search(s, params, false);
    expect(fast.known).toBeGreaterThan(0);
    expect(slow.known).toBe(0);
    expect(fast.lines).toEqual(slow.lines);
  });

  it("are the options the engine finds itself on programs with waits and timers", () => {
    fc.assert(
      fc.property(programArbitrary({ timeouts: true }), (program) => {
        const s = programScenario(program) as Scenario<Params>;
        expect(search(s, {}, true).lines).toEqual(search(s, {}, false).lines);
      }),
      { numRuns: 40, seed: 20_261_127 },
    );
  });

  it("stop the search when the actor to replay cannot run: the scenario is not deterministic", () => {
    // `left` waits, on a predicate that never holds, at a step that the first execution ran
    // at once.
    const scenario = untracked("untracked-wait", (world, execution) => {
      const never = world.cell("never", false);
      leftRacesRight(world, () =>
        execution > 1 ? world.until(() => never.get(), { label: "stuck" }) : "go",
      );
    });
    expect(divergence(scenario)).toMatch(/dpor: replay diverged at step 1: left cannot run/);
  });

  it("stop the search, not crash the actor, when a replayed waiter's predicate throws", () => {
    // `left`'s predicate held when step 1 first ran; from the second execution on it throws
    // there. A fresh step's predicate that throws is the actor's crash (collectEnabled
    // reports it before the step runs); a replayed step's held when it was logged, so on
    // replay it is a divergence.
    const scenario = untracked("untracked-throw", (world, execution) => {
      leftRacesRight(world, () =>
        world.until(
          () => {
            if (execution > 1) throw new Error("predicate of another execution");
            return true;
          },
          { label: "wait" },
        ),
      );
    });
    expect(divergence(scenario)).toMatch(/dpor: replay diverged at step 1: left cannot run/);
  });

  it("stop the search when a replayed timer would not be offered: its waiter can wake", () => {
    // w's predicate holds from the second execution on, so the timer that the first one
    // fired at step 3 is no option when it is replayed.
    const scenario = untracked("untracked-timer", (world, execution) => {
      const flag = world.cell("flag", false);
      const a = world.cell("a", 0);
      world.spawn(
        "w",
        (function* () {
          const later = execution > 1;
          yield world.until(() => flag.get() || later, { label: "wait", timeout_ms: 10 });
        })(),
      );
      racingSleepers(world, a, 20);
    });
    expect(divergence(scenario)).toMatch(/dpor: replay diverged at step 3: w cannot run/);
  });

  it("stop the search when a replayed timer is held back by another waiter's earlier one", () => {
    // From the second execution on, w2's sleep ends before w1's timeout: only the earliest
    // timer is offered, so w1's timer, fired at step 4 the first time, is no option then,
    // though w1 still waits on a predicate that is false.
    const scenario = untracked("untracked-deadline", (world, execution) => {
      const flag = world.cell("flag", false);
      const a = world.cell("a", 0);
      world.spawn(
        "w1",
        (function* () {
          yield world.until(() => flag.get(), { label: "wait", timeout_ms: 10 });
        })(),
      );
      world.spawn(
        "w2",
        (function* () {
          yield world.sleep(execution > 1 ? 5 : 20, "nap");
        })(),
      );
      racingSleepers(world, a, 30);
    });
    expect(divergence(scenario)).toMatch(/dpor: replay diverged at step 4: w1 cannot run/);
  });

  it("name the waiter whose predicate throws when a replayed timer is checked", () => {
    // From the second execution on, `odd`'s predicate throws. A replayed step evaluates only
    // its own actor's predicate, so the first to look at odd's is the check of w's timer,
    // fired at step 4 the first time, which looks at every waiter.
    const scenario = untracked("untracked-timer-throw", (world, execution) => {
      const a = world.cell("a", 0);
      world.spawn(
        "w",
        (function* () {
          yield world.until(() => false, { label: "wait", timeout_ms: 10 });
        })(),
      );
      world.spawn(
        "odd",
        (function* () {
          yield world.until(
            () => {
              if (execution > 1) throw new Error("predicate of another execution");
              return false;
            },
            { label: "never" },
          );
        })(),
        { daemon: true },
      );
      racingSleepers(world, a, 20);
    });
    expect(divergence(scenario)).toMatch(
      /dpor: replay diverged at step 4: odd's wait predicate threw \(predicate of another execution\)/,
    );
  });

  it("stop the search with the same error when the actor to replay was never spawned", () => {
    // `extra`, spawned by `starter`'s step in the first execution only, runs step 1 and
    // lets the others race. (Spawned by the setup, dpor refuses it sooner: see below.)
    const scenario = untracked("untracked-spawn", (world, execution) => {
      const go = world.cell("go", false);
      const a = world.cell("a", 0);
      world.spawn(
        "starter",
        // biome-ignore lint/correctness/useYield: a one-step actor: its whole body is one atomic step
        (function* () {
          if (execution !== 1) return;
          world.spawn(
            "extra",
            (function* () {
              go.set(true);
              yield "done";
            })(),
          );
        })(),
      );
      spawnWaiters(world, go, a);
    });
    expect(divergence(scenario)).toMatch(
      /dpor: replay diverged at step 3: actor 3, which this execution has not spawned, cannot run there now: the scenario is not/,
    );
  });

  it("stop the search when a replayed step's data choice has another range", () => {
    // From review: a range that shrank after the 7th execution turned the replayed value
    // into an "infeasible" branch, and dpor said "no failure over all interleavings" where
    // exhaustive finds the violation; a range that grew was replayed silently.
    // (The range changes at the first execution that replays p's step with that many values.)
    const cases = [
      { before: 5, after: 4, from: 8 },
      { before: 2, after: 3, from: 2 },
    ];
    for (const { before, after, from } of cases) {
      const scenario = untracked("drifting-range", (world, execution) => {
        const range = execution >= from ? after : before;
        const y = world.cell("y", 0);
        const x = world.cell("x", 0);
        world.spawn(
          "p",
          (function* () {
            y.set(world.choose(range, "v"));
            yield "s";
          })(),
        );
        spawnWriters(world, x);
      });
      expect(divergence(scenario)).toContain(
        `dpor: a replayed step's data choice 0 had ${before} values when the step first ran and now has ${after}`,
      );
    }
  });

  it("stop the search when a replayed step makes fewer data choices than when it first ran", () => {
    // p's step is replayed by the second execution, which reverses a and b's race.
    const scenario = untracked("fewer-choices", (world, execution) => {
      const x = world.cell("x", 0);
      const y = world.cell("y", 0);
      world.spawn(
        "p",
        (function* () {
          y.set(execution > 1 ? 0 : world.choose(2, "v"));
          yield "s";
        })(),
      );
      spawnWriters(world, x);
    });
    expect(divergence(scenario)).toMatch(
      /dpor: replayed step 0 made 0 data choices, and 1 when it first ran/,
    );
  });

  it("refuse a setup that spawns another actor than the execution before, before any replay", () => {
    const scenario = untracked("untracked-setup-spawn", (world, execution) => {
      const go = world.cell("go", false);
      const a = world.cell("a", 0);
      spawnWaiters(world, go, a);
      if (execution === 1) {
        world.spawn(
          "extra",
          (function* () {
            go.set(true);
            yield "done";
          })(),
        );
      }
    });
    expect(divergence(scenario)).toMatch(
      /dpor: the setup made actors \[left, right\] and objects \[go, a\], where an earlier execution made \[left, right, extra\] and \[go, a\]/,
    );
  });
});

/**
 * `left` yields `first()` at its first step, then writes `a` at its third; `right` writes
 * `a` at once. Their writes race, so the second execution branches at left's write (step
 * 2) and replays left's two steps before it.
 */
function leftRacesRight(world: World, first: () => Yielded): void {
  const a = world.cell("a", 0);
  world.spawn(
    "left",
    (function* () {
      yield first();
      yield "write";
      a.set(1);
    })(),
    { label: "start" },
  );
  world.spawn(
    "right",
    (function* () {
      a.set(2);
      yield "done";
    })(),
    { label: "write" },
  );
}

/**
 * Two actors, y and z, that sleep `ms` and then write `a`: their timers race, so the search
 * branches after the steps before them and replays those.
 */
function racingSleepers(world: World, a: Cell<number>, ms: number): void {
  for (const [name, value] of [
    ["y", 1],
    ["z", 2],
  ] as const) {
    world.spawn(
      name,
      (function* () {
        yield world.sleep(ms, "nap");
        a.set(value);
      })(),
    );
  }
}

/**
 * A scenario that is not deterministic: its setup also gets the number of the execution
 * (1, 2, ...), state the world does not track.
 */
function untracked(
  name: string,
  build: (world: World, execution: number) => void,
): Scenario<Params> {
  let execution = 0;
  return {
    name,
    summary: "a scenario whose setup depends on how many executions ran before",
    defaults: {},
    setup(world) {
      execution++;
      build(world, execution);
    },
  };
}

/** `left` and `right` wait for `go`, then write 1 and 2 to `a`: they race once woken. */
function spawnWaiters(world: World, go: Cell<boolean>, a: Cell<number>): void {
  for (const [name, value] of [
    ["left", 1],
    ["right", 2],
  ] as const) {
    world.spawn(
      name,
      (function* () {
        yield world.until(() => go.get(), { label: "wait" });
        a.set(value);
      })(),
    );
  }
}

/** The NondeterminismError that a dpor search of the scenario stops with, as text. */
function divergence(scenario: Scenario<Params>): string {
  try {
    explore({
      scenario,
      params: {},
      strategy: new DporStrategy(),
      max_executions: 20,
      stop_on_first: false,
    });
  } catch (e) {
    expect(e).toBeInstanceOf(NondeterminismError);
    expect(String(e)).toMatch(/the scenario is not deterministic/);
    return String(e);
  }
  throw new Error("the search did not stop");
}
