import { type Params, resolveParams, runChoices } from "../../sim/index.ts";
import type { Catalog, Variant } from "../catalog.ts";
import { type Verdict, verdictOf } from "../cli/verdict.ts";
import type { CorpusCase } from "./case.ts";

/** The outcome of checking one case against one variant. */
export interface CaseCheck {
  readonly variant: string;
  readonly expected: Verdict;
  /** The verdict now; null when the variant no longer exists. */
  readonly actual: Verdict | null;
  readonly ok: boolean;
}

/** The case's parameters with the variant's own laid over them. */
export function paramsFor(c: { readonly params: Params }, variant: Variant): Params {
  return resolveParams(variant.scenario, { ...c.params, ...variant.params });
}

/** What `variant` does on the case's execution, run from its `choices`. */
export function verdictOn(
  c: { readonly params: Params; readonly choices: readonly number[] },
  variant: Variant,
): Verdict {
  return verdictOf(runChoices(variant.scenario, paramsFor(c, variant), c.choices).outcome);
}

/** Checks a case against every variant it lists. */
export function checkCase(catalog: Catalog, c: CorpusCase): CaseCheck[] {
  return Object.entries(c.expected).map(([name, expected]) => {
    const variant = catalog.variants.find((v) => v.name === name);
    if (variant === undefined || variant.scenario.name !== c.scenario) {
      return { variant: name, expected, actual: null, ok: false };
    }
    const actual = verdictOn(c, variant);
    return { variant: name, expected, actual, ok: actual === expected };
  });
}

/** The variants a new case is checked against by default: every one of its scenario. */
export function variantsOfScenario(catalog: Catalog, scenario: string): Variant[] {
  return catalog.variants.filter((v) => v.scenario.name === scenario);
}
