import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { choicesArbitrary, runChoices } from "../sim/index.ts";
import { minimalCaseSteps } from "../src/cases.ts";
import { protocolParamsArbitrary, protocolScenario, variants } from "../src/index.ts";
import { choicesOptions, runs, seed } from "./support/config.ts";
import { minimize } from "./support/minimize.ts";
import { breaks, reproduce } from "./support/report.ts";

/** Steps a counterexample may have beyond the §3 minimal interleaving. */
const SLACK_STEPS = 6;

interface Row {
  variant: string;
  invariant: string;
  executions: number;
  fc_steps: number;
  min_steps: number;
  case_steps: number;
}
const table: Row[] = [];

const buggy = variants.flatMap((v) =>
  v.expected === "pass" ? [] : [[v.name, v.expected.invariant]],
);

describe("each buggy variant of PROTOCOL.md §3 fails its property", () => {
  it.each(buggy)("%s breaks %s, with a small counterexample", (variant, invariant) => {
    // The property of a buggy variant: it never breaks the invariant its real bug broke.
    const details = fc.check(
      fc.property(
        protocolParamsArbitrary(variant as string),
        choicesArbitrary(choicesOptions),
        (params, choices) =>
          !breaks(runChoices(protocolScenario, params, choices), invariant as string),
      ),
      { numRuns: runs * 25, seed },
    );
    expect(details.failed, `${variant} passed ${details.numRuns} runs`).toBe(true);
    const [params, choices] = details.counterexample as NonNullable<typeof details.counterexample>;
    const result = runChoices(protocolScenario, params, choices);
    expect(breaks(result, invariant as string), reproduce(params, result)).toBe(true);
    const min = minimize({ params, choices, result }, invariant as string, { seed });
    const caseSteps = minimalCaseSteps(variant as string) as number;
    table.push({
      variant: variant as string,
      invariant: invariant as string,
      executions: details.numRuns,
      fc_steps: result.steps,
      min_steps: min.result.steps,
      case_steps: caseSteps,
    });
    expect(min.result.steps, reproduce(min.params, min.result)).toBeLessThanOrEqual(
      caseSteps + SLACK_STEPS,
    );
  });
});

afterAll(() => {
  const lines = [
    `executions until the first failure (fast-check, seed ${seed}, STREAMSIM_RUNS=${runs}):`,
    "variant                  invariant        executions  fc-shrunk  minimized  §3 case",
    ...table.map(
      (r) =>
        `${r.variant.padEnd(24)} ${r.invariant.padEnd(16)} ${String(r.executions).padStart(10)}  ${String(r.fc_steps).padStart(9)}  ${String(r.min_steps).padStart(9)}  ${String(r.case_steps).padStart(7)}`,
    ),
  ];
  console.log(lines.join("\n"));
});
