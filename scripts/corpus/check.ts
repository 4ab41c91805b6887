import { type Params, resolveParams, runChoices } from "../../sim/index.ts";
import type { Catalog, Variant } from "../catalog.ts";
import { type Verdict, verdictOf } from "../cli/verdict.ts";
import type { CorpusCase } from "./case.ts";

/** The outcome of checking one case against one variant. */
export interface CaseCheck {
  readonly variant: string;
  readonly expected: Verdict;
  /** The verdict now; null when it cannot be had (see `missing`). */
  readonly actual: Verdict | null;
  /** Why there is no verdict: what is missing, in words; null when there is one. */
  readonly missing: string | null;
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
    // Prune drops only the variants that are gone: a case whose scenario is not registered
    // (a user's own, say) but names existing variants, or names a variant of another
    // scenario (edited by hand), stays, so "run prune" is no advice for those.
    const missing = !catalog.scenarios.has(c.scenario)
      ? `scenario '${c.scenario}' is not registered (see scripts/catalog.ts); if it is gone, delete the case`
      : variant === undefined
        ? "variant no longer exists (run 'streamsim corpus prune')"
        : variant.scenario.name !== c.scenario
          ? `variant '${name}' is of scenario '${variant.scenario.name}', not the case's '${c.scenario}'`
          : null;
    if (variant === undefined || missing !== null) {
      return { variant: name, expected, actual: null, missing, ok: false };
    }
    const actual = verdictOn(c, variant);
    return { variant: name, expected, actual, missing: null, ok: actual === expected };
  });
}

/** The variants a new case is checked against by default: every one of its scenario. */
export function variantsOfScenario(catalog: Catalog, scenario: string): Variant[] {
  return catalog.variants.filter((v) => v.scenario.name === scenario);
}
