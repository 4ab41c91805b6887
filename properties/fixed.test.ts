import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  choicesArbitrary,
  describeOutcome,
  explore,
  PctStrategy,
  RandomStrategy,
  runChoices,
} from "../sim/index.ts";
import {
  boundedScope,
  minimalCase,
  protocolParamsArbitrary,
  protocolScenario,
  variants,
} from "../src/index.ts";
import { choicesOptions, runs, seed } from "./support/config.ts";
import { reproduce } from "./support/report.ts";

/** PCT: this many generated scenarios, each explored for this many executions. */
const pctScenarios = Math.max(8, Math.ceil(runs / 20));
const pctExecutions = 25;

describe("fixed keeps every invariant of PROTOCOL.md §2", () => {
  it(`for ${runs} generated scenarios and schedules (fast-check, choices strategy, seed ${seed})`, () => {
    fc.assert(
      fc.property(
        protocolParamsArbitrary("fixed"),
        choicesArbitrary(choicesOptions),
        (params, choices) => {
          const result = runChoices(protocolScenario, params, choices);
          if (result.outcome.kind !== "completed") throw new Error(reproduce(params, result));
        },
      ),
      { numRuns: runs, seed },
    );
  });

  it(`for ${pctScenarios} generated scenarios x ${pctExecutions} executions (pct, depth 3, seed ${seed})`, () => {
    const scenarios = fc.sample(protocolParamsArbitrary("fixed"), { numRuns: pctScenarios, seed });
    for (const params of scenarios) {
      const r = explore({
        scenario: protocolScenario,
        params,
        strategy: new PctStrategy({ seed, depth: 3 }),
        max_executions: pctExecutions,
      });
      const failure = r.failures[0];
      if (failure !== undefined) {
        throw new Error(
          `${describeOutcome(failure.outcome)} under pct for ${JSON.stringify(params)}`,
        );
      }
      expect(r.executions).toBe(pctExecutions);
    }
  });

  it("in the bounded scope, where every buggy variant fails", () => {
    const lines = [
      `bounded scope, 300 random executions each (seed ${seed}): failures by invariant`,
    ];
    for (const v of variants) {
      const r = explore({
        scenario: protocolScenario,
        params: boundedScope(v.name),
        strategy: new RandomStrategy(seed),
        max_executions: 300,
        stop_on_first: false,
        max_failures: 300,
      });
      const broken = new Map<string, number>();
      for (const f of r.failures) {
        const key = f.outcome.kind === "violation" ? f.outcome.property : f.outcome.kind;
        broken.set(key, (broken.get(key) ?? 0) + 1);
      }
      lines.push(`${v.name.padEnd(24)} ${JSON.stringify(Object.fromEntries(broken))}`);
      expect(r.executions).toBe(300);
      if (v.expected === "pass") {
        expect(r.failures.map((f) => describeOutcome(f.outcome))).toEqual([]);
      } else {
        expect(r.failures.length, v.name).toBeGreaterThan(0);
      }
    }
    console.log(lines.join("\n"));
  });

  // The review's own test list (PROTOCOL.md §3, round 3): each minimal interleaving of a buggy
  // variant, replayed against fixed, completes.
  it.each(variants.filter((v) => v.expected !== "pass").map((v) => v.name))(
    "completes the minimal interleaving that breaks %s",
    (variant) => {
      const c = minimalCase(variant);
      if (c === undefined) throw new Error(`${variant} has no minimal case`);
      const result = runChoices(protocolScenario, { ...c.params, variant: "fixed" }, c.choices);
      expect(result.outcome, reproduce({ ...c.params, variant: "fixed" }, result)).toEqual({
        kind: "completed",
        steps: result.steps,
      });
    },
  );
});

describe("the generated scenarios reach the model's paths", () => {
  it("for fixed, every path but the recovery signal (which its journal always covers)", () => {
    const reached = new Set<string>();
    for (const params of fc.sample(protocolParamsArbitrary("fixed"), { numRuns: 150, seed })) {
      const r = explore({
        scenario: protocolScenario,
        params,
        strategy: new RandomStrategy(seed),
        max_executions: 4,
      });
      for (const probe of r.reached.keys()) reached.add(probe);
    }
    expect([...reached].sort()).toEqual([
      "channel: offline buffer evicted a frame",
      "handler: dead stream path",
      "handler: gap filled from the journal",
      "handler: liveness check ended the stream",
      "producer: journal append failed",
      "tab: reloaded from persisted state",
      "tab: settled from the transcript",
    ]);
  });
});
