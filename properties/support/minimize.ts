import {
  type ExecutionResult,
  Prng,
  runChoices,
  sameFailure,
  shrinkSchedule,
} from "../../sim/index.ts";
import { type ProtocolParams, protocolScenario } from "../../src/index.ts";

export interface Counterexample {
  readonly params: ProtocolParams;
  readonly choices: readonly number[];
  readonly result: ExecutionResult;
}

function breaks(result: ExecutionResult, invariant: string): boolean {
  return result.outcome.kind === "violation" && result.outcome.property === invariant;
}

/**
 * Finishes what fast-check's shrinker started. fast-check shrinks the scenario and the
 * `choices` together, but a smaller scenario (one event fewer) re-aligns every later choice,
 * so it can stop in a local minimum. This tries the same scenario and then each smaller one of
 * the scenario's own `shrinkParams`, with the same choices and then with seeded random
 * schedules, keeps any that breaks the same invariant in fewer steps, and ends with the
 * engine's `shrinkSchedule`. Deterministic for a given input.
 */
export function minimize(
  start: Counterexample,
  invariant: string,
  options: { readonly tries_per_scenario?: number; readonly seed?: number } = {},
): Counterexample {
  const tries = options.tries_per_scenario ?? 300;
  const prng = new Prng(options.seed ?? 1);
  let best = start;
  for (let round = 0; round < 50; round++) {
    let improved = false;
    const candidates = [best.params, ...(protocolScenario.shrinkParams?.(best.params) ?? [])];
    for (const params of candidates) {
      const found = search(params, best, invariant, tries, prng);
      if (found !== null) {
        best = found;
        improved = true;
        break;
      }
    }
    if (!improved) break;
  }
  const shrunk = shrinkSchedule(
    protocolScenario,
    best.params,
    { scenario: protocolScenario.name, params: best.params, decisions: best.result.decisions },
    { same: sameFailure },
  );
  const result = runChoices(protocolScenario, shrunk.params, shrunk.choices);
  return breaks(result, invariant) && result.steps <= best.result.steps
    ? { params: shrunk.params, choices: shrunk.choices, result }
    : best;
}

function search(
  params: ProtocolParams,
  best: Counterexample,
  invariant: string,
  tries: number,
  prng: Prng,
): Counterexample | null {
  for (let t = 0; t <= tries; t++) {
    const choices =
      t === 0
        ? best.choices
        : Array.from({ length: 1 + prng.below(80) }, () =>
            prng.below(3) === 0 ? prng.below(8) : 0,
          );
    const result = runChoices(protocolScenario, params, choices);
    if (breaks(result, invariant) && result.steps < best.result.steps) {
      return { params, choices, result };
    }
  }
  return null;
}
