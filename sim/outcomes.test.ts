import { describe, expect, it } from "vitest";
import type { ExecutionLimits } from "./execute.ts";
import { runOnce } from "./runner.ts";
import type { Scenario } from "./scenario.ts";
import { ChoicesStrategy } from "./strategies/choices.ts";
import { RandomStrategy } from "./strategies/random.ts";
import { type Actor, describeOutcome, type Outcome } from "./types.ts";
import type { World } from "./world.ts";

/** A one-off scenario without parameters. */
function scenario(setup: (world: World) => void, limits?: ExecutionLimits): Scenario {
  return { name: "t", summary: "test", defaults: {}, setup, ...(limits ? { limits } : {}) };
}

function outcomeOf(s: Scenario, seed = 0): Outcome {
  const r = runOnce(s, {}, new RandomStrategy(seed));
  if (r === null) throw new Error("strategy refused to start");
  return r.outcome;
}

/** Two actors that each wait for a flag only the other sets after its own wait. */
const crossedWaits = scenario((world) => {
  const a = world.cell("a", false);
  const b = world.cell("b", false);
  world.spawn(
    "left",
    (function* (): Actor {
      yield world.until(() => b.get(), { label: "got-b", on: "flag b" });
      a.set(true);
    })(),
  );
  world.spawn(
    "right",
    (function* (): Actor {
      yield world.until(() => a.get(), { label: "got-a", on: "flag a" });
      b.set(true);
    })(),
  );
});

describe("execution outcomes", () => {
  it("completes when every actor finishes, counting steps", () => {
    const s = scenario((world) => {
      for (const name of ["x", "y"]) {
        world.spawn(
          name,
          (function* (): Actor {
            yield "second";
          })(),
        );
      }
    });
    expect(outcomeOf(s)).toEqual({ kind: "completed", steps: 4 });
  });

  it("reports a deadlock with who waits on what", () => {
    for (let seed = 0; seed < 10; seed++) {
      const o = outcomeOf(crossedWaits, seed);
      expect(o).toEqual({
        kind: "deadlock",
        steps: 2,
        blocked: [
          { actor: "left", label: "got-b", on: "flag b" },
          { actor: "right", label: "got-a", on: "flag a" },
        ],
      });
      expect(describeOutcome(o)).toBe(
        "deadlock after 2 steps: left waits at 'got-b' on flag b; right waits at 'got-a' on flag a",
      );
    }
  });

  it("names an unstarted actor in a deadlock by its pending label", () => {
    // main waits for a queue that nobody fills; "start" would be shown if it never ran.
    const s = scenario((world) => {
      const q = world.queue<number>("q");
      world.spawn(
        "main",
        (function* (): Actor {
          yield world.until(() => q.size > 0, { on: "q not empty" });
        })(),
      );
    });
    expect(outcomeOf(s)).toEqual({
      kind: "deadlock",
      steps: 1,
      blocked: [{ actor: "main", label: "resume", on: "q not empty" }],
    });
  });

  it("stops an actor that never finishes at the step budget, never a pass", () => {
    const s = scenario(
      (world) => {
        world.spawn(
          "spinner",
          (function* (): Actor {
            for (;;) yield "spin";
          })(),
        );
      },
      { max_steps: 50 },
    );
    const o = outcomeOf(s);
    expect(o).toEqual({ kind: "budget", max_steps: 50, steps: 50 });
    expect(describeOutcome(o)).toContain("step budget of 50 exceeded");
  });

  it("reports a step that never yields (but touches tracked state) as a crash", () => {
    // A loop with no yield would hang in plain JS; one that touches tracked objects is
    // caught by the access limit and fails the execution instead.
    const s = scenario((world) => {
      const c = world.cell("c", 0);
      world.spawn(
        "looper",
        // biome-ignore lint/correctness/useYield: the point: a step that never yields
        (function* (): Actor {
          for (;;) c.set(c.get() + 1);
        })(),
      );
    });
    const o = outcomeOf(s);
    expect(o.kind).toBe("crash");
    expect(o.kind === "crash" && o.actor).toBe("looper");
    expect(o.kind === "crash" && o.message).toMatch(/without yielding/);
  });

  it("stops at the time horizon when only timers past it remain", () => {
    const s = scenario(
      (world) => {
        world.spawn(
          "ticker",
          (function* (): Actor {
            for (;;) yield world.sleep(1000, "tick");
          })(),
        );
      },
      { horizon_ms: 10_000 },
    );
    const r = runOnce(s, {}, new ChoicesStrategy([]));
    expect(r?.outcome).toEqual({ kind: "horizon", horizon_ms: 10_000, steps: 11 });
    // The timer at exactly the horizon fires; the one after it does not.
    expect(r?.time_ms).toBe(10_000);
  });

  it("reports an actor that throws as a crash naming the actor", () => {
    const s = scenario((world) => {
      world.spawn("calm", (function* (): Actor {})());
      world.spawn(
        "thrower",
        (function* (): Actor {
          yield "boom";
          throw new Error("journal is corrupt");
        })(),
      );
    });
    // Choices [2]: the 2nd option (thrower) first, then 0 keeps thrower, which throws.
    const r = runOnce(s, {}, new ChoicesStrategy([2]));
    expect(r?.outcome).toEqual({
      kind: "crash",
      actor: "thrower",
      message: "journal is corrupt",
      steps: 2,
    });
    expect(describeOutcome(r?.outcome as Outcome)).toBe(
      "actor thrower threw after 2 steps: journal is corrupt",
    );
  });

  it("reports a wait predicate that throws as a crash of the waiting actor", () => {
    const s = scenario((world) => {
      const q = world.queue<{ x: number }>("q");
      world.spawn(
        "reader",
        (function* (): Actor {
          yield world.until(() => (q.peek() as { x: number }).x > 0, { on: "q" });
        })(),
      );
    });
    const o = outcomeOf(s);
    expect(o.kind === "crash" && o.actor).toBe("reader");
    expect(o.kind === "crash" && o.message).toContain("reading 'x'");
  });

  it("reports a thrown non-Error value as a crash too", () => {
    const s = scenario((world) => {
      world.spawn(
        "odd",
        // biome-ignore lint/correctness/useYield: a one-step actor has no scheduling point
        (function* (): Actor {
          throw "a string";
        })(),
      );
    });
    expect(outcomeOf(s)).toEqual({ kind: "crash", actor: "odd", message: "a string", steps: 1 });
  });

  it("reports an invariant violation at the step that broke it", () => {
    const s = scenario((world) => {
      const c = world.cell("c", 0);
      world.invariant("c stays below 3", () => (c.peek() < 3 ? undefined : `c is ${c.peek()}`));
      world.spawn(
        "inc",
        (function* (): Actor {
          for (;;) {
            c.update((v) => v + 1);
            yield "again";
          }
        })(),
      );
    });
    expect(outcomeOf(s)).toEqual({
      kind: "violation",
      property: "c stays below 3",
      message: "c is 3",
      steps: 3,
    });
  });

  it("reports a final-property violation when every actor has finished", () => {
    const s = scenario((world) => {
      const c = world.cell("c", 0);
      world.atEnd("c ends at 2", () => (c.peek() === 2 ? undefined : `c is ${c.peek()}`));
      world.atEnd("never checked after the first failure", () => "unreachable");
      world.spawn(
        "once",
        // biome-ignore lint/correctness/useYield: a one-step actor has no scheduling point
        (function* (): Actor {
          c.set(1);
        })(),
      );
    });
    expect(outcomeOf(s)).toEqual({
      kind: "violation",
      property: "c ends at 2",
      message: "c is 1",
      steps: 1,
    });
  });

  it("does not run final properties when the execution deadlocks", () => {
    let ran = false;
    const s = scenario((world) => {
      crossedWaits.setup(world, {});
      world.atEnd("spy", () => {
        ran = true;
        return undefined;
      });
    });
    expect(outcomeOf(s).kind).toBe("deadlock");
    expect(ran).toBe(false);
  });

  it("reports world.fail from inside a step after that step", () => {
    const s = scenario((world) => {
      world.spawn(
        "checker",
        (function* (): Actor {
          world.fail("ack before write", "acked offset 4 before writing it");
          world.fail("second failure", "ignored: the first one wins");
          yield "never-run";
        })(),
      );
    });
    const r = runOnce(s, {}, new RandomStrategy(0), { trace: true });
    expect(r?.outcome).toEqual({
      kind: "violation",
      property: "ack before write",
      message: "acked offset 4 before writing it",
      steps: 1,
    });
    expect(r?.trace?.length).toBe(1);
  });

  it("reports world.fail during setup as a violation at step 0", () => {
    const s = scenario((world) => {
      world.fail("bad initial state", "offset starts negative");
      world.spawn("never", (function* (): Actor {})());
    });
    expect(outcomeOf(s)).toEqual({
      kind: "violation",
      property: "bad initial state",
      message: "offset starts negative",
      steps: 0,
    });
  });

  it("completes with a daemon blocked forever", () => {
    const s = scenario((world) => {
      world.spawn(
        "waiter",
        (function* (): Actor {
          yield world.until(() => false, { on: "nothing" });
        })(),
        { daemon: true },
      );
      world.spawn(
        "worker",
        (function* (): Actor {
          yield world.sleep(350, "rested");
        })(),
      );
    });
    // The execution ends as soon as the worker is done, so the daemon's first step runs
    // only when the schedule takes it before the worker's timer.
    const steps = new Set<number>();
    for (let seed = 0; seed < 20; seed++) {
      const r = runOnce(s, {}, new RandomStrategy(seed));
      expect(r?.outcome.kind).toBe("completed");
      expect(r?.time_ms).toBe(350);
      steps.add(r?.steps ?? -1);
    }
    expect([...steps].sort()).toEqual([2, 3]);
  });

  // SpawnOptions.daemon: the execution completes when every non-daemon actor has
  // finished, whatever daemons are doing (a ticking daemon never blocks completion).
  it("completes with a daemon still ticking", () => {
    const s = scenario((world) => {
      world.spawn(
        "ticker",
        (function* (): Actor {
          for (;;) yield world.sleep(100, "tick");
        })(),
        { daemon: true },
      );
      world.spawn(
        "worker",
        (function* (): Actor {
          yield world.sleep(350, "rested");
        })(),
      );
    });
    for (let seed = 0; seed < 10; seed++) {
      const r = runOnce(s, {}, new RandomStrategy(seed), { trace: true });
      expect(r?.outcome.kind).toBe("completed");
      // The worker rests 350 ms from whenever its first step ran; only the earliest timer
      // may fire, so every tick due before its wake-up fires first, and none after it.
      const trace = r?.trace ?? [];
      const workerStart = trace.find((t) => t.name === "worker")?.t ?? -1;
      expect(r?.time_ms).toBe(workerStart + 350);
      const ticks = trace.filter((t) => t.name === "ticker" && t.kind === "timer").map((t) => t.t);
      const tickerStart = trace.find((t) => t.name === "ticker")?.t;
      const expected: number[] = [];
      if (tickerStart !== undefined) {
        for (let t = tickerStart + 100; t <= workerStart + 350; t += 100) expected.push(t);
      }
      expect(ticks).toEqual(expected.filter((t) => t < (r?.time_ms ?? 0) || ticks.includes(t)));
    }
  });

  it("reports a deadlock of non-daemons without listing the daemons", () => {
    const s = scenario((world) => {
      world.spawn(
        "daemon",
        (function* (): Actor {
          yield world.until(() => false, { on: "nothing" });
        })(),
        { daemon: true },
      );
      world.spawn(
        "stuck",
        (function* (): Actor {
          yield world.until(() => false, { on: "nothing either" });
        })(),
      );
    });
    const o = outcomeOf(s);
    expect(o.kind === "deadlock" && o.blocked).toEqual([
      { actor: "stuck", label: "resume", on: "nothing either" },
    ]);
  });

  it("describes every outcome in one line", () => {
    const lines = [
      describeOutcome({ kind: "completed", steps: 4 }),
      describeOutcome({ kind: "violation", property: "p", message: "m", steps: 3 }),
      describeOutcome({ kind: "budget", max_steps: 50, steps: 50 }),
      describeOutcome({ kind: "horizon", horizon_ms: 1000, steps: 7 }),
      describeOutcome({ kind: "crash", actor: "a", message: "boom", steps: 2 }),
      describeOutcome({ kind: "abandoned", steps: 6 }),
      describeOutcome({ kind: "deadlock", blocked: [], steps: 1 }),
    ];
    expect(lines.slice(0, 6)).toEqual([
      "completed after 4 steps",
      "p violated after 3 steps: m",
      "step budget of 50 exceeded (an actor never finishes)",
      "virtual time horizon of 1000 ms exceeded after 7 steps",
      "actor a threw after 2 steps: boom",
      "ended early by the strategy after 6 steps",
    ]);
    for (const line of lines) expect(line).not.toContain("\n");
  });

  it("lets actors spawn actors, recorded in the trace", () => {
    const s = scenario((world) => {
      const log = world.log<string>("log");
      world.spawn(
        "parent",
        (function* (): Actor {
          yield "spawn";
          world.spawn(
            "handler",
            // biome-ignore lint/correctness/useYield: a one-step actor has no scheduling point
            (function* (): Actor {
              log.append("handled");
            })(),
            { label: "handle" },
          );
        })(),
      );
    });
    const r = runOnce(s, {}, new ChoicesStrategy([]), { trace: true });
    expect(r?.outcome).toEqual({ kind: "completed", steps: 3 });
    expect(r?.actors).toBe(2);
    expect(r?.trace?.map((t) => [t.name, t.label, t.spawned])).toEqual([
      ["parent", "start", []],
      ["parent", "spawn", ["handler"]],
      ["handler", "handle", []],
    ]);
    expect(r?.world.actors[1]?.spawnedBy).toBe(0);
  });
});
