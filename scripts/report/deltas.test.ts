import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Json } from "../../sim/index.ts";
import { applyDelta, encodeDeltas } from "./deltas.ts";
import { handTrace } from "./fixtures/hand-trace.ts";
import { longTrace } from "./fixtures/long-run.ts";
import { replayWindowScenario, replayWindowTrace } from "./fixtures/replay-window.ts";
import { replayInsight } from "./insight.ts";

const RUNS = Number(process.env.STREAMSIM_REPORT_RUNS ?? 100);

/** Folds deltas forward and checks each step's written objects against its `after`. */
function expectSameStates(
  trace: ReturnType<typeof handTrace>,
  initial: { readonly [k: string]: Json },
): void {
  const deltas = encodeDeltas(trace, initial);
  const state: Record<string, Json> = { ...initial };
  for (const [i, step] of trace.steps.entries()) {
    const d = deltas[i] ?? {};
    expect(Object.keys(d)).toEqual(Object.keys(step.after));
    for (const [name, delta] of Object.entries(d)) state[name] = applyDelta(state[name], delta);
    for (const [name, value] of Object.entries(step.after)) expect(state[name]).toEqual(value);
  }
}

describe("encodeDeltas", () => {
  it("stores a log append as a push and a queue shift as a head drop", () => {
    const trace = handTrace({
      steps: [
        { actor: "a", after: { log: [1], q: ["x", "y"], c: 5 } },
        { actor: "a", after: { log: [1, 2], q: ["y"], c: 6 } },
        { actor: "a", after: { log: [1, 2, 3], q: ["y", "z"] } },
        { actor: "a", after: { q: [] } },
      ],
    });
    expect(encodeDeltas(trace, { log: [] })).toEqual([
      { log: { drop: 0, push: [1] }, q: { set: ["x", "y"] }, c: { set: 5 } },
      { log: { drop: 0, push: [2] }, q: { drop: 1, push: [] }, c: { set: 6 } },
      { log: { drop: 0, push: [3] }, q: { drop: 0, push: ["z"] } },
      { q: { drop: 2, push: [] } },
    ]);
  });

  it("reproduces every snapshot of arbitrary sequences of array and scalar states", () => {
    const value = fc.oneof(
      fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant({ a: 1 })), { maxLength: 6 }),
      fc.integer(),
      fc.constant(null),
    );
    const step = fc.dictionary(fc.constantFrom("x", "y", "z"), value, { maxKeys: 3 });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), fc.boolean(), (afters, knownStart) => {
        const trace = handTrace({ steps: afters.map((after) => ({ actor: "a", after })) });
        expectSameStates(trace, knownStart ? { x: [], y: 0 } : {});
      }),
      { numRuns: RUNS },
    );
  });

  it("reproduces the states of recorded traces, in linear space for a long one", () => {
    const t = replayWindowTrace();
    expectSameStates(t, replayInsight(replayWindowScenario, t).initial_state);
    const long = longTrace(300);
    expectSameStates(long, replayInsight(replayWindowScenario, long).initial_state);
    const encoded = JSON.stringify(encodeDeltas(long, {})).length;
    const whole = JSON.stringify(long.steps.map((s) => s.after)).length;
    expect(encoded * 20).toBeLessThan(whole);
  });
});
