import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OptionError } from "../errors.ts";
import { counterScenario } from "../examples/counter.ts";
import { defaultLimits } from "../execute.ts";
import { choicesArbitrary } from "../fastcheck.ts";
import { runOnce } from "../runner.ts";
import type { Scenario } from "../scenario.ts";
import { runChoices, scheduleToChoices } from "../shrink.ts";
import { recordTrace, stringifyTrace } from "../trace.ts";
import { type Actor, stepOf, timerOf } from "../types.ts";
import { ChoicesStrategy, choiceForIndex, pickByChoice } from "./choices.ts";
import { RandomStrategy } from "./random.ts";

const RUNS = Number(process.env.STREAMSIM_RUNS ?? 50);

/** Data choices, timers, waits that can deadlock, spawns: lenient reading must cover all. */
const busy: Scenario<{ workers: number }> = {
  name: "busy",
  summary: "workers that choose, wait with and without timeouts, and spawn",
  defaults: { workers: 3 },
  setup(world, { workers }) {
    const q = world.queue<number>("q", { capacity: 2 });
    const seen = world.log<number>("seen");
    for (let w = 0; w < workers; w++) {
      world.spawn(
        `w${w}`,
        (function* (): Actor {
          if (world.choose(3, "produce") > 0) q.push(w);
          yield "consume";
          const r = yield world.until(() => q.size > 0, { label: "got", timeout_ms: 50 * w });
          if (r === "ok") seen.append(q.shift() ?? -1);
          yield world.sleep(world.choose(2) * 10);
          if (w === 0) world.spawn("late", (function* (): Actor {})());
        })(),
      );
    }
    world.spawn(
      "waits-forever-sometimes",
      (function* (): Actor {
        yield world.until(() => seen.length >= 2, { label: "two", on: "two items seen" });
      })(),
    );
  },
};

describe("choices strategy", () => {
  // A negative or fractional number made World.choose blame the model (its actor crashed).
  it("refuses numbers that are not whole numbers >= 0", () => {
    for (const bad of [[0, -1], [0, 1.5], [Number.NaN]]) {
      expect(() => new ChoicesStrategy(bad)).toThrow(OptionError);
      expect(() => runChoices(counterScenario, { workers: 2 }, bad)).toThrow(
        /choices must be whole numbers >= 0/,
      );
    }
  });
  it("turns any array of naturals into a complete execution that replays identically", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat()),
        fc.integer({ min: 1, max: 4 }),
        (numbers: number[], workers: number) => {
          const r = runChoices(busy, { workers }, numbers, { trace: true });
          expect(["completed", "deadlock"]).toContain(r.outcome.kind);
          expect(r.steps).toBeLessThan(defaultLimits.max_steps);
          const schedule = { scenario: "busy", params: { workers }, decisions: r.decisions };
          const replayed = recordTrace(busy, { workers }, schedule);
          expect(replayed.steps).toEqual(r.trace);
          expect(replayed.outcome).toEqual(r.outcome);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it("is total for huge numbers too", () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat(), { maxLength: 40 }), (numbers) => {
        const r = runChoices(busy, { workers: 3 }, numbers);
        expect(r.steps).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  it("keeps the current actor on 0 and when the array runs out", () => {
    const r = runChoices(counterScenario, { workers: 3 }, []);
    expect(r.decisions).toEqual([0, 0, 3, 3, 6, 6]);
    expect(r.preemptions).toBe(0);
    expect(r.outcome.kind).toBe("completed");
    // One switch after the first read, then 0s (explicit or implicit) keep the new actor.
    const s = runChoices(counterScenario, { workers: 2 }, [0, 1, 0]);
    expect(s.decisions).toEqual([0, 3, 3, 0]);
    expect(s.preemptions).toBe(1);
    expect(s.outcome.kind).toBe("violation");
  });

  it("switches to the k-th other enabled option, modulo their count", () => {
    const enabled = [stepOf(0), stepOf(1), stepOf(2), timerOf(3)];
    // Current actor 1 is at index 1; the others are indices 0, 2, 3.
    expect(pickByChoice(enabled, 1, 0)).toBe(1);
    expect(pickByChoice(enabled, 1, 1)).toBe(0);
    expect(pickByChoice(enabled, 1, 2)).toBe(2);
    expect(pickByChoice(enabled, 1, 3)).toBe(3);
    expect(pickByChoice(enabled, 1, 4)).toBe(0);
    // No current actor (or it cannot run): 0 takes the first option, k counts from 1.
    expect(pickByChoice(enabled, -1, 0)).toBe(0);
    expect(pickByChoice(enabled, 5, 0)).toBe(0);
    expect(pickByChoice(enabled, 5, 2)).toBe(1);
    expect(pickByChoice(enabled, 5, 5)).toBe(0);
    // Only the current actor can run: every number keeps it.
    expect(pickByChoice([stepOf(2)], 2, 7)).toBe(0);
  });

  it("reads a data choice as the next number modulo n", () => {
    const c = new ChoicesStrategy([7, 0]);
    c.beginExecution();
    expect(c.pickChoice(3)).toBe(1);
    expect(c.pickChoice(3)).toBe(0);
    expect(c.pickChoice(3)).toBe(0);
  });

  it("inverts pickByChoice with choiceForIndex", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat({ max: 30 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: -1, max: 31 }),
        fc.nat(),
        (actors, current, raw) => {
          const enabled = [...actors].sort((a, b) => a - b).map(stepOf);
          const index = raw % enabled.length;
          const k = choiceForIndex(enabled, current, index);
          expect(pickByChoice(enabled, current, k)).toBe(index);
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });

  it("round-trips any recorded schedule through scheduleToChoices", () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 4 }), (seed, workers) => {
        const original = runOnce(busy, { workers }, new RandomStrategy(seed), { trace: true });
        if (original === null) throw new Error("random refused to start");
        const numbers = scheduleToChoices(busy, { workers }, original.decisions);
        expect(numbers.at(-1)).not.toBe(0);
        const again = runChoices(busy, { workers }, numbers, { trace: true });
        expect(again.decisions).toEqual(original.decisions);
        expect(again.trace).toEqual(original.trace);
      }),
      { numRuns: RUNS },
    );
  });

  it("generates schedules through choicesArbitrary within its bounds", () => {
    for (const a of fc.sample(choicesArbitrary({ maxLength: 5, maxValue: 2 }), {
      seed: 1,
      numRuns: 100,
    })) {
      expect(a.length).toBeLessThanOrEqual(5);
      for (const v of a) expect(v).toBeLessThanOrEqual(2);
    }
  });

  it("runs once per strategy object", () => {
    const c = new ChoicesStrategy([1]);
    expect(c.beginExecution()).toBe(true);
    expect(c.beginExecution()).toBe(false);
  });

  it("gives byte-identical traces for the same numbers", () => {
    const numbers = [2, 0, 1, 3, 1];
    const decisions = runChoices(busy, { workers: 3 }, numbers).decisions;
    const schedule = { scenario: "busy", params: { workers: 3 }, decisions };
    expect(stringifyTrace(recordTrace(busy, { workers: 3 }, schedule))).toBe(
      stringifyTrace(recordTrace(busy, { workers: 3 }, schedule)),
    );
  });
});
