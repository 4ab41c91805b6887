import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { counterScenario } from "./examples/counter.ts";
import { choicesArbitrary } from "./fastcheck.ts";
import { explore } from "./runner.ts";
import { formatSchedule } from "./schedule.ts";
import { runChoices, sameFailure, scheduleToChoices, shrinkSchedule } from "./shrink.ts";
import { RandomStrategy } from "./strategies/random.ts";
import { recordTrace } from "./trace.ts";

function foundByRandom(seed: number) {
  const run = explore({
    scenario: counterScenario,
    params: { workers: 3 },
    strategy: new RandomStrategy(seed),
    max_executions: 1000,
  });
  const failure = run.failures[0];
  if (failure === undefined) throw new Error(`seed ${seed} found no lost update`);
  return failure;
}

describe("shrinkSchedule", () => {
  it("shrinks counter with 3 workers, found by random, to the 4-step interleaving with 2", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const failure = foundByRandom(seed);
      expect(failure.steps).toBe(6);
      const shrunk = shrinkSchedule(counterScenario, { workers: 3 }, failure.schedule);
      expect(shrunk.params).toEqual({ workers: 2 });
      expect(shrunk.steps).toBe(4);
      expect(shrunk.preemptions).toBe(1);
      expect(shrunk.outcome).toEqual({
        kind: "violation",
        property: "no lost update",
        message: "counter is 1, expected 2",
        steps: 4,
      });
      expect(shrunk.before.steps).toBe(6);
      // Both reads before either write: worker-0 reads, worker-1 reads and writes, then
      // worker-0 writes the stale value. One preemption, nothing else.
      const trace = recordTrace(counterScenario, shrunk.params, shrunk.schedule);
      expect(trace.steps.map((s) => `${s.name}:${s.label}`)).toEqual([
        "worker-0:read",
        "worker-1:read",
        "worker-1:write",
        "worker-0:write",
      ]);
      expect(formatSchedule(shrunk.schedule)).toBe("ss1:counter:workers=2:0.1x2.0");
      expect(shrunk.choices).toEqual([0, 1]);
    }
  });

  it("is deterministic: the same input shrinks to the same output", () => {
    const failure = foundByRandom(9);
    const a = shrinkSchedule(counterScenario, { workers: 3 }, failure.schedule);
    const b = shrinkSchedule(counterScenario, { workers: 3 }, failure.schedule);
    expect(b).toEqual(a);
  });

  it("stops at max_attempts and still returns a failing schedule", () => {
    const failure = foundByRandom(1);
    const shrunk = shrinkSchedule(counterScenario, { workers: 3 }, failure.schedule, {
      max_attempts: 2,
    });
    expect(shrunk.attempts).toBeLessThanOrEqual(2);
    expect(shrunk.capped).toBe(true);
    expect(shrunk.outcome.kind).toBe("violation");
    const again = runChoices(counterScenario, shrunk.params, shrunk.choices);
    expect(sameFailure(failure.outcome, again.outcome)).toBe(true);
  });

  // A search that ends with exactly its cap used, nothing left to try, is not capped
  // (review: it said so, and "it may shrink further" with the same result at any cap).
  it("says capped only when the cap stopped the search", () => {
    const failure = foundByRandom(1);
    const full = shrinkSchedule(counterScenario, { workers: 3 }, failure.schedule);
    expect(full.capped).toBe(false);
    const exact = shrinkSchedule(counterScenario, { workers: 3 }, failure.schedule, {
      max_attempts: full.attempts,
    });
    expect(exact.capped).toBe(false);
    expect(exact.schedule).toEqual(full.schedule);
    const short = shrinkSchedule(counterScenario, { workers: 3 }, failure.schedule, {
      max_attempts: full.attempts - 1,
    });
    expect(short.capped).toBe(true);
  });

  it("keeps the failure the same: a candidate with another outcome is not taken", () => {
    const failure = foundByRandom(1);
    // Accept only violations after at least 6 steps: the 2-worker shrink is then refused.
    const shrunk = shrinkSchedule(counterScenario, { workers: 3 }, failure.schedule, {
      same: (_, c) => c.kind === "violation" && c.steps >= 6,
    });
    expect(shrunk.params).toEqual({ workers: 3 });
    expect(shrunk.steps).toBe(6);
  });

  it("converts a schedule to choices that reproduce it", () => {
    const failure = foundByRandom(4);
    const choices = scheduleToChoices(counterScenario, { workers: 3 }, failure.schedule.decisions);
    const r = runChoices(counterScenario, { workers: 3 }, choices);
    expect(r.decisions).toEqual(failure.schedule.decisions);
  });
});

describe("fast-check shrinking through the choices strategy", () => {
  it("shrinks the counter's lost update to [0, 1] (4 steps) whatever fast-check's seed", () => {
    const runs = Number(process.env.STREAMSIM_RUNS ?? 50);
    for (let seed = 0; seed < runs; seed++) {
      const details = fc.check(
        fc.property(choicesArbitrary(), (choices) => {
          return runChoices(counterScenario, { workers: 2 }, choices).outcome.kind === "completed";
        }),
        { seed },
      );
      expect(details.failed).toBe(true);
      expect(details.counterexample).toEqual([[0, 1]]);
    }
  });
});

describe("sameFailure", () => {
  it("matches on outcome kind and, for violations, the property", () => {
    const v = (property: string) =>
      ({ kind: "violation", property, message: "m", steps: 1 }) as const;
    expect(sameFailure(v("a"), { ...v("a"), message: "other", steps: 9 })).toBe(true);
    expect(sameFailure(v("a"), v("b"))).toBe(false);
    expect(sameFailure({ kind: "budget", max_steps: 5, steps: 5 }, v("a"))).toBe(false);
    expect(
      sameFailure(
        { kind: "deadlock", blocked: [], steps: 1 },
        { kind: "deadlock", blocked: [], steps: 7 },
      ),
    ).toBe(true);
  });
});
