import { describe, expect, it } from "vitest";
import { exploreSystematic } from "./dpor/systematic.ts";
import { ModelError, OptionError, ScenarioParamsError, SeedError } from "./errors.ts";
import { explore, runOnce } from "./runner.ts";
import { resolveParams, type Scenario, ScenarioRegistry } from "./scenario.ts";
import { formatSchedule } from "./schedule.ts";
import { RandomStrategy } from "./strategies/random.ts";
import { checkDeterminism } from "./trace.ts";
import type { Actor, Outcome } from "./types.ts";
import { World } from "./world.ts";

// What a user who writes a scenario gets wrong, said in words about their code, not as a
// TypeError from inside the engine that reads as their model's own crash.

function scenario(setup: (world: World) => void): Scenario {
  return { name: "t", summary: "test", defaults: {}, setup };
}

function outcomeOf(setup: (world: World) => void): Outcome {
  const r = runOnce(scenario(setup), {}, new RandomStrategy(0));
  if (r === null) throw new Error("strategy refused to start");
  return r.outcome;
}

function* oneStep(): Actor {
  yield "step";
}

describe("an actor that is not a generator object", () => {
  const cases: [string, unknown, RegExp][] = [
    ["a generator function not called", oneStep, /got a GeneratorFunction; actors are/],
    ["a plain function", () => 1, /got a function; actors are/],
    ["an async function's promise", (async () => 1)(), /got a Promise \(an async function's\?\)/],
    ["an async generator", (async function* () {})(), /got an async generator; actors are/],
    ["undefined", undefined, /got undefined; actors are generator objects/],
  ];
  for (const [what, actor, says] of cases) {
    it(`is refused at spawn: ${what}`, () => {
      const spawn = () => outcomeOf((w) => w.spawn("a", actor as Actor));
      expect(spawn).toThrow(ModelError);
      expect(spawn).toThrow(says);
    });
  }
});

describe("an actor that yields what the engine cannot schedule", () => {
  const cases: [string, unknown, string][] = [
    ["a number", 5, "5"],
    ["a bare yield", undefined, "undefined"],
    ["a promise", Promise.resolve(), "a Promise"],
    ["an object that is not a wait", { label: "x" }, "an object"],
  ];
  for (const [what, value, said] of cases) {
    it(`crashes, saying what it yielded: ${what}`, () => {
      const o = outcomeOf((w) =>
        w.spawn(
          "a",
          (function* (): Actor {
            yield value as string;
          })(),
        ),
      );
      expect(o).toEqual({
        kind: "crash",
        actor: "a",
        message: `a yielded ${said}; yield a step label (a string), or world.until(...) or world.sleep(...)`,
        steps: 1,
      });
    });
  }

  it("crashes on until with a value instead of a predicate", () => {
    const o = outcomeOf((w) => {
      const c = w.cell("c", 0);
      w.spawn(
        "a",
        (function* (): Actor {
          yield w.until((c.get() > 0) as unknown as () => boolean);
        })(),
      );
    });
    expect(o).toMatchObject({ kind: "crash", actor: "a" });
    expect((o as { message: string }).message).toMatch(
      /^until needs a predicate function \(until\(\(\) => q\.size\(\) > 0\)\), got false$/,
    );
  });
});

describe("a check that throws", () => {
  // An invariant fails after the first step; a final check once the actor's two are done.
  for (const [kind, steps] of [
    ["invariant", 1],
    ["atEnd", 2],
  ] as const) {
    it(`is a violation of that check (${kind})`, () => {
      const o = outcomeOf((w) => {
        w.spawn("a", oneStep());
        w[kind]("check", () => {
          throw new Error("boom");
        });
      });
      expect(o).toEqual({
        kind: "violation",
        property: "check",
        message: "the check threw: boom",
        steps,
      });
    });
  }
});

describe("a wait predicate that throws, under dpor", () => {
  it("is the waiter's crash, as under every strategy, not an error out of the search", () => {
    const s = scenario((w) => {
      const c = w.cell("c", 0);
      w.spawn(
        "waiter",
        (function* (): Actor {
          yield w.until(() => {
            if (c.get() === 0) throw new Error("not yet");
            return true;
          });
        })(),
      );
    });
    const c = exploreSystematic({ scenario: s, params: {}, strategy: "dpor" });
    expect(c.failures).toHaveLength(1);
    expect(c.failures[0]?.outcome).toEqual({
      kind: "crash",
      actor: "waiter",
      message: "not yet",
      steps: 1,
    });
  });
});

describe("options that would run nothing, or lift a bound", () => {
  const s = scenario((w) => w.spawn("a", oneStep()));
  it("refuses a count or a time that is not a number >= 0", () => {
    const bad: [() => unknown, RegExp][] = [
      [
        () =>
          explore({ scenario: s, params: {}, strategy: new RandomStrategy(0), max_executions: -5 }),
        /^max_executions must be a whole number >= 0 \(or Infinity\), got -5$/,
      ],
      [
        () =>
          explore({
            scenario: s,
            params: {},
            strategy: new RandomStrategy(0),
            budget_ms: Number.NaN,
          }),
        /^budget_ms must be a number >= 0 \(or Infinity\), got NaN$/,
      ],
      [
        () => exploreSystematic({ scenario: s, params: {}, max_executions: Number.NaN }),
        /^max_executions must be a whole number/,
      ],
      [
        () => runOnce(s, {}, new RandomStrategy(0), { limits: { max_steps: Number.NaN } }),
        /^max_steps must be a whole number/,
      ],
    ];
    for (const [run, says] of bad) {
      expect(run).toThrow(OptionError);
      expect(run).toThrow(says);
    }
  });

  it("refuses a seed that is not a whole number, which another seed's run would be", () => {
    for (const seed of [Number.NaN, 1.5]) {
      expect(() => new RandomStrategy(seed)).toThrow(SeedError);
      expect(() => exploreSystematic({ scenario: s, params: {}, seed })).toThrow(SeedError);
    }
  });
});

describe("a data choice", () => {
  it("of more values than a schedule can record is the actor's crash, said as such", () => {
    const o = outcomeOf((w) =>
      w.spawn(
        "a",
        (function* (): Actor {
          w.choose(2 ** 32 + 1);
          yield "after";
        })(),
      ),
    );
    expect(o).toEqual({
      kind: "crash",
      actor: "a",
      message: `choose needs n <= 2^32, got ${2 ** 32 + 1}`,
      steps: 1,
    });
  });

  it("of a count that is not a whole number is the actor's crash, said as such", () => {
    const o = outcomeOf((w) =>
      w.spawn(
        "a",
        (function* (): Actor {
          w.choose(1.5);
          yield "after";
        })(),
      ),
    );
    expect(o).toMatchObject({
      kind: "crash",
      message: "choose needs a whole number n >= 1, got 1.5",
    });
  });
});

describe("two of one name", () => {
  // (Two actors may share a name: a kind of actor spawned twice, told apart by its id.)
  it("are refused for tracked objects: traces, reports and final states know them by name", () => {
    const twoX = scenario((w) => {
      w.cell("x", 0);
      w.queue("x");
      w.spawn("a", oneStep());
    });
    // Where the names meet: a search's final states, a trace's.
    expect(() => exploreSystematic({ scenario: twoX, params: {} })).toThrow(
      /^two tracked objects are named 'x'; name each once$/,
    );
  });
});

describe("a scenario that is not deterministic", () => {
  it("is what checkDeterminism reports, as a divergence, not an error about the schedule", () => {
    let runs = 0;
    // A step more from the third run on: state that outlives an execution (a module
    // variable, say). The first run records the schedule, the check runs it twice more.
    const s = scenario((w) => {
      runs++;
      const steps = runs <= 2 ? 1 : 2;
      w.spawn(
        "a",
        (function* (): Actor {
          for (let i = 0; i < steps; i++) yield "step";
        })(),
      );
    });
    const r = runOnce(s, {}, new RandomStrategy(0));
    if (r === null) throw new Error("strategy refused to start");
    const d = checkDeterminism(s, {}, { scenario: "t", params: {}, decisions: r.decisions });
    expect(d).toMatchObject({
      expected: "the schedule to fit the second run as it fit the first",
    });
    expect(d?.actual).toBe(
      "schedule ran out after 2 decisions, but the execution asks for a step at step 2",
    );
  });
});

describe("a parameter a schedule cannot record", () => {
  it("is refused: NaN and Infinity are null in JSON", () => {
    const s: Scenario = { ...scenario(() => {}), defaults: { n: 1 } };
    for (const n of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => resolveParams(s, { n })).toThrow(ScenarioParamsError);
      expect(() => resolveParams(s, { n })).toThrow(
        `scenario 't': parameter 'n' must be a finite number, got ${n}`,
      );
    }
  });
});

describe("a wait predicate that throws after another actor's write, under dpor", () => {
  // The waiter crashes when it is resumed after the write, and breaks another property when
  // it is resumed before it: dpor must reach both, as enumeration does.
  function raced(timeout_ms?: number): Scenario {
    return scenario((w) => {
      const x = w.cell("x", 0);
      w.spawn(
        "writer",
        (function* (): Actor {
          yield "write";
          x.set(1);
        })(),
      );
      w.spawn(
        "waiter",
        (function* (): Actor {
          yield w.until(
            () => {
              if (x.get() === 1) throw new Error("boom");
              return true;
            },
            timeout_ms === undefined ? {} : { timeout_ms },
          );
          w.fail("other-bug", "resumed before the write");
        })(),
      );
    });
  }
  const failures = (s: Scenario, strategy: "dpor" | "exhaustive") =>
    exploreSystematic({ scenario: s, params: {}, strategy, stop_on_first: false })
      .failures.map((f) => (f.outcome.kind === "violation" ? f.outcome.property : f.outcome.kind))
      .sort();
  for (const timeout of [undefined, 50]) {
    it(`reaches every failure that enumeration reaches (${timeout === undefined ? "untimed" : "timed"} wait)`, () => {
      const all = failures(raced(timeout), "exhaustive");
      expect(new Set(all)).toEqual(new Set(["crash", "other-bug"]));
      expect(new Set(failures(raced(timeout), "dpor"))).toEqual(new Set(all));
    });
  }
});

describe("a data choice too wide for a search that branches on every value", () => {
  it("is refused by dpor and exhaustive, in a line that says what to do", () => {
    const wide = (n: number) =>
      scenario((w) =>
        w.spawn(
          "a",
          (function* (): Actor {
            w.choose(n);
            yield "after";
          })(),
        ),
      );
    for (const strategy of ["dpor", "exhaustive"] as const) {
      const run = () => exploreSystematic({ scenario: wide(65_537), params: {}, strategy });
      expect(run).toThrow(OptionError);
      expect(run).toThrow(
        `choose(65537): ${strategy} branches on every value of a data choice, at most 65,536; explore this scenario with random or pct, or choose from fewer values`,
      );
      const c = exploreSystematic({
        scenario: wide(3),
        params: {},
        strategy,
        stop_on_first: false,
      });
      expect(c.executions).toBe(3);
    }
  });
});

describe("a check written wrong", () => {
  // Written as a wait predicate, a check returning true was a violation whose message read
  // "true"; one that is no function failed as "c.check is not a function" (API audit).
  it("that returns a boolean is a violation that says so", () => {
    const o = outcomeOf((w) => {
      w.spawn("a", oneStep());
      w.atEnd("x is 1", () => true as unknown as undefined);
    });
    expect(o).toMatchObject({
      kind: "violation",
      property: "x is 1",
      message:
        "the check returned true, not undefined (it holds) or a message saying what is wrong",
    });
  });

  it("that is not a function is refused where it is registered", () => {
    for (const register of ["atEnd", "invariant"] as const) {
      const world = new World({ pickChoice: () => 0 }, { tracing: false });
      expect(() => world[register]("e", "x" as unknown as () => undefined)).toThrow(
        `${register}('e', ...) needs a function returning undefined or a message, got x`,
      );
    }
  });
});

describe("a data choice outside a step", () => {
  const said =
    /choose\('late'\) outside a step: make data choices in an actor's step or in the setup/;
  it("in a check is that check's violation, not a choice counted against the next step", () => {
    for (const register of ["atEnd", "invariant"] as const) {
      const o = outcomeOf((w) => {
        w.spawn("a", oneStep());
        w[register]("chooses", () => (w.choose(2, "late") === 0 ? undefined : "one"));
      });
      expect(o).toMatchObject({ kind: "violation", property: "chooses" });
      expect(o.kind === "violation" ? o.message : "").toMatch(said);
    }
  });

  it("in a wait predicate is the waiter's crash", () => {
    const o = outcomeOf((w) => {
      w.spawn(
        "a",
        (function* (): Actor {
          yield w.until(() => w.choose(2, "late") === 1, { label: "never like this" });
        })(),
      );
    });
    expect(o).toMatchObject({ kind: "crash", actor: "a" });
    expect(o.kind === "crash" ? o.message : "").toMatch(said);
  });

  it("is allowed in the setup and in a step", () => {
    const o = outcomeOf((w) => {
      w.choose(2, "setup");
      w.spawn(
        "a",
        (function* (): Actor {
          w.choose(2, "step");
          yield "after";
        })(),
      );
    });
    expect(o.kind).toBe("completed");
  });
});

describe("a violation reported outside a step", () => {
  const said = /fail\('monitor'\) outside a step: report a violation from an actor's step/;
  it("in a wait predicate is the waiter's crash, in a check that check's violation", () => {
    // From review: a predicate that called fail() made dpor's log, which evaluates
    // predicates where a plain run does not, report the violation a step early.
    const waiting = outcomeOf((w) => {
      w.spawn(
        "a",
        (function* (): Actor {
          yield w.until(
            () => {
              w.fail("monitor", "saw it");
              return true;
            },
            { label: "watch" },
          );
        })(),
      );
    });
    expect(waiting).toMatchObject({ kind: "crash", actor: "a" });
    expect(waiting.kind === "crash" ? waiting.message : "").toMatch(said);
    const checking = outcomeOf((w) => {
      w.spawn("a", oneStep());
      w.atEnd("watches", () => {
        w.fail("monitor", "saw it");
        return undefined;
      });
    });
    expect(checking).toMatchObject({ kind: "violation", property: "watches" });
    expect(checking.kind === "violation" ? checking.message : "").toMatch(said);
  });
});

describe("a scenario name that a schedule cannot carry", () => {
  it("is refused where the scenario is explored or registered, naming the rule", () => {
    // From review: "My Counter:x" ran, and its failures' schedules did not parse back.
    for (const name of ["My Counter:x", "a b", "", "-lead", "Caps"]) {
      const bad = { ...scenario((w) => w.spawn("a", oneStep())), name };
      const rule = new RegExp(
        `^scenario name ${JSON.stringify(name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} must be lower-case letters, digits and '-'`,
      );
      expect(() =>
        explore({ scenario: bad, params: {}, strategy: new RandomStrategy(0), max_executions: 1 }),
      ).toThrow(rule);
      expect(() => exploreSystematic({ scenario: bad, params: {} })).toThrow(OptionError);
      expect(() => new ScenarioRegistry().add(bad)).toThrow(rule);
    }
    expect(() =>
      new ScenarioRegistry().add({ ...scenario(() => {}), name: "my-counter-2" }),
    ).not.toThrow();
    // Nor is such a schedule written, whatever wrote it (runOnce does not check names).
    expect(() => formatSchedule({ scenario: "My Counter:x", params: {}, decisions: [] })).toThrow(
      /^scenario name "My Counter:x" must be/,
    );
  });
});
