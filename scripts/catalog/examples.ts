import { counterScenario } from "../../sim/index.ts";
import { PASS, violationVerdict } from "../cli/verdict.ts";
import type { InvariantInfo, Variant } from "./variant.ts";

/**
 * Variants of the engine's example scenario, so the CLI and its tests have one buggy and
 * one correct variant whatever else is installed. One worker cannot lose an update; two
 * can, in four steps: A reads, B reads, A writes, B writes.
 */
export const counterVariants: readonly Variant[] = [
  {
    name: "counter-race",
    summary: "two workers increment a shared counter with separate read and write steps",
    scenario: counterScenario,
    params: { workers: 2 },
    policies: { workers: 2 },
    expected: violationVerdict("no lost update"),
    strategy: "dpor",
    // Worker 0 reads, then one switch to worker 1 (which reads), then run to the end.
    minimalCase: () => ({ params: { workers: 2 }, choices: [0, 1], invariant: "no lost update" }),
  },
  {
    name: "counter-solo",
    summary: "one worker increments the counter alone: nothing to race with",
    scenario: counterScenario,
    params: { workers: 1 },
    policies: { workers: 1 },
    expected: PASS,
    strategy: "dpor",
  },
];

export const counterInvariants: readonly InvariantInfo[] = [
  {
    name: "no lost update",
    summary: "at the end the counter equals the number of workers",
    scenario: "counter",
  },
];
