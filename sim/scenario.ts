import { OptionError, ScenarioParamsError, UnknownScenarioError } from "./errors.ts";
import type { ExecutionLimits } from "./execute.ts";
import { checkScenarioName } from "./schedule.ts";
import type { Json, Params } from "./types.ts";
import type { World } from "./world.ts";

/**
 * A scenario builds one execution's world: its tracked objects, its actors and its checks.
 * It is a plain object so that a user can write one in a few lines (see README.md).
 */
export interface Scenario<P extends Params = Params> {
  /** Lower-case words joined by '-': it appears in schedule text. */
  readonly name: string;
  readonly summary: string;
  /** The parameters used when none are given; also documents which parameters exist. */
  readonly defaults: P;
  /**
   * Makes the execution's world. Must be deterministic: the same params give the same
   * objects and actors in the same order.
   */
  setup(world: World, params: P): void;
  /**
   * Checks user-supplied parameters (already merged over the defaults) and returns them
   * normalised; throws ScenarioParamsError with a one-line message when they do not fit.
   * Default: every key must be one of the defaults' keys, with a value of the same type.
   */
  parseParams?(raw: Params): P;
  /**
   * Inclusive [min, max] of numeric parameters, checked by the default parseParams: a
   * value outside it (or not a whole number) is a ScenarioParamsError, not an execution
   * that runs out of memory or reports a nonsense violation.
   */
  readonly ranges?: { readonly [param: string]: readonly [min: number, max: number] };
  /** Smaller variants of `params`, simplest first, for shrinking a counterexample. */
  shrinkParams?(params: P): Iterable<P>;
  readonly limits?: ExecutionLimits;
}

/** Merges user parameters over the scenario's defaults and validates them. */
export function resolveParams<P extends Params>(scenario: Scenario<P>, raw: Params = {}): P {
  const merged = { ...scenario.defaults, ...raw } as Params;
  if (scenario.parseParams !== undefined) return scenario.parseParams(merged);
  for (const [key, value] of Object.entries(merged)) {
    if (!(key in scenario.defaults)) {
      const known = Object.keys(scenario.defaults).join(", ") || "none";
      throw new ScenarioParamsError(
        `scenario '${scenario.name}' has no parameter '${key}' (parameters: ${known})`,
      );
    }
    const expected = typeof (scenario.defaults[key] as Json);
    if (typeof value !== expected) {
      throw new ScenarioParamsError(
        `scenario '${scenario.name}': parameter '${key}' must be a ${expected}, got ${JSON.stringify(value)}`,
      );
    }
    // A schedule records its parameters as JSON, where NaN and Infinity become null.
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new ScenarioParamsError(
        `scenario '${scenario.name}': parameter '${key}' must be a finite number, got ${value}`,
      );
    }
    const range = scenario.ranges?.[key];
    if (typeof value === "number" && range !== undefined) {
      const [min, max] = range;
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new ScenarioParamsError(
          `scenario '${scenario.name}': parameter '${key}' must be a whole number from ${min} to ${max}, got ${value}`,
        );
      }
    }
  }
  return merged as P;
}

/** A set of scenarios by name. */
export class ScenarioRegistry {
  private readonly byName = new Map<string, Scenario>();

  add<P extends Params>(scenario: Scenario<P>): this {
    checkScenarioName(scenario);
    if (this.byName.has(scenario.name)) {
      throw new OptionError(`scenario '${scenario.name}' is registered twice`);
    }
    this.byName.set(scenario.name, scenario as unknown as Scenario);
    return this;
  }

  get(name: string): Scenario {
    const s = this.byName.get(name);
    if (s === undefined) {
      throw new UnknownScenarioError(
        `unknown scenario '${name}'; known scenarios: ${[...this.byName.keys()].join(", ")} (see 'streamsim list')`,
      );
    }
    return s;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  all(): Scenario[] {
    return [...this.byName.values()];
  }
}
