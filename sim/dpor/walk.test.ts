import { describe, expect, it } from "vitest";
import { boundedScope, protocolScenario } from "../../src/index.ts";
import type { Scenario } from "../scenario.ts";
import type { Params } from "../types.ts";
import { type Program, programScenario } from "./random-program.ts";
import { exploreSystematic } from "./systematic.ts";
import { WalkError, walkTrace } from "./walk.ts";

const scenario = protocolScenario as unknown as Scenario<Params>;
const params = { ...boundedScope("fixed"), tabs: "a2" } as unknown as Params;

/** Two actors: one makes a data choice and writes it, the other reads the cell. */
const choices = programScenario(
  JSON.parse(
    '{"cells":1,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"read","cell":0}]}]],"children":[]}',
  ) as Program,
) as unknown as Scenario<Params>;

/** The canonical forms of the traces dpor reaches, in its order (at most `max` runs). */
function tracesOf(s: Scenario<Params>, p: Params, max?: number): string[] {
  const seen: string[] = [];
  exploreSystematic({
    scenario: s,
    params: p,
    strategy: "dpor",
    stop_on_first: false,
    ...(max === undefined ? {} : { max_executions: max }),
    on_trace: (c) => seen.push(c),
  });
  return seen;
}

/** The number of runs (of any kind) the search takes to complete `trace`. */
function runsUntil(s: Scenario<Params>, p: Params, trace: string): number {
  let lo = 1;
  let hi = 100_000;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (tracesOf(s, p, mid).includes(trace)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

describe("walking a trace through a dpor search", () => {
  const traces = tracesOf(scenario, params);
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

  // Each trace is completed by exactly one execution of the search: walked with the search
  // cut just before that execution, it is not reached; with it, it is. Matching by actor
  // names alone, or without the trace's happens-before order, would take an earlier
  // execution of another trace for it (two orders of the same steps, say).
  for (const [what, target, pick] of [
    ["the protocol's one-tab scope (timer firings)", { scenario, params }, [10, 60, 100, 151]],
    ["a program with data choices", { scenario: choices, params: {} }, [0, 1, 2, 3]],
  ] as const) {
    it(`is reached exactly by the execution that completes it, on ${what}`, () => {
      const all = tracesOf(target.scenario, target.params);
      for (const k of pick) {
        const trace = all[k] as string;
        const m = runsUntil(target.scenario, target.params, trace);
        const cut = (max: number) =>
          walkTrace({
            scenario: target.scenario,
            params: target.params,
            trace,
            max_executions: max,
          });
        expect(cut(m).reached).toBe(true);
        expect(cut(m - 1).reached).toBe(false);
      }
    });
  }

  it("refuses a trace the scenario cannot replay", () => {
    expect(() => walkTrace({ scenario, params, trace: `${last} s9` })).toThrow(WalkError);
    expect(() => walkTrace({ scenario, params, trace: "s0 ?" })).toThrow(WalkError);
    expect(() => walkTrace({ scenario, params, trace: "  " })).toThrow("the trace is empty");
    // A choice the step does not make, and a malformed list of choices.
    const withChoice = tracesOf(choices, {}).find((t) => t.includes("[")) as string;
    expect(() =>
      walkTrace({ scenario: choices, params: {}, trace: withChoice.replace("]", ",1]") }),
    ).toThrow(WalkError);
    expect(() =>
      walkTrace({ scenario: choices, params: {}, trace: withChoice.replace("]", ",]") }),
    ).toThrow(WalkError);
  });
});
