import { describe, expect, it } from "vitest";
import { boundedScope, protocolScenario } from "../../src/index.ts";
import type { Scenario } from "../scenario.ts";
import type { Params } from "../types.ts";
import { exploreSystematic } from "./systematic.ts";
import { WalkError, walkTrace } from "./walk.ts";

const scenario = protocolScenario as unknown as Scenario<Params>;
const params = { ...boundedScope("fixed"), tabs: "a2" } as unknown as Params;

/** The canonical forms of the traces dpor reaches on the one-tab scope, in its order. */
function reachedTraces(): string[] {
  const seen: string[] = [];
  exploreSystematic({
    scenario,
    params,
    strategy: "dpor",
    stop_on_first: false,
    on_trace: (c) => seen.push(c),
  });
  return seen;
}

describe("walking a trace through a dpor search", () => {
  const traces = reachedTraces();
  const last = traces[traces.length - 1] as string;

  it("finds a trace the search reaches, compatible to its last step", () => {
    const w = walkTrace({ scenario, params, trace: last });
    expect(w.reached).toBe(true);
    expect(w.steps.length).toBe(last.split(" ").length);
    expect(w.deepest[0]?.path.length).toBe(w.steps.length);
    expect(w.deepest[0]?.needed).toEqual([]);
    // The steps keep their accesses by stable name.
    expect(w.steps.some((s) => /\{.*:w/.test(s.text))).toBe(true);
  });

  it("says where a search that stopped early turned away from the trace", () => {
    const w = walkTrace({ scenario, params, trace: last, max_executions: 1 });
    expect(w.executions).toBe(1);
    expect(w.reached).toBe(false);
    const deepest = w.deepest[0];
    expect(deepest).toBeDefined();
    expect(deepest?.path.length).toBeLessThan(w.steps.length);
    // The next steps the trace needed, and what the execution ran there instead.
    expect(deepest?.needed.length).toBeGreaterThan(0);
    expect(deepest?.taken.length).toBe(1);
    expect(w.steps[deepest?.needed[0] as number]?.text).not.toBe(deepest?.taken[0]);
  });

  it("refuses a trace the scenario cannot replay", () => {
    expect(() => walkTrace({ scenario, params, trace: `${last} s9` })).toThrow(WalkError);
    expect(() => walkTrace({ scenario, params, trace: "s0 ?" })).toThrow(WalkError);
  });
});
