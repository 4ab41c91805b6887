import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { counterScenario } from "../examples/counter.ts";
import { runOnce } from "../runner.ts";
import { formatDecisions } from "../schedule.ts";
import { RandomStrategy } from "../strategies/random.ts";
import { mergeCoverage } from "./coverage.ts";
import { explorePool } from "./pool.ts";
import {
  IndexShardedStrategy,
  parseShard,
  ShardSyntaxError,
  shardExecutionCount,
} from "./shard.ts";
import { BoundError, exploreSystematic } from "./systematic.ts";

function schedules(shard?: { index: number; count: number }, split_depth?: number): string[] {
  const c = exploreSystematic({
    scenario: counterScenario,
    params: { workers: 3 },
    strategy: "exhaustive",
    stop_on_first: false,
    max_failures: 10_000,
    keep_hashes: true,
    ...(shard === undefined ? {} : { shard }),
    ...(split_depth === undefined ? {} : { split_depth }),
  });
  return c.failures.map((f) => formatDecisions(f.schedule.decisions));
}

describe("sharding", () => {
  it("parses k/n and rejects anything else with a typed error", () => {
    expect(parseShard("2/4")).toEqual({ index: 1, count: 4 });
    for (const bad of ["0/3", "4/3", "1/0", "a/b", "1", ""]) {
      expect(() => parseShard(bad)).toThrow(ShardSyntaxError);
    }
  });

  it("splits exhaustive search so that n shards run every schedule exactly once", () => {
    const all = schedules();
    expect(all).toHaveLength(84);
    for (const count of [1, 2, 3, 5]) {
      for (const split of [1, 2, 4]) {
        const parts = Array.from({ length: count }, (_, index) =>
          schedules({ index, count }, split),
        );
        const union = parts.flat();
        expect(union.length).toBe(all.length);
        expect(new Set(union)).toEqual(new Set(all));
      }
    }
  });

  it("merges shard coverage into the unsharded figures", () => {
    const base = {
      scenario: counterScenario,
      params: { workers: 3 },
      stop_on_first: false,
    } as const;
    const whole = exploreSystematic({ ...base, strategy: "exhaustive" });
    const parts = [0, 1, 2].map((index) =>
      exploreSystematic({
        ...base,
        strategy: "exhaustive",
        keep_hashes: true,
        shard: { index, count: 3 },
      }),
    );
    const merged = mergeCoverage(parts);
    expect(merged.executions).toBe(whole.executions);
    expect(merged.traces).toBe(whole.traces);
    expect(merged.final_states).toBe(whole.final_states);
    expect(merged.outcomes).toEqual(whole.outcomes);
    expect(merged.exhausted).toBe(true);
  });

  it("refuses to shard dpor", () => {
    expect(() =>
      exploreSystematic({
        scenario: counterScenario,
        params: { workers: 2 },
        strategy: "dpor",
        shard: { index: 0, count: 2 },
      }),
    ).toThrow(BoundError);
  });

  it("shards random by execution index: shard k runs executions k, k+n, ... of the unsharded run", () => {
    const shard = { index: 1, count: 3 };
    for (let j = 0; j < 5; j++) {
      const sharded = runOnce(
        counterScenario,
        { workers: 3 },
        new IndexShardedStrategy(new RandomStrategy(7), shard),
        { index: j },
      );
      const plain = runOnce(counterScenario, { workers: 3 }, new RandomStrategy(7), {
        index: 1 + 3 * j,
      });
      expect(sharded?.decisions).toEqual(plain?.decisions);
    }
    expect([0, 1, 2].map((index) => shardExecutionCount(10, { index, count: 3 }))).toEqual([
      4, 3, 3,
    ]);
  });

  it("runs shards on worker threads and merges them into the unsharded figures", async () => {
    const whole = exploreSystematic({
      scenario: counterScenario,
      params: { workers: 3 },
      strategy: "exhaustive",
      stop_on_first: false,
    });
    const pooled = await explorePool({
      module: fileURLToPath(new URL("../examples/counter.ts", import.meta.url)),
      export_name: "counterScenario",
      params: { workers: 3 },
      strategy: "exhaustive",
      stop_on_first: false,
      workers: 2,
    });
    expect(pooled.executions).toBe(whole.executions);
    expect(pooled.traces).toBe(whole.traces);
    expect(pooled.final_states).toBe(whole.final_states);
  });
});
