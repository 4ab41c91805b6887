import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  counterScenario,
  InputError,
  OptionError,
  type Scenario,
  ScenarioRegistry,
} from "../sim/index.ts";
import type { ScenarioSource } from "./catalog/strategies.ts";
import { addFoundScenarios, DuplicateScenarioError } from "./catalog.ts";

/** A scenario module under the repository's root, as loadDporExamples reports one. */
const at = (file: string, export_name = "scenario"): ScenarioSource => ({
  module: fileURLToPath(new URL(`../${file}`, import.meta.url)),
  export_name,
});

const named = (name: string): Scenario => ({ ...counterScenario, name }) as unknown as Scenario;

describe("the catalog's scenarios found in modules", () => {
  it("names the module of a scenario whose name the registry refuses, as bad input", () => {
    const add = () =>
      addFoundScenarios(new ScenarioRegistry(), new Map(), [
        { scenario: named("My X"), source: at("sim/examples/dpor/foo.ts") },
      ]);
    expect(add).toThrow(OptionError);
    expect(add).toThrow(/^sim\/examples\/dpor\/foo\.ts: scenario name "My X" must be /);
  });

  it("registers once a scenario that one module exports under two names", () => {
    const scenarios = new ScenarioRegistry();
    const sources = new Map<string, ScenarioSource>();
    const same = named("aliased");
    addFoundScenarios(scenarios, sources, [
      { scenario: same, source: at("sim/examples/dpor/a.ts", "aliased") },
      { scenario: same, source: at("sim/examples/dpor/a.ts", "alias") },
    ]);
    expect(scenarios.all()).toEqual([same]);
    expect(sources.get("aliased")?.export_name).toBe("aliased");
  });

  it("refuses two scenarios with one name, naming both modules", () => {
    const add = () =>
      addFoundScenarios(new ScenarioRegistry(), new Map(), [
        { scenario: named("twin"), source: at("sim/examples/dpor/a.ts") },
        { scenario: named("twin"), source: at("sim/examples/dpor/b.ts") },
      ]);
    expect(add).toThrow(DuplicateScenarioError);
    expect(add).toThrow(InputError);
    expect(add).toThrow(
      /^sim\/examples\/dpor\/b\.ts: scenario name "twin" is already taken by another scenario in sim\/examples\/dpor\/a\.ts; rename one of them$/,
    );
  });
});
