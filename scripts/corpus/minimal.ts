import { formatSchedule, resolveParams, runChoices } from "../../sim/index.ts";
import type { Catalog, Variant } from "../catalog.ts";
import { type Verdict, verdictOf, violationVerdict } from "../cli/verdict.ts";
import { type CorpusCase, makeCase } from "./case.ts";
import { variantsOfScenario, verdictOn } from "./check.ts";

/** The id of a buggy variant's minimal case in the corpus (`npm test` requires it there). */
export function minimalCaseId(variant: Variant): string {
  return `${variant.name}-minimal`;
}

/** A buggy variant's minimal counterexample as a corpus case, checked on every variant. */
export function minimalCaseOf(catalog: Catalog, variant: Variant): CorpusCase | undefined {
  const mc = variant.minimalCase?.();
  if (mc === undefined) return undefined;
  const scenario = variant.scenario;
  const params = resolveParams(scenario, { ...mc.params, ...variant.params });
  const run = runChoices(scenario, params, mc.choices);
  const verdict = verdictOf(run.outcome);
  if (verdict !== violationVerdict(mc.invariant)) {
    throw new Error(
      `the minimal case of variant '${variant.name}' gives ${verdict}, not a violation of '${mc.invariant}'`,
    );
  }
  const schedule = formatSchedule({ scenario: scenario.name, params, decisions: run.decisions });
  const expected: Record<string, Verdict> = {};
  for (const v of variantsOfScenario(catalog, scenario.name)) {
    expected[v.name] = verdictOn({ params, choices: mc.choices }, v);
  }
  return makeCase({
    id: minimalCaseId(variant),
    scenario: scenario.name,
    found_on: variant.name,
    params,
    schedule,
    choices: [...mc.choices],
    steps: run.steps,
    expected,
    note: `the minimal counterexample of variant ${variant.name} (${mc.invariant})`,
  });
}
