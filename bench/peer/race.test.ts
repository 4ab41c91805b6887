/**
 * The two implementations of the round-2 race agree (not timed; the benchmark is
 * bench/peer/index.ts): fc.scheduler finds the duplicate, neither tool finds a violation in
 * `fixed`, and every interleaving fc.scheduler ran gives the same verdict when streamsim
 * replays it in the twin.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  counterScenario,
  explore,
  exploreSystematic,
  type Outcome,
  PctStrategy,
  RandomStrategy,
  ReplayStrategy,
  runOnce,
  shrinkSchedule,
  stepOf,
} from "../../sim/index.ts";
import { enumerateInterleavings } from "./enumerate.ts";
import { defaultRaceOptions, type RaceVariant, raceProperties } from "./race.ts";
import { type FcRaceOutcome, runRaceOnScheduler } from "./race-fc.ts";
import { type PeerRaceParams, peerRaceScenario } from "./race-sim.ts";
import { canonicalTrace, coverage, stepAccesses } from "./traces.ts";

const runs = Number(process.env.STREAMSIM_RUNS ?? 100);
const race = defaultRaceOptions;
const params = (variant: RaceVariant, events = race.events): PeerRaceParams => ({
  variant,
  events,
  cap: race.cap,
});

/** Runs the fc version under fc.scheduler for `numRuns` seeds' worth of schedules. */
async function fcOutcomes(variant: RaceVariant, numRuns: number): Promise<FcRaceOutcome[]> {
  const out: FcRaceOutcome[] = [];
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), async (s) => {
      out.push(await runRaceOnScheduler(s, variant, race));
    }),
    { numRuns, seed: 42 },
  );
  return out;
}

/** The twin's verdict for an interleaving given as the actor of each step. */
function twinVerdict(variant: RaceVariant, order: readonly number[]): string | null {
  const r = runOnce(peerRaceScenario, params(variant), new ReplayStrategy(order.map(stepOf)));
  if (r === null) throw new Error("a fresh replay refused to start");
  return verdict(r.outcome);
}

function verdict(o: Outcome): string | null {
  if (o.kind === "completed") return null;
  if (o.kind === "violation") return `${o.property}: ${o.message}`;
  return o.kind;
}

/**
 * An fc scheduler that releases the steps of the actors in `order` (0 producer, 1 handler):
 * before each release, it looks up which pending task belongs to the wanted actor (fc's
 * `schedulerFor` wants task ids, which depend on the order in which steps were scheduled).
 */
function schedulerForOrder(order: readonly number[]): fc.Scheduler {
  const ids: number[] = [];
  let s: fc.Scheduler | null = null;
  s = fc.schedulerFor(ids, {
    act: (f) => {
      // When the wanted actor has no step pending (it waits, or `order` is used up), the
      // first pending step goes instead, so that the run always ends.
      const wanted = order[ids.length];
      const prefix = wanted === 0 ? "producer:" : "handler:";
      const pending = s?.report().filter((t) => t.status === "pending") ?? [];
      const task = pending.find((t) => t.label.startsWith(prefix)) ?? pending[0];
      if (task !== undefined) ids.push(task.taskId);
      return f();
    },
  });
  return s;
}

/** PROTOCOL.md §3 round 2's minimal case: the tab subscribes; the producer journals and
 * publishes token("a") into Q; the replay sends it; the drain sends it again. */
const minimalRound2 = [1, 1, 0, 0, 0, 1, 1, 0, 1];

describe("fc.scheduler version of the round-2 race", () => {
  it("finds the duplicate in round2", async () => {
    const outcomes = await fcOutcomes("round2", 50);
    const failing = outcomes.filter((o) => o.violation !== null);
    expect(failing.length).toBeGreaterThan(0);
    for (const o of failing) expect(o.violation?.[0]).toBe(raceProperties.exactlyOnce);
  });

  it("finds no violation in fixed", async () => {
    const outcomes = await fcOutcomes("fixed", runs);
    expect(outcomes.filter((o) => o.violation !== null)).toEqual([]);
    expect(outcomes.length).toBe(runs);
  });

  it("hits the minimal interleaving of PROTOCOL.md §3 when released in that order", async () => {
    const o = await runRaceOnScheduler(schedulerForOrder(minimalRound2), "round2", race);
    expect(o.order).toEqual(minimalRound2);
    expect(o.violation).toEqual([
      raceProperties.exactlyOnce,
      'tab rendered run1:1 (token "a") twice',
    ]);
    const fixed = await runRaceOnScheduler(schedulerForOrder(minimalRound2), "fixed", race);
    expect(fixed.violation).toBeNull();
  });
});

describe("the streamsim twin agrees with the fc.scheduler version", () => {
  it.each(["round2", "fixed"] as const)(
    "gives the same verdict on every interleaving fc.scheduler ran (%s)",
    async (variant) => {
      const outcomes = await fcOutcomes(variant, runs);
      for (const o of outcomes) {
        const fcVerdict = o.violation === null ? null : `${o.violation[0]}: ${o.violation[1]}`;
        expect(twinVerdict(variant, o.order)).toBe(fcVerdict);
      }
    },
  );

  it("finds the duplicate of the minimal case at its last step", () => {
    const r = runOnce(
      peerRaceScenario,
      params("round2"),
      new ReplayStrategy(minimalRound2.map(stepOf)),
    );
    expect(r?.outcome).toEqual({
      kind: "violation",
      property: raceProperties.exactlyOnce,
      message: 'tab rendered run1:1 (token "a") twice',
      steps: minimalRound2.length,
    });
  });

  it("shrinks a random failure of round2 to a shortest failing interleaving", () => {
    let shortest = Number.POSITIVE_INFINITY;
    enumerateInterleavings(peerRaceScenario, params("round2"), {
      onExecution: (_d, o) => {
        if (o.kind === "violation") shortest = Math.min(shortest, o.steps);
      },
    });
    expect(shortest).toBe(minimalRound2.length);
    for (const seed of [1, 2, 3]) {
      const r = explore({
        scenario: peerRaceScenario,
        params: params("round2"),
        strategy: new RandomStrategy(seed),
      });
      const failure = r.failures[0];
      if (failure === undefined) throw new Error(`seed ${seed}: no failure in round2`);
      const shrunk = shrinkSchedule(peerRaceScenario, params("round2"), failure.schedule);
      expect(shrunk.steps).toBe(shortest);
      expect(shrunk.outcome.kind === "violation" && shrunk.outcome.property).toBe(
        raceProperties.exactlyOnce,
      );
    }
  });

  it("finds no violation in fixed under random and pct", () => {
    for (const strategy of [new RandomStrategy(3), new PctStrategy({ seed: 3, depth: 3 })]) {
      const r = explore({
        scenario: peerRaceScenario,
        params: params("fixed"),
        strategy,
        max_executions: runs * 20,
      });
      expect(r.failures).toEqual([]);
      expect(r.executions).toBe(runs * 20);
    }
  });

  // The handler waits only on an empty queue, so each wake-up that a race reversal would
  // plan where nothing has pushed yet is known to be impossible (resumptionCannotRun in
  // sim/strategies/dpor.ts): before, 12 of 38 executions of fixed and 4 of 29 of round2
  // ended sleep-blocked or infeasible in the default order. (Seeded orders still block in
  // round2.)
  it("dpor runs one execution per trace of each variant, none sleep-blocked", () => {
    for (const [variant, traces] of [
      ["fixed", 26],
      ["round2", 25],
    ] as const) {
      const c = exploreSystematic({
        scenario: peerRaceScenario,
        params: params(variant),
        strategy: "dpor",
        stop_on_first: false,
      });
      expect(c.exhausted).toBe(true);
      expect(c.traces).toBe(traces);
      expect(c.executions).toBe(traces);
      expect(c.sleep_blocked + c.infeasible).toBe(0);
    }
  });

  it.each([2, 3])(
    "passes fixed in every interleaving, and fails round2 in some (%i events)",
    (events) => {
      const fixed = enumerateInterleavings(peerRaceScenario, params("fixed", events));
      expect(fixed.complete).toBe(true);
      expect([...fixed.outcomes.keys()]).toEqual(["completed"]);
      const round2 = enumerateInterleavings(peerRaceScenario, params("round2", events));
      expect(round2.complete).toBe(true);
      expect(round2.outcomes.get(`violation:${raceProperties.exactlyOnce}`)).toBeGreaterThan(0);
      expect([...round2.outcomes.keys()].sort()).toEqual(["completed", "violation:exactly-once"]);
    },
  );
});

describe("coverage measures", () => {
  it("counts the lost-update counter's 6 interleavings as 4 traces", () => {
    const all: number[][] = [];
    enumerateInterleavings(
      counterScenario,
      { workers: 2 },
      { onExecution: (d) => all.push([...d]) },
    );
    expect(coverage(counterScenario, { workers: 2 }, all)).toEqual({ interleavings: 6, traces: 4 });
  });

  it("gives one canonical form to interleavings that swap independent steps", () => {
    // Both workers read before either writes; the two reads commute, the writes do not.
    const a = canonicalTrace(stepAccesses(counterScenario, { workers: 2 }, [0, 3, 0, 3]));
    const b = canonicalTrace(stepAccesses(counterScenario, { workers: 2 }, [3, 0, 0, 3]));
    const c = canonicalTrace(stepAccesses(counterScenario, { workers: 2 }, [3, 0, 3, 0]));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});
