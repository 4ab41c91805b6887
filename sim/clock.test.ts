import { describe, expect, it } from "vitest";
import { ModelError } from "./errors.ts";
import { runOnce } from "./runner.ts";
import type { Scenario } from "./scenario.ts";
import { parseDecisions } from "./schedule.ts";
import { ChoicesStrategy } from "./strategies/choices.ts";
import { RandomStrategy } from "./strategies/random.ts";
import { ReplayStrategy } from "./strategies/replay.ts";
import type { Strategy } from "./strategy.ts";
import { type Actor, type Decision, type Resume, stepOf, timerOf } from "./types.ts";
import { World } from "./world.ts";

function scenario(setup: (world: World) => void): Scenario {
  return { name: "t", summary: "test", defaults: {}, setup };
}

function traced(s: Scenario, strategy: Strategy) {
  const r = runOnce(s, {}, strategy, { trace: true });
  if (r === null || r.trace === null) throw new Error("no trace");
  return r;
}

/** A heartbeat sleeping 5 s and a worker taking two puts: who goes first is a choice. */
const heartbeatVsWorker = scenario((world) => {
  const q = world.queue<string>("q");
  world.spawn(
    "heartbeat",
    (function* (): Actor {
      yield world.sleep(5000, "beat");
      q.push(`beat at ${world.now()}`);
    })(),
  );
  world.spawn(
    "worker",
    (function* (): Actor {
      q.push(`put1 at ${world.now()}`);
      yield "put2";
      q.push(`put2 at ${world.now()}`);
    })(),
  );
});

describe("virtual clock", () => {
  it("fires the 5 s timer before or after the worker's next step, by schedule", () => {
    // Step 0: heartbeat sleeps. Step 1: worker's put1. Then both the worker's put2 and the
    // heartbeat's timer are enabled: firing the timer is a choice like any other.
    const hb = 0;
    const worker = 1;
    const timerFirst: Decision[] = [stepOf(hb), stepOf(worker), timerOf(hb), stepOf(worker)];
    const workerFirst: Decision[] = [stepOf(hb), stepOf(worker), stepOf(worker), timerOf(hb)];
    const a = traced(heartbeatVsWorker, new ReplayStrategy(timerFirst));
    const b = traced(heartbeatVsWorker, new ReplayStrategy(workerFirst));
    expect(a.world.snapshotObjects().q).toEqual(["put1 at 0", "beat at 5000", "put2 at 5000"]);
    expect(b.world.snapshotObjects().q).toEqual(["put1 at 0", "put2 at 0", "beat at 5000"]);
    expect(a.trace?.map((s) => [s.name, s.label, s.kind, s.t])).toEqual([
      ["heartbeat", "start", "step", 0],
      ["worker", "start", "step", 0],
      ["heartbeat", "beat", "timer", 5000],
      ["worker", "put2", "step", 5000],
    ]);
    expect(b.trace?.map((s) => [s.name, s.label, s.kind, s.t])).toEqual([
      ["heartbeat", "start", "step", 0],
      ["worker", "start", "step", 0],
      ["worker", "put2", "step", 0],
      ["heartbeat", "beat", "timer", 5000],
    ]);
    // Random exploration reaches both orders.
    const orders = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const r = runOnce(heartbeatVsWorker, {}, new RandomStrategy(5), { index: i });
      orders.add(JSON.stringify(r?.world.snapshotObjects().q));
    }
    expect(orders.size).toBe(3);
  });

  it("offers only the earliest timer and never moves time backwards", () => {
    const sleeps = { slow: 5000, fast: 1000, mid: 3000, "fast-too": 1000 };
    const s = scenario((world) => {
      const log = world.log<string>("log");
      for (const [name, ms] of Object.entries(sleeps)) {
        world.spawn(
          name,
          (function* (): Actor {
            yield world.sleep(ms, "woke");
            log.append(`${name}@${world.now()}`);
            yield world.sleep(ms, "woke-again");
            log.append(`${name}@${world.now()}`);
          })(),
        );
      }
    });
    for (let seed = 0; seed < 30; seed++) {
      const r = traced(s, new RandomStrategy(seed));
      const times = (r.trace ?? []).map((t) => t.t);
      expect([...times].sort((x, y) => x - y)).toEqual(times);
      const rows = r.world.snapshotObjects().log as string[];
      const at = rows.map((row) => Number(row.split("@")[1]));
      expect([...at].sort((x, y) => x - y)).toEqual(at);
      // Each sleep is relative to the virtual time of the step that began it.
      const steps = r.trace ?? [];
      for (const [name, ms] of Object.entries(sleeps)) {
        const t = (label: string) => steps.find((x) => x.name === name && x.label === label)?.t;
        expect(t("woke")).toBe((t("start") as number) + ms);
        expect(t("woke-again")).toBe((t("woke") as number) + ms);
      }
      expect(r.outcome.kind).toBe("completed");
    }
  });

  it("offers simultaneous timers together, in actor order", () => {
    const seen: Decision[][] = [];
    const s = scenario((world) => {
      for (const name of ["a", "b"]) {
        world.spawn(
          name,
          (function* (): Actor {
            yield world.sleep(10);
          })(),
        );
      }
    });
    const spy: Strategy = {
      name: "spy",
      beginExecution: () => true,
      pickStep(enabled) {
        seen.push([...enabled]);
        return 0;
      },
      pickChoice: () => 0,
    };
    runOnce(s, {}, spy);
    expect(seen).toEqual([
      [stepOf(0), stepOf(1)],
      [stepOf(1), timerOf(0)],
      [timerOf(0), timerOf(1)],
      [timerOf(1)],
    ]);
  });

  it("resumes a wait with 'ok' when its predicate holds and 'timeout' when its timer fires", () => {
    const resumes: Resume[] = [];
    const s = scenario((world) => {
      const flag = world.cell("flag", false);
      world.spawn(
        "waiter",
        (function* (): Actor {
          resumes.push(yield world.until(() => flag.get(), { timeout_ms: 5000, on: "flag" }));
          resumes.push(world.now() === 5000 ? "timeout" : "ok");
        })(),
      );
      world.spawn(
        "setter",
        (function* (): Actor {
          yield "set";
          flag.set(true);
        })(),
      );
    });
    // Timer first: waiter sleeps, setter starts, the timer fires before the flag is set.
    runOnce(s, {}, new ReplayStrategy([stepOf(0), stepOf(1), timerOf(0), stepOf(1)]));
    expect(resumes).toEqual(["timeout", "timeout"]);
    resumes.length = 0;
    // Flag first: once the predicate holds, the waiter's timer is no longer offered.
    runOnce(s, {}, new ReplayStrategy([stepOf(0), stepOf(1), stepOf(1), stepOf(0)]));
    expect(resumes).toEqual(["ok", "ok"]);
    expect(() =>
      runOnce(s, {}, new ReplayStrategy([stepOf(0), stepOf(1), stepOf(1), timerOf(0)])),
    ).toThrow(/cannot run now/);
  });

  it("records the reads of a predicate that resumed a waiter against its step", () => {
    const s = scenario((world) => {
      const q = world.queue<number>("q");
      world.spawn(
        "consumer",
        (function* (): Actor {
          yield world.until(() => q.size > 0, { label: "take" });
          world.note(`took ${q.shift()}`);
        })(),
      );
      world.spawn(
        "producer",
        // biome-ignore lint/correctness/useYield: a one-step actor has no scheduling point
        (function* (): Actor {
          q.push(1);
        })(),
      );
    });
    const r = traced(s, new ChoicesStrategy([]));
    expect(r.trace?.map((t) => [t.name, t.label, t.accesses, t.notes])).toEqual([
      ["consumer", "start", [], []],
      ["producer", "start", [["q", "w"]], []],
      ["consumer", "take", [["q", "rw"]], ["took 1"]],
    ]);
  });

  it("lets time pass only through timers: a sleep of 0 still is a timer step", () => {
    const s = scenario((world) => {
      world.spawn(
        "napper",
        (function* (): Actor {
          yield world.sleep(0, "nap");
        })(),
      );
    });
    const r = traced(s, new ChoicesStrategy([]));
    expect(r.trace?.map((t) => [t.label, t.kind, t.t])).toEqual([
      ["start", "step", 0],
      ["nap", "timer", 0],
    ]);
  });

  it("never moves the clock backwards, even for a negative wait timeout", () => {
    const s = scenario((world) => {
      world.spawn(
        "a",
        (function* (): Actor {
          yield world.sleep(100);
          yield world.until(() => false, { timeout_ms: -50, label: "back" });
        })(),
      );
    });
    const r = traced(s, new ChoicesStrategy([]));
    const times = (r.trace ?? []).map((t) => t.t);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(r.time_ms).toBeGreaterThanOrEqual(100);
  });

  it("rejects a negative sleep", () => {
    const s = scenario((world) => {
      world.spawn(
        "bad",
        (function* (): Actor {
          yield world.sleep(-1);
        })(),
      );
    });
    const r = runOnce(s, {}, new ChoicesStrategy([]));
    expect(r?.outcome.kind).toBe("crash");
    expect(r?.outcome.kind === "crash" && r.outcome.message).toContain("non-negative");
  });
});

describe("an overdue waiter", () => {
  it("times out at the current time: the clock never runs backwards", () => {
    // The handler waits for q with a 5 s timeout while q is non-empty (runnable, so its
    // timer is not offered); a sleeper moves the clock to 6 s; a consumer then empties q.
    // The handler's timer is now overdue and fires at 6 s, not back at 5 s.
    const s: Scenario<Record<string, never>> = {
      name: "overdue",
      summary: "a waiter whose deadline passed while it was runnable",
      defaults: {},
      setup(world) {
        const q = world.queue<number>("q");
        q.push(1);
        world.spawn(
          "handler",
          (function* (): Actor {
            yield world.until(() => q.size > 0, { timeout_ms: 5_000, label: "drain" });
          })(),
        );
        world.spawn(
          "sleeper",
          (function* (): Actor {
            yield world.sleep(6_000);
          })(),
        );
        world.spawn(
          "consumer",
          (function* (): Actor {
            yield world.until(() => world.now() >= 6_000, { label: "late", on: "the clock" });
            q.shift();
          })(),
        );
      },
    };
    // handler starts (waits, q non-empty), sleeper starts, consumer starts; the sleeper's
    // timer fires at 6 s; the consumer empties q; the handler's overdue timer fires.
    const r = runOnce(s, {}, new ReplayStrategy(parseDecisions("0.1.2.t1.2.t0")), { trace: true });
    const times = (r?.trace ?? []).map((t) => t.t);
    expect(times).toEqual([0, 0, 0, 6_000, 6_000, 6_000]);
    expect(r?.trace?.[5]).toMatchObject({ name: "handler", kind: "timer", t: 6_000 });
  });
});

describe("World.limitTime", () => {
  /** One actor sleeping `sleep_ms`, under the scenario's own time limit when one is given. */
  function sleeper(sleep_ms: number, limit_ms?: number): Scenario {
    return scenario((world) => {
      if (limit_ms !== undefined) world.limitTime(limit_ms);
      world.spawn(
        "sleeper",
        (function* (): Actor {
          yield world.sleep(sleep_ms, "woke");
        })(),
      );
    });
  }

  it("overrides a larger horizon_ms of the runner", () => {
    const limits = { horizon_ms: 10_000 };
    const free = runOnce(sleeper(5_000), {}, new ChoicesStrategy([]), { limits });
    expect(free?.outcome).toEqual({ kind: "completed", steps: 2 });
    const bounded = runOnce(sleeper(5_000, 2_000), {}, new ChoicesStrategy([]), { limits });
    expect(bounded?.outcome).toEqual({ kind: "horizon", horizon_ms: 2_000, steps: 1 });
    expect(bounded?.time_ms).toBe(0);
    expect(bounded?.world.horizon_ms).toBe(2_000);
  });

  it("overrides a smaller horizon_ms of the runner", () => {
    const limits = { horizon_ms: 1_000 };
    const free = runOnce(sleeper(5_000), {}, new ChoicesStrategy([]), { limits });
    expect(free?.outcome).toEqual({ kind: "horizon", horizon_ms: 1_000, steps: 1 });
    const bounded = runOnce(sleeper(5_000, 10_000), {}, new ChoicesStrategy([]), { limits });
    expect(bounded?.outcome).toEqual({ kind: "completed", steps: 2 });
    expect(bounded?.time_ms).toBe(5_000);
  });

  it("overrides the scenario's own limits and the default one-hour horizon", () => {
    const withLimits: Scenario = { ...sleeper(5_000, 10_000), limits: { horizon_ms: 1_000 } };
    expect(runOnce(withLimits, {}, new ChoicesStrategy([]))?.outcome.kind).toBe("completed");
    const pastDefault = sleeper(3_600_001, 7_200_000);
    expect(runOnce(pastDefault, {}, new ChoicesStrategy([]))?.outcome.kind).toBe("completed");
    expect(runOnce(sleeper(3_600_001), {}, new ChoicesStrategy([]))?.outcome).toEqual({
      kind: "horizon",
      horizon_ms: 3_600_000,
      steps: 1,
    });
  });

  it("fires a timer due exactly at the limit, but not one due after it", () => {
    const at = traced(sleeper(5_000, 5_000), new ChoicesStrategy([]));
    expect(at.outcome).toEqual({ kind: "completed", steps: 2 });
    expect(at.trace?.map((s) => [s.label, s.kind, s.t])).toEqual([
      ["start", "step", 0],
      ["woke", "timer", 5_000],
    ]);
    const after = traced(sleeper(5_001, 5_000), new ChoicesStrategy([]));
    expect(after.outcome).toEqual({ kind: "horizon", horizon_ms: 5_000, steps: 1 });
    expect(after.trace?.map((s) => [s.label, s.kind, s.t])).toEqual([["start", "step", 0]]);
    expect(after.time_ms).toBe(0);
    // A limit of 0 still lets a sleep of 0 fire.
    expect(runOnce(sleeper(0, 0), {}, new ChoicesStrategy([]))?.outcome.kind).toBe("completed");
  });

  it("ends with 'horizon' when a waiter is left with only a timer past the limit", () => {
    // An early sleeper fires within the limit; the waiter's predicate never holds and its
    // timeout is due after the limit: nothing else can happen, and the execution fails.
    const waiting = (limit_ms: number, timeout_ms?: number) =>
      scenario((world) => {
        world.limitTime(limit_ms);
        const flag = world.cell("flag", false);
        world.spawn(
          "early",
          (function* (): Actor {
            yield world.sleep(3_000, "woke");
          })(),
        );
        world.spawn(
          "waiter",
          (function* (): Actor {
            yield world.until(() => flag.get(), {
              ...(timeout_ms === undefined ? {} : { timeout_ms }),
              label: "flag",
              on: "flag",
            });
          })(),
        );
      });
    const r = traced(waiting(5_000, 6_000), new ChoicesStrategy([]));
    expect(r.outcome).toEqual({ kind: "horizon", horizon_ms: 5_000, steps: 3 });
    expect(r.trace?.map((s) => [s.name, s.kind, s.t])).toEqual([
      ["early", "step", 0],
      ["waiter", "step", 0],
      ["early", "timer", 3_000],
    ]);
    expect(r.time_ms).toBe(3_000);
    // With the timeout inside the limit the waiter times out and the execution completes;
    // with no timeout at all it is a deadlock, not a horizon.
    const inside = runOnce(waiting(6_000, 6_000), {}, new ChoicesStrategy([]));
    expect(inside?.outcome).toEqual({ kind: "completed", steps: 4 });
    expect(inside?.time_ms).toBe(6_000);
    const forever = runOnce(waiting(5_000), {}, new ChoicesStrategy([]));
    expect(forever?.outcome.kind).toBe("deadlock");
  });

  it.each([-1, -0.5, Number.NaN, Number.NEGATIVE_INFINITY])("rejects a limit of %s", (ms) => {
    const world = new World({ pickChoice: () => 0 }, { tracing: false });
    expect(() => world.limitTime(ms)).toThrow(ModelError);
    expect(() => world.limitTime(ms)).toThrow(/limitTime needs a duration >= 0/);
    expect(world.horizon_ms).toBeNull();
    // From a scenario's setup the error reaches the caller: no execution runs.
    expect(() => runOnce(sleeper(1, ms), {}, new ChoicesStrategy([]))).toThrow(ModelError);
  });

  // The engine reads the horizon as the execution starts: set in a step, it was ignored.
  it("is refused in a step, as the actor's crash", () => {
    const late: Scenario = {
      name: "late",
      summary: "limits time from a step",
      defaults: {},
      setup(world) {
        world.spawn(
          "a",
          (function* (): Actor {
            world.limitTime(10);
            yield world.sleep(100);
          })(),
        );
      },
    };
    const r = runOnce(late, {}, new ChoicesStrategy([]));
    expect(r?.outcome).toMatchObject({
      kind: "crash",
      message: "limitTime is for the setup: call it there",
    });
  });

  // A string passed `>= 0`, and the clock then added strings ("0105").
  it("and sleep, until and acquire refuse a duration that is not a number", () => {
    const world = new World({ pickChoice: () => 0 }, { tracing: false });
    const ten = "10" as unknown as number;
    expect(() => world.limitTime(ten)).toThrow('limitTime needs a duration >= 0, got "10"');
    expect(() => world.sleep(ten)).toThrow(/sleep needs a non-negative duration/);
    expect(() => world.until(() => true, { timeout_ms: ten })).toThrow(ModelError);
    expect(() => world.mutex("m").acquire({ timeout_ms: ten })).toThrow(ModelError);
  });
});
