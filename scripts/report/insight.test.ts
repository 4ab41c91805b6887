import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  counterScenario,
  formatSchedule,
  type Params,
  RandomStrategy,
  recordTrace,
  runOnce,
  type Scenario,
} from "../../sim/index.ts";
import { handTrace } from "./fixtures/hand-trace.ts";
import { replayWindowScenario, replayWindowTrace } from "./fixtures/replay-window.ts";
import { inferPreemptions, replayInsight } from "./insight.ts";

const RUNS = Number(process.env.STREAMSIM_REPORT_RUNS ?? 40);

describe("replayInsight", () => {
  it("marks exactly as many preemptions as the engine counted, on any random schedule", () => {
    const cases: { scenario: Scenario; params: Params }[] = [
      { scenario: replayWindowScenario as unknown as Scenario, params: { tokens: 2 } },
      { scenario: counterScenario as unknown as Scenario, params: { workers: 3 } },
    ];
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(...cases), (seed, { scenario, params }) => {
        const r = runOnce(scenario, params, new RandomStrategy(seed));
        if (r === null) throw new Error("random strategy refused to start");
        const schedule = { scenario: scenario.name, params, decisions: r.decisions };
        const trace = recordTrace(scenario, params, schedule);
        expect(trace.schedule).toBe(formatSchedule(schedule));
        const insight = replayInsight(scenario, trace);
        expect(insight.preemptions).toHaveLength(trace.preemptions);
        for (const i of insight.preemptions) {
          expect(trace.steps[i]?.actor).not.toBe(trace.steps[i - 1]?.actor);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("snapshots every object's state before the first step", () => {
    const insight = replayInsight(replayWindowScenario, replayWindowTrace());
    expect(insight.initial_state).toEqual({
      journal: [],
      buffer: [],
      subscribed: false,
      "queue:handler-1": [],
      "wire:tab-1": [],
      "rendered:tab-1": [],
    });
  });
});

describe("inferPreemptions (trace only)", () => {
  it("marks a switch away from an actor that later runs a plain step", () => {
    const trace = handTrace({ steps: [{ actor: "a" }, { actor: "b" }, { actor: "a" }] });
    expect(inferPreemptions(trace)).toEqual([1]);
  });

  it("does not mark a switch away from an actor that next wakes by its timer", () => {
    const trace = handTrace({
      steps: [{ actor: "a" }, { actor: "b" }, { actor: "a", timer: true, t: 5000 }],
    });
    expect(inferPreemptions(trace)).toEqual([]);
  });

  it("does not mark a switch away from an actor that never runs again", () => {
    const trace = handTrace({ steps: [{ actor: "a" }, { actor: "b" }, { actor: "b" }] });
    expect(inferPreemptions(trace)).toEqual([]);
  });

  it("over-marks a switch away from an actor that was blocked, as documented", () => {
    // In the replay-window trace the handler blocks on its queue after step 3 and resumes
    // at step 9 with a plain step: the trace cannot tell that from a runnable actor.
    const trace = replayWindowTrace();
    const exact = replayInsight(replayWindowScenario, trace).preemptions;
    const inferred = inferPreemptions(trace);
    expect(exact).toEqual([1]);
    expect(inferred).toContain(1);
    expect(inferred).toContain(4);
    expect(exact).not.toContain(4);
  });
});
