import { executionSeed, Prng } from "../prng.ts";
import type { Strategy } from "../strategy.ts";
import type { Decision } from "../types.ts";

/**
 * Uniform choice among the enabled steps and data values, from a seed. Execution i of a
 * run draws from its own seed derived from (run seed, i), so any execution can be rerun
 * alone and a seed range can be split across shards.
 */
export class RandomStrategy implements Strategy {
  readonly name = "random";
  private prng: Prng;

  constructor(readonly seed: number) {
    this.prng = new Prng(seed);
  }

  beginExecution(index: number): boolean {
    this.prng = new Prng(executionSeed(this.seed, index));
    return true;
  }

  pickStep(enabled: readonly Decision[]): number {
    return this.prng.below(enabled.length);
  }

  pickChoice(n: number): number {
    return this.prng.below(n);
  }

  describe(): string {
    return `random, seed ${this.seed}`;
  }
}
