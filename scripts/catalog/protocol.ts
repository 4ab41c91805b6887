import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Params, Scenario } from "../../sim/index.ts";
import {
  boundedScope,
  invariants,
  minimalCase,
  minimalCaseParams,
  protocolScenario,
  SCOPE_HORIZON_S,
  type VariantSpec,
  variants,
} from "../../src/index.ts";
import { PASS, violationVerdict } from "../cli/verdict.ts";
import type { InvariantInfo, Variant } from "./variant.ts";

export interface ProtocolPart {
  readonly scenario: Scenario;
  readonly variants: readonly Variant[];
  readonly invariants: readonly InvariantInfo[];
}

/**
 * The protocol model's variants (src/): each is the protocol scenario with `variant=<name>`.
 * The verdict table explores each one's bounded scope with dpor when it is installed (a
 * pass is then a proof for that scope), else with pct.
 */
export function protocolPart(): ProtocolPart {
  const scenario = protocolScenario as unknown as Scenario;
  const strategy = existsSync(
    fileURLToPath(new URL("../../sim/dpor/systematic.ts", import.meta.url)),
  )
    ? "dpor"
    : "pct";
  return {
    scenario,
    variants: variants.map((v) => protocolVariant(scenario, v, strategy)),
    invariants: invariants.map((i) => ({
      name: i.name,
      summary: i.summary,
      scenario: scenario.name,
    })),
  };
}

function protocolVariant(scenario: Scenario, v: VariantSpec, strategy: string): Variant {
  const params: Params = { variant: v.name };
  return {
    name: v.name,
    summary: v.summary,
    scenario,
    params,
    policies: { ...v.policies },
    expected: v.expected === "pass" ? PASS : violationVerdict(v.expected.invariant),
    // A buggy variant is explored in the scenario of its race in PROTOCOL.md §3 (its
    // minimal case's shape, with every interleaving of it open), so the table hunts for the
    // mechanism the review found; `fixed` and other passing variants get the bounded scope.
    // Both are explored up to the bounded scope's virtual time, as a heartbeat may fire
    // between any two steps (see boundedScope).
    exploreParams: {
      ...(minimalCaseParams(v.name) ?? boundedScope(v.name)),
      horizon_s: SCOPE_HORIZON_S,
    },
    strategy,
    minimalCase: () => {
      const c = minimalCase(v.name);
      return c === undefined
        ? undefined
        : { params: { ...c.params }, choices: c.choices, invariant: c.invariant };
    },
  };
}
