import { describe, expect, it } from "vitest";
import { ReplayDivergenceError } from "../errors.ts";
import { counterScenario } from "../examples/counter.ts";
import { runOnce } from "../runner.ts";
import type { Scenario } from "../scenario.ts";
import type { Strategy } from "../strategy.ts";
import { recordTrace, stringifyTrace } from "../trace.ts";
import { type Actor, choiceOf, stepOf, timerOf } from "../types.ts";
import { ChoicesStrategy } from "./choices.ts";
import { PctStrategy } from "./pct.ts";
import { RandomStrategy } from "./random.ts";
import { ReplayStrategy } from "./replay.ts";

/** Steps, data choices, a timer and a spawn: every kind of decision a schedule records. */
const mixed: Scenario<{ workers: number }> = {
  name: "mixed",
  summary: "workers that choose, sleep, wait and spawn",
  defaults: { workers: 3 },
  setup(world, { workers }) {
    const total = world.cell("total", 0);
    const q = world.queue<number>("q", { capacity: 2 });
    for (let w = 0; w < workers; w++) {
      world.spawn(
        `w${w}`,
        (function* (): Actor {
          q.push(world.choose(4, "value"));
          yield world.sleep(10 * (w + 1), "slept");
          total.update((t) => t + (q.shift() ?? 0));
          yield "spawn";
          world.spawn(
            `child${w}`,
            (function* (): Actor {
              yield world.until(() => total.get() >= 0, { label: "ok", timeout_ms: 5 });
              total.update((t) => t + 1);
            })(),
          );
        })(),
      );
    }
  },
};

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error, none was thrown");
}

function strategies(): Strategy[] {
  return [
    new RandomStrategy(1),
    new RandomStrategy(2),
    new PctStrategy({ seed: 3, depth: 2 }),
    new PctStrategy({ seed: 4, depth: 3 }),
    new ChoicesStrategy([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]),
    new ChoicesStrategy([]),
  ];
}

describe("replay strategy", () => {
  it("replays a schedule recorded by any strategy to an identical trace", () => {
    for (const strategy of strategies()) {
      const original = runOnce(mixed, { workers: 3 }, strategy, { trace: true });
      if (original === null) throw new Error("strategy refused to start");
      const schedule = { scenario: "mixed", params: { workers: 3 }, decisions: original.decisions };
      const replayed = recordTrace(mixed, { workers: 3 }, schedule);
      expect(replayed.steps).toEqual(original.trace);
      expect(replayed.outcome).toEqual(original.outcome);
      expect(replayed.time_ms).toBe(original.time_ms);
      expect(stringifyTrace(recordTrace(mixed, { workers: 3 }, schedule))).toBe(
        stringifyTrace(replayed),
      );
    }
  });

  it("runs once and then reports nothing left to explore", () => {
    const replay = new ReplayStrategy([]);
    expect(replay.beginExecution()).toBe(true);
    expect(replay.beginExecution()).toBe(false);
  });

  it("throws ReplayDivergenceError naming the step when the named actor cannot run", () => {
    // worker-0 reads, writes and is done: a third step of worker-0 does not fit.
    const replay = new ReplayStrategy([stepOf(0), stepOf(0), stepOf(0), stepOf(1)], (id) =>
      id === 0 ? "worker-0" : `actor ${id}`,
    );
    const run = () => runOnce(counterScenario, { workers: 2 }, replay);
    expect(run).toThrow(ReplayDivergenceError);
    const err = thrown(() =>
      runOnce(counterScenario, { workers: 2 }, new ReplayStrategy([0, 0, 0, 3])),
    );
    expect(err).toBeInstanceOf(ReplayDivergenceError);
    expect((err as ReplayDivergenceError).step).toBe(2);
    // Decision texts: "0" is a step of actor 0, "1" a step of actor 1 (see schedule.ts).
    expect(err.message).toBe(
      "schedule diverges at step 2: it says run actor 0 (0), which cannot run now; enabled: 1",
    );
  });

  it("names the actor with the describer it is given", () => {
    const replay = new ReplayStrategy([stepOf(0), stepOf(0), stepOf(0)], (id) => `worker-${id}`);
    expect(() => runOnce(counterScenario, { workers: 2 }, replay)).toThrow(/worker-0/);
  });

  it("rejects a timer decision when no timer is due", () => {
    expect(() =>
      runOnce(counterScenario, { workers: 2 }, new ReplayStrategy([timerOf(0)])),
    ).toThrow(/step 0.*fire the timer of actor 0/);
  });

  it("rejects a data choice where a step was asked for, and a step where a choice was", () => {
    expect(() =>
      runOnce(counterScenario, { workers: 2 }, new ReplayStrategy([choiceOf(1)])),
    ).toThrow(ReplayDivergenceError);
    // mixed: w0's first step asks for a data choice in [0, 4).
    expect(() =>
      runOnce(mixed, { workers: 1 }, new ReplayStrategy([stepOf(0), stepOf(0)])),
    ).toThrow(/data choice 'value' in \[0, 4\)/);
    expect(() =>
      runOnce(mixed, { workers: 1 }, new ReplayStrategy([stepOf(0), choiceOf(4)])),
    ).toThrow(ReplayDivergenceError);
    // The error's step is the step that asked for the choice (step 0), not the decision's
    // index (1): `replay` of a trace file reports the step recorded there.
    for (const decisions of [[stepOf(0), stepOf(0)], [stepOf(0), choiceOf(4)], [stepOf(0)]]) {
      const err = thrown(() => runOnce(mixed, { workers: 1 }, new ReplayStrategy(decisions)));
      expect((err as ReplayDivergenceError).step).toBe(0);
    }
  });

  it("is an error when the schedule runs out before the execution ends", () => {
    expect(() =>
      runOnce(counterScenario, { workers: 2 }, new ReplayStrategy([stepOf(0), stepOf(1)])),
    ).toThrow(/ran out after 2 decisions.*step 2/);
  });

  it("is an error when decisions are left over after the execution ends", () => {
    const schedule = {
      scenario: "counter",
      params: { workers: 2 },
      decisions: [stepOf(0), stepOf(0), stepOf(1), stepOf(1), stepOf(1)],
    };
    expect(() => recordTrace(counterScenario, { workers: 2 }, schedule)).toThrow(
      /1 of 5 decisions unused/,
    );
    expect(() => recordTrace(counterScenario, { workers: 2 }, schedule)).toThrow(
      ReplayDivergenceError,
    );
  });
});
