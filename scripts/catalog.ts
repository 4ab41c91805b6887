import { existsSync, readdirSync } from "node:fs";
import { isAbsolute, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  counterScenario,
  InputError,
  OptionError,
  type Params,
  type Scenario,
  ScenarioRegistry,
} from "../sim/index.ts";
import { counterInvariants, counterVariants } from "./catalog/examples.ts";
import { protocolPart } from "./catalog/protocol.ts";
import { builtinStrategies, type ScenarioSource, type StrategySpec } from "./catalog/strategies.ts";
import { loadSystematicStrategies } from "./catalog/systematic.ts";
import type { InvariantInfo, Variant } from "./catalog/variant.ts";

export type { StrategyOptions, StrategySpec } from "./catalog/strategies.ts";
export type { InvariantInfo, MinimalCase, Variant } from "./catalog/variant.ts";

/** A name the catalog does not know. */
export class UnknownNameError extends InputError {
  override readonly name = "UnknownNameError";
}

/** Two scenarios with one name: a schedule names its scenario, and could not tell them apart. */
export class DuplicateScenarioError extends InputError {
  override readonly name = "DuplicateScenarioError";
}

/** A scenario found in a module, and where: worker threads load it from there. */
export interface FoundScenario {
  readonly scenario: Scenario;
  readonly source: ScenarioSource;
}

/**
 * The one registry the CLI uses: every scenario, variant, invariant and strategy this
 * streamsim has: the engine's example, the protocol model of src/, the classic DPOR
 * benchmark scenarios under sim/examples/dpor/ and the systematic strategies, each picked up
 * from its module.
 */
export interface Catalog {
  readonly scenarios: ScenarioRegistry;
  readonly variants: readonly Variant[];
  readonly invariants: readonly InvariantInfo[];
  readonly strategies: readonly StrategySpec[];
  variant(name: string): Variant;
  strategy(name: string): StrategySpec;
  /** The variant whose parameters a case's parameters carry, or undefined. */
  variantOf(scenario: string, params: Params): Variant | undefined;
  /** The module and export a scenario comes from (worker threads load it from there). */
  sourceOf(scenario: string): ScenarioSource | undefined;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export async function loadCatalog(): Promise<Catalog> {
  const scenarios = new ScenarioRegistry().add(counterScenario);
  const sources = new Map<string, ScenarioSource>([
    ["counter", { module: here("../sim/examples/counter.ts"), export_name: "counterScenario" }],
  ]);
  const variants: Variant[] = [...counterVariants];
  const invariants: InvariantInfo[] = [...counterInvariants];
  const protocol = protocolPart();
  scenarios.add(protocol.scenario);
  sources.set(protocol.scenario.name, {
    module: here("../src/index.ts"),
    export_name: "protocolScenario",
  });
  variants.push(...protocol.variants);
  invariants.push(...protocol.invariants);
  addFoundScenarios(scenarios, sources, await loadDporExamples());
  const strategies = [...builtinStrategies, ...(await loadSystematicStrategies())];
  return makeCatalog(scenarios, variants, invariants, strategies, sources);
}

function makeCatalog(
  scenarios: ScenarioRegistry,
  variants: readonly Variant[],
  invariants: readonly InvariantInfo[],
  strategies: readonly StrategySpec[],
  sources: ReadonlyMap<string, ScenarioSource>,
): Catalog {
  return {
    scenarios,
    variants,
    invariants,
    strategies,
    variant(name) {
      const v = variants.find((x) => x.name === name);
      if (v === undefined) {
        throw new UnknownNameError(
          `unknown variant '${name}'; known variants: ${variants.map((x) => x.name).join(", ")} (see 'streamsim list')`,
        );
      }
      return v;
    },
    strategy(name) {
      const s = strategies.find((x) => x.name === name);
      if (s === undefined) {
        const known = strategies.filter((x) => x.explores).map((x) => x.name);
        throw new UnknownNameError(
          `unknown strategy '${name}'; known strategies: ${known.join(", ")} (see 'streamsim list')`,
        );
      }
      if (!s.explores) {
        throw new UnknownNameError(`strategy '${name}' does not explore: ${s.summary}`);
      }
      return s;
    },
    sourceOf: (scenario) => sources.get(scenario),
    variantOf(scenario, params) {
      return variants.find(
        (v) =>
          v.scenario.name === scenario &&
          Object.entries(v.params).every(
            ([k, value]) => JSON.stringify(params[k]) === JSON.stringify(value),
          ),
      );
    },
  };
}

/**
 * Registers scenarios found in modules, and where each came from. A module that exports
 * one scenario under two names registers it once. A name the registry refuses, or taken by
 * another scenario, is bad input whose message names the file(s): without them, every
 * command would stop on a scenario name the user cannot find.
 */
export function addFoundScenarios(
  scenarios: ScenarioRegistry,
  sources: Map<string, ScenarioSource>,
  found: readonly FoundScenario[],
): void {
  for (const { scenario, source } of found) {
    const file = repoPath(source.module);
    if (scenarios.has(scenario.name)) {
      if (scenarios.get(scenario.name) === scenario) continue;
      const first = sources.get(scenario.name);
      const other = first === undefined ? "a built-in scenario" : repoPath(first.module);
      throw new DuplicateScenarioError(
        `${file}: scenario name "${scenario.name}" is already taken by another scenario in ${other}; rename one of them`,
      );
    }
    try {
      scenarios.add(scenario);
    } catch (e) {
      // Re-thrown of its own class (bad input, the CLI's exit code 2), with the file.
      if (e instanceof OptionError) throw new OptionError(`${file}: ${e.message}`, { cause: e });
      throw e;
    }
    sources.set(scenario.name, source);
  }
}

/** A module's path as the user would find it: from the repository's root when inside it. */
function repoPath(module: string): string {
  const path = module.startsWith("file:") ? fileURLToPath(module) : module;
  const from_root = relative(here("../"), path);
  const outside = from_root === ".." || from_root.startsWith(`..${sep}`) || isAbsolute(from_root);
  return outside ? path : from_root;
}

/** The classic DPOR benchmark scenarios, one or more per file under sim/examples/dpor/. */
async function loadDporExamples(): Promise<FoundScenario[]> {
  const dir = here("../sim/examples/dpor/");
  if (!existsSync(dir)) return [];
  const found: FoundScenario[] = [];
  // index.ts only re-exports; each scenario is taken from the file that defines it.
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "index.ts")
    .sort();
  for (const file of files) {
    const module = `${dir}${file}`;
    const mod: Record<string, unknown> = await import(pathToFileURL(module).href);
    for (const [export_name, value] of Object.entries(mod)) {
      if (isScenario(value)) found.push({ scenario: value, source: { module, export_name } });
    }
  }
  return found;
}

export function isScenario(value: unknown): value is Scenario {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.name === "string" &&
    typeof v.setup === "function" &&
    typeof v.defaults === "object" &&
    v.defaults !== null
  );
}
