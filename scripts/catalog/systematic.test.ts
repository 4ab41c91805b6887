import { describe, expect, it } from "vitest";
import type { Params, Scenario } from "../../sim/index.ts";
import { boundedScope, protocolScenario } from "../../src/index.ts";
import { loadSystematicStrategies } from "./systematic.ts";

describe("a systematic search's progress", () => {
  it("counts runs, sleep-blocked ones too, and says so", async () => {
    const dpor = (await loadSystematicStrategies()).find((s) => s.name === "dpor");
    if (dpor === undefined) throw new Error("dpor is not in the catalog");
    const seen: [number, string | undefined][] = [];
    const e = await dpor.explore({
      scenario: protocolScenario as unknown as Scenario,
      params: boundedScope("fixed") as unknown as Params,
      options: { seed: 1, depth: 3 },
      max_executions: 1_000,
      budget_ms: Number.POSITIVE_INFINITY,
      onProgress: (done, _ms, unit) => seen.push([done, unit]),
    });
    expect(seen).toEqual([
      [500, "run"],
      [1_000, "run"],
    ]);
    // Its result's executions are the complete ones: fewer than the runs the line counted.
    expect(e.executions).toBeLessThan(1_000);
    expect((e.coverage as { sleep_blocked: number }).sleep_blocked).toBeGreaterThan(0);
  });
});
