import { describe, expect, it } from "vitest";
import { ScenarioParamsError, UnknownScenarioError } from "./errors.ts";
import { counterScenario } from "./examples/counter.ts";
import { resolveParams, type Scenario, ScenarioRegistry } from "./scenario.ts";
import type { Params } from "./types.ts";

const withTypes: Scenario<{ workers: number; fail: boolean; mode: string }> = {
  name: "typed",
  summary: "parameters of three types",
  defaults: { workers: 2, fail: false, mode: "fast" },
  setup() {},
};

describe("resolveParams", () => {
  it("merges user parameters over the defaults", () => {
    expect(resolveParams(withTypes)).toEqual({ workers: 2, fail: false, mode: "fast" });
    expect(resolveParams(withTypes, { workers: 5, mode: "slow" })).toEqual({
      workers: 5,
      fail: false,
      mode: "slow",
    });
  });

  it("rejects an unknown parameter, naming the known ones", () => {
    expect(() => resolveParams(counterScenario, { wrokers: 3 })).toThrow(ScenarioParamsError);
    expect(() => resolveParams(counterScenario, { wrokers: 3 })).toThrow(
      "scenario 'counter' has no parameter 'wrokers' (parameters: workers)",
    );
  });

  it("rejects a parameter of the wrong type", () => {
    const bad: Params[] = [{ workers: "3" }, { fail: 1 }, { mode: true }, { workers: null }];
    for (const raw of bad) {
      expect(() => resolveParams(withTypes, raw)).toThrow(ScenarioParamsError);
    }
    expect(() => resolveParams(withTypes, { workers: "3" })).toThrow(
      `scenario 'typed': parameter 'workers' must be a number, got "3"`,
    );
  });

  it("defers to the scenario's own parseParams when it has one", () => {
    const strict: Scenario<{ workers: number }> = {
      ...counterScenario,
      parseParams(raw) {
        const w = raw.workers;
        if (typeof w !== "number" || w < 2) throw new ScenarioParamsError("workers must be >= 2");
        return { workers: w };
      },
    };
    expect(resolveParams(strict, { workers: 4 })).toEqual({ workers: 4 });
    expect(() => resolveParams(strict, { workers: 1 })).toThrow("workers must be >= 2");
  });
});

describe("ScenarioRegistry", () => {
  it("finds scenarios by name and lists them", () => {
    const r = new ScenarioRegistry().add(counterScenario).add(withTypes);
    expect(r.get("counter")).toBe(counterScenario);
    expect(r.has("typed")).toBe(true);
    expect(r.all().map((s) => s.name)).toEqual(["counter", "typed"]);
  });

  it("rejects an unknown scenario with UnknownScenarioError naming the known ones", () => {
    const r = new ScenarioRegistry().add(counterScenario);
    expect(() => r.get("countr")).toThrow(UnknownScenarioError);
    expect(() => r.get("countr")).toThrow(/unknown scenario 'countr'; known scenarios: counter/);
  });

  it("refuses to register a name twice", () => {
    const r = new ScenarioRegistry().add(counterScenario);
    expect(() => r.add(counterScenario)).toThrow(/registered twice/);
  });
});

describe("declared parameter ranges", () => {
  it("refuses a numeric parameter outside its range or not whole, in one line", () => {
    for (const workers of [0, -1, 17, 100_000_000, 2.5]) {
      expect(() => resolveParams(counterScenario, { workers })).toThrow(
        /parameter 'workers' must be a whole number from 1 to 16/,
      );
    }
    expect(resolveParams(counterScenario, { workers: 16 })).toEqual({ workers: 16 });
  });
});
