import type { Json, Params, Scenario } from "../../sim/index.ts";
import type { Verdict } from "../cli/verdict.ts";

/** A counterexample known to be minimal, in the lenient `choices` encoding. */
export interface MinimalCase {
  readonly params: Params;
  readonly choices: readonly number[];
  readonly invariant: string;
}

/**
 * A named, built-in configuration of a scenario: the unit the verdict table, `run
 * --variant` and the corpus talk about. For the protocol model a variant is a set of policy
 * values (round-1, fixed, ...); for the small example scenarios it is a parameter choice.
 */
export interface Variant {
  readonly name: string;
  readonly summary: string;
  readonly scenario: Scenario;
  /**
   * The parameters that make this variant, laid over the scenario's defaults (to explore it)
   * or over a corpus case's parameters (to check the case against it).
   */
  readonly params: Params;
  /** Its policy values, for `list`. */
  readonly policies: Readonly<Record<string, Json>>;
  /** What it is known to do: "pass", or the invariant its race breaks. */
  readonly expected: Verdict;
  /** Parameters for the verdict table's exploration (a small scope); default `params`. */
  readonly exploreParams?: Params;
  /** The strategy the verdict table explores it with. */
  readonly strategy: string;
  /** Its minimal counterexample, when it is buggy and one is known. */
  minimalCase?(): MinimalCase | undefined;
}

/** An invariant a scenario checks, for `list`. */
export interface InvariantInfo {
  readonly name: string;
  readonly summary: string;
  readonly scenario: string;
}
