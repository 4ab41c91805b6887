import {
  ChoicesStrategy,
  type Decision,
  executionSeed,
  Prng,
  plural,
  type Strategy,
} from "../../sim/index.ts";

export interface RandomChoicesOptions {
  readonly seed: number;
  /** Numbers drawn per execution; later decisions read 0 (keep running). Default 64. */
  readonly length?: number;
  /** Chance that a number is not 0, that is, a context switch. Default 0.25. */
  readonly switch_probability?: number;
}

/**
 * Exploration with the `choices` encoding: each execution reads a fresh random array of
 * numbers, mostly zeros, so it favours schedules with few context switches, which is where
 * the shallow races live, and every execution it finds is already in the form that
 * `shrinkSchedule` minimises. Execution i draws from its own seed, like `random`.
 */
export class RandomChoicesStrategy implements Strategy {
  readonly name = "choices";
  private inner: ChoicesStrategy = new ChoicesStrategy([]);
  private readonly length: number;
  private readonly switch_probability: number;

  constructor(private readonly options: RandomChoicesOptions) {
    this.length = options.length ?? 64;
    this.switch_probability = options.switch_probability ?? 0.25;
  }

  beginExecution(index: number): boolean {
    const prng = new Prng(executionSeed(this.options.seed, index));
    const numbers: number[] = [];
    for (let i = 0; i < this.length; i++) {
      numbers.push(prng.unit() < this.switch_probability ? 1 + prng.below(7) : 0);
    }
    this.inner = new ChoicesStrategy(numbers);
    return this.inner.beginExecution();
  }

  pickStep(enabled: readonly Decision[], current: number): number {
    return this.inner.pickStep(enabled, current);
  }

  pickChoice(n: number): number {
    return this.inner.pickChoice(n);
  }

  describe(): string {
    return `choices, seed ${this.options.seed}: random arrays of ${plural(this.length, "number")}, a switch with probability ${this.switch_probability}`;
  }
}
