import { InputError } from "../errors.ts";
import type { ExecutionSummary, StepInfo, Strategy } from "../strategy.ts";
import type { Decision } from "../types.ts";

/** Shard `index` (0-based) of `count`. Written "k/n" with k 1-based on the command line. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export class ShardSyntaxError extends InputError {
  override readonly name = "ShardSyntaxError";
}

/**
 * Refuses a shard given through the library that is not one of n (0 <= index < count): an
 * index past the count, or a NaN, ran nothing and reported the space exhausted (review).
 */
export function checkShard(shard: Shard | undefined): void {
  if (shard === undefined) return;
  const { index, count } = shard;
  if (!(Number.isSafeInteger(count) && count >= 1 && Number.isSafeInteger(index))) {
    throw new ShardSyntaxError(
      `shard must be { index, count } with whole numbers, count >= 1, got ${JSON.stringify(shard)}`,
    );
  }
  if (index < 0 || index >= count) {
    throw new ShardSyntaxError(
      `shard index must be 0 <= index < count (index is 0-based), got { index: ${index}, count: ${count} }`,
    );
  }
}

/** Parses "k/n" (1 <= k <= n), as given to `--shard`. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const k = m === null ? Number.NaN : Number(m[1]);
  const n = m === null ? Number.NaN : Number(m[2]);
  if (!(Number.isSafeInteger(k) && Number.isSafeInteger(n) && n >= 1 && k >= 1 && k <= n)) {
    throw new ShardSyntaxError(`shard must be k/n with 1 <= k <= n (e.g. 2/4), got '${text}'`);
  }
  return { index: k - 1, count: n };
}

/**
 * Random and PCT shard by execution index: shard k of n runs executions k, k+n, k+2n, … of
 * the unsharded run. Each execution draws from a seed derived from (run seed, index), so
 * the shards together run exactly the executions of the unsharded run. (PCT learns its
 * step estimate from earlier executions unless `steps_estimate` is given: give it when
 * sharding, or the shards' executions differ from the unsharded run's.)
 */
export class IndexShardedStrategy implements Strategy {
  readonly name: string;
  /** The wrapped strategy's (see Strategy.spent). */
  readonly spent: (() => boolean) | undefined;

  constructor(
    private readonly inner: Strategy,
    private readonly shard: Shard,
  ) {
    checkShard(shard);
    this.name = inner.name;
    this.spent = inner.spent === undefined ? undefined : () => inner.spent?.() === true;
  }

  beginExecution(index: number): boolean {
    return this.inner.beginExecution(this.shard.index + index * this.shard.count);
  }

  pickStep(enabled: readonly Decision[], current: number, step: number): number {
    return this.inner.pickStep(enabled, current, step);
  }

  pickChoice(n: number, label: string): number {
    return this.inner.pickChoice(n, label);
  }

  onStep(info: StepInfo): void {
    this.inner.onStep?.(info);
  }

  endExecution(info: ExecutionSummary): void {
    this.inner.endExecution?.(info);
  }

  describe(): string {
    return `${this.inner.describe?.() ?? this.inner.name}, shard ${this.shard.index + 1}/${this.shard.count}`;
  }
}

/** How many of the unsharded run's first `total` executions fall in `shard`. */
export function shardExecutionCount(total: number, shard: Shard): number {
  if (total <= shard.index) return 0;
  return Math.floor((total - 1 - shard.index) / shard.count) + 1;
}
