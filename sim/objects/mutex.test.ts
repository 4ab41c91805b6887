import { describe, expect, it } from "vitest";
import { exploreSystematic } from "../dpor/systematic.ts";
import { runOnce } from "../runner.ts";
import type { Scenario } from "../scenario.ts";
import { ReplayStrategy } from "../strategies/replay.ts";
import { type Actor, type Decision, type Outcome, stepOf, timerOf } from "../types.ts";
import type { World } from "../world.ts";

/** Actors a and b, each made by `body` from the scenario's one mutex and its own name. */
function twoActors(body: (m: ReturnType<World["mutex"]>, me: string) => Actor): Scenario {
  return {
    name: "mutex-test",
    summary: "two actors and a mutex",
    defaults: {},
    setup(world) {
      const m = world.mutex("m");
      world.spawn("a", body(m, "a"));
      world.spawn("b", body(m, "b"));
    },
  };
}

/** Runs `s` in the order `decisions`, returning the outcome and the trace's labels by actor. */
function replay(s: Scenario, decisions: Decision[]): { outcome: Outcome; steps: string[] } {
  const r = runOnce(s, {}, new ReplayStrategy(decisions), { trace: true });
  if (r === null) throw new Error("no run");
  return { outcome: r.outcome, steps: (r.trace ?? []).map((t) => `${t.name}:${t.label}`) };
}

const A = stepOf(0);
const B = stepOf(1);

describe("world.mutex", () => {
  it("lets one actor hold it across steps; the other waits until it is released", () => {
    const order: string[] = [];
    const s = twoActors(function* (m, me) {
      yield m.acquire();
      order.push(`${me} in`);
      yield "critical";
      order.push(`${me} out`);
      m.release();
    });
    // a starts and takes m; b starts and waits; b is not offered until a releases.
    const r = replay(s, [A, A, B, A, B, B]);
    expect(r.outcome.kind).toBe("completed");
    expect(order).toEqual(["a in", "a out", "b in", "b out"]);
    expect(r.steps).toEqual([
      "a:start",
      "a:acquire m",
      "b:start",
      "a:critical",
      "b:acquire m",
      "b:critical",
    ]);
  });

  it("is never offered to a waiter while held: a replay that takes it anyway is refused", () => {
    const s = twoActors(function* (m) {
      yield m.acquire();
      yield "critical";
      m.release();
    });
    // b's acquire while a holds m: the replayed schedule is not one the engine can follow.
    expect(() => replay(s, [A, A, B, B])).toThrow(/not enabled|cannot|diverge/i);
  });

  it("deadlocks, naming the mutex and its holder, when the holder finishes without releasing it", () => {
    const s = twoActors(function* (m) {
      yield m.acquire();
    });
    const r = replay(s, [A, A, B]);
    expect(r.outcome).toMatchObject({
      kind: "deadlock",
      blocked: [{ actor: "b", label: "acquire m", on: "mutex m (held by a)" }],
    });
  });

  it("is a crash of an actor that acquires it again while it holds it", () => {
    const s = twoActors(function* (m, me) {
      yield m.acquire();
      if (me === "a") yield m.acquire({ timeout_ms: 5 });
      m.release();
    });
    const r = replay(s, [A, A]);
    expect(r.outcome).toMatchObject({
      kind: "crash",
      actor: "a",
      message: expect.stringContaining("a acquires mutex m, which it already holds"),
    });
  });

  it("gives up at a timeout without taking it", () => {
    const held: boolean[] = [];
    const s: Scenario = {
      name: "mutex-timeout",
      summary: "a timed acquire gives up",
      defaults: {},
      setup(world) {
        const m = world.mutex("m");
        world.spawn(
          "a",
          (function* () {
            yield m.acquire();
            yield "hold";
            yield world.sleep(10);
            m.release();
          })(),
        );
        world.spawn(
          "b",
          (function* () {
            const r = yield m.acquire({ timeout_ms: 5, label: "try m" });
            held.push(r === "ok", m.heldByMe());
          })(),
        );
      },
    };
    const r = replay(s, [A, A, B, A, timerOf(1), timerOf(0)]);
    expect(r.outcome.kind).toBe("completed");
    expect(held).toEqual([false, false]);
  });

  it("is a crash of the actor that releases it without holding it", () => {
    const s = twoActors(function* (m, me) {
      if (me === "a") {
        yield m.acquire();
        yield "hold";
      } else {
        yield "meddle";
        m.release();
      }
    });
    const r = replay(s, [A, A, B, B]);
    expect(r.outcome).toMatchObject({
      kind: "crash",
      actor: "b",
      message: expect.stringContaining("mutex m released by b, but a holds it"),
    });
  });

  it("shows its holder in the trace, after each step that takes or releases it", () => {
    const s = twoActors(function* (m, me) {
      if (me === "b") return;
      yield m.acquire();
      yield "release";
      m.release();
    });
    const r = runOnce(s, {}, new ReplayStrategy([A, A, B, A]), { trace: true });
    const after = (r?.trace ?? []).map((t) => t.after.m);
    expect(after).toEqual([undefined, { holder: "a" }, undefined, { holder: null }]);
  });
});

describe("dpor with a mutex", () => {
  /**
   * Two actors take turns on one lock: two traces (a first, b first). Written with a
   * mutex, dpor does not reverse the release's race with the acquire it made possible;
   * written as a cell and a wait, it tries that impossible order and is blocked.
   */
  function turns(asMutex: boolean): Scenario {
    return {
      name: "turns",
      summary: "two actors take a lock in turn",
      defaults: {},
      setup(world) {
        const m = world.mutex("m");
        const lock = world.cell("lock", "");
        const count = world.cell("count", 0);
        for (const me of ["a", "b"]) {
          world.spawn(
            me,
            (function* () {
              yield "ready";
              if (asMutex) yield m.acquire();
              else {
                yield world.until(() => lock.get() === "", { label: "acquire" });
                lock.set(me);
              }
              count.set(count.get() + 1);
              yield "release";
              if (asMutex) m.release();
              else lock.set("");
            })(),
          );
        }
      },
    };
  }

  for (const asMutex of [true, false]) {
    it(`reaches both orders of the critical sections (${asMutex ? "mutex" : "cell and wait"})`, () => {
      const c = exploreSystematic({
        scenario: turns(asMutex),
        params: {},
        strategy: "dpor",
        stop_on_first: false,
        max_executions: 1_000,
      });
      expect(c.exhausted).toBe(true);
      expect(c.traces).toBe(2);
      expect(c.executions).toBe(2);
      // The difference the mutex makes: no execution is spent on the impossible order.
      if (asMutex) expect(c.sleep_blocked + c.infeasible).toBe(0);
      else expect(c.sleep_blocked + c.infeasible).toBeGreaterThan(0);
    });
  }
});
