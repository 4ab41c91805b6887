import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boundedScope, protocolScenario } from "../../src/index.ts";
import type { Scenario } from "../scenario.ts";
import type { Params } from "../types.ts";
import { programArbitrary, programScenario } from "./random-program.ts";
import { exploreSystematic, type SystematicKind } from "./systematic.ts";

const RUNS = Number(process.env.STREAMSIM_PROPERTY_RUNS ?? 60);
const SEED = Number(process.env.STREAMSIM_PROPERTY_SEED ?? 20_261_128);

/**
 * Every counted execution's canonical form with the hash the search counted it by: the
 * two must partition the executions alike (one hash per form, one form per hash).
 */
function expectHashesFollowForms(
  scenario: Scenario<Params>,
  params: Params,
  strategy: SystematicKind,
  max_executions: number,
): number {
  const hashOf = new Map<string, number>();
  const formOf = new Map<number, string>();
  exploreSystematic({
    scenario,
    params,
    strategy,
    stop_on_first: false,
    max_executions,
    on_trace: (form, hash) => {
      expect(hashOf.get(form) ?? hash).toBe(hash);
      expect(formOf.get(hash) ?? form).toBe(form);
      hashOf.set(form, hash);
      formOf.set(hash, form);
    },
  });
  return hashOf.size;
}

describe("traceHash", () => {
  // Plain enumeration runs many linearisations of each trace: they must hash alike, and
  // different traces differently.
  it("hashes two executions alike iff their canonical forms are equal (random programs)", () => {
    fc.assert(
      fc.property(programArbitrary({ timeouts: true, mutexes: 2 }), (program) => {
        const scenario = programScenario(program) as unknown as Scenario<Params>;
        expectHashesFollowForms(scenario, {}, "exhaustive", 5_000);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("hashes two executions alike iff their canonical forms are equal (the protocol, spawned actors)", () => {
    const scenario = protocolScenario as unknown as Scenario<Params>;
    const params = scenario.parseParams?.({ ...boundedScope("fixed"), tabs: "a2" }) as Params;
    // Enumeration's first 3,000 executions are linearisations of a few traces; dpor runs
    // each of the scope's 152 traces once.
    expect(expectHashesFollowForms(scenario, params, "exhaustive", 3_000)).toBeGreaterThan(1);
    expect(expectHashesFollowForms(scenario, params, "dpor", 1_000)).toBe(152);
  });
});
