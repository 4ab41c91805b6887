import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boundedScope, protocolScenario } from "../../src/index.ts";
import { InputError, NondeterminismError, OptionError, ReplayDivergenceError } from "../errors.ts";
import { counterScenario } from "../examples/counter.ts";
import { runOnce } from "../runner.ts";
import type { Scenario } from "../scenario.ts";
import { formatDecisions } from "../schedule.ts";
import { ExhaustiveStrategy } from "../strategies/exhaustive.ts";
import { RandomStrategy } from "../strategies/random.ts";
import type { Params } from "../types.ts";
import { mergeCoverage } from "./coverage.ts";
import { explorePool, reviveError } from "./pool.ts";
import { programArbitrary, programScenario } from "./random-program.ts";
import {
  IndexShardedStrategy,
  parseShard,
  type Shard,
  ShardSyntaxError,
  shardExecutionCount,
} from "./shard.ts";
import { BoundError, exploreSystematic, runObserved } from "./systematic.ts";

const RUNS = Number(process.env.STREAMSIM_PROPERTY_RUNS ?? 60);
const SEED = Number(process.env.STREAMSIM_PROPERTY_SEED ?? 20_261_125);

function schedules(
  shard?: { index: number; count: number },
  split_depth?: number,
  claim_unit?: (unit: number) => boolean,
): string[] {
  const c = exploreSystematic({
    scenario: counterScenario,
    params: { workers: 3 },
    strategy: "exhaustive",
    stop_on_first: false,
    max_failures: 10_000,
    keep_hashes: true,
    ...(shard === undefined ? {} : { shard }),
    ...(split_depth === undefined ? {} : { split_depth }),
    ...(claim_unit === undefined ? {} : { claim_unit }),
  });
  return c.failures.map((f) => formatDecisions(f.schedule.decisions));
}

/** The counter with three workers, explored to the end by two worker threads. */
const counterPool = {
  module: fileURLToPath(new URL("../examples/counter.ts", import.meta.url)),
  export_name: "counterScenario",
  params: { workers: 3 },
  strategy: "exhaustive",
  stop_on_first: false,
  workers: 2,
} as const;

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

  // A pool's workers take the units first come, first served (claimUnit), for exhaustive as
  // for dpor: any owner per unit must do, not only u mod n. Random programs, so that units
  // also start at data choices (the setup's too) and at executions that end above the split
  // depth; with preemption bounds and step limits; every execution and its outcome compared.
  it("splits exhaustive search by any assignment of the units to shards", () => {
    type Run = { bound?: number; max_steps?: number; shard?: Shard; split?: number };
    // Every execution a search runs for itself, as its decisions and outcome.
    const executions = (scenario: Scenario, run: Run, claim?: (u: number) => boolean) => {
      const strategy = new ExhaustiveStrategy({
        ...(run.bound === undefined ? {} : { preemption_bound: run.bound }),
        ...(run.shard === undefined ? {} : { shard: run.shard, split_depth: run.split }),
        ...(claim === undefined ? {} : { claimUnit: claim }),
      });
      const limits = run.max_steps === undefined ? undefined : { max_steps: run.max_steps };
      const out: string[] = [];
      for (let i = 0; i < 20_000; i++) {
        const r = runObserved(scenario, {}, strategy, i, limits);
        if (r === null) return { out, exhausted: true };
        if (!strategy.lastSkipped) out.push(`${formatDecisions(r.decisions)} ${r.outcome.kind}`);
      }
      return { out, exhausted: false };
    };
    fc.assert(
      fc.property(
        programArbitrary({ timeouts: true, max_setup_choices: 2 }),
        fc.integer({ min: 2, max: 3 }),
        fc.integer({ min: 1, max: 6 }),
        fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
        fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 40 }),
        (program, count, split, bound, max_steps, owners) => {
          const scenario = programScenario(program) as unknown as Scenario;
          const whole = executions(scenario, { bound, max_steps });
          fc.pre(whole.exhausted);
          const owner = (u: number) => (owners[u % owners.length] as number) % count;
          // Each shard is asked about every unit, in order (a pool's shared counter needs it).
          const asked: number[][] = [];
          const parts = Array.from({ length: count }, (_, index) => {
            const mine: number[] = [];
            asked.push(mine);
            return executions(
              scenario,
              { bound, max_steps, shard: { index, count }, split },
              (u) => {
                mine.push(u);
                return owner(u) === index;
              },
            );
          });
          expect(parts.every((p) => p.exhausted)).toBe(true);
          for (const units of asked) {
            expect(units).toEqual(
              Array.from({ length: (asked[0] as number[]).length }, (_, u) => u),
            );
          }
          expect(parts.flatMap((p) => p.out).sort()).toEqual([...whole.out].sort());
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
    // The claim decides: a shard that takes every unit runs every schedule, the other none.
    const all = schedules();
    expect(schedules({ index: 0, count: 2 }, 2, () => true)).toHaveLength(all.length);
    expect(schedules({ index: 1, count: 2 }, 2, () => false)).toHaveLength(0);
  });

  // The search asks for one more execution after its last, to learn whether the space is
  // done: a unit that would start there is not claimed (review: it was, and the counter's
  // unit 1 was run by no worker).
  it("claims no exhaustive unit for a worker stopped by its execution bound", () => {
    let next = 0;
    const claim = (u: number) => {
      if (u !== next) return false;
      next = u + 1;
      return true;
    };
    const base = {
      scenario: counterScenario,
      params: { workers: 3 },
      strategy: "exhaustive",
      stop_on_first: false,
      split_depth: 1,
      claim_unit: claim,
    } as const;
    const whole = exploreSystematic({ ...base, claim_unit: undefined, split_depth: undefined });
    // Unit 0 of the counter is 30 executions: the first worker stops right after it.
    const first = exploreSystematic({ ...base, shard: { index: 0, count: 2 }, max_executions: 30 });
    const second = exploreSystematic({ ...base, shard: { index: 1, count: 2 } });
    expect(first.executions).toBe(30);
    expect(first.executions + second.executions).toBe(whole.executions);
  });

  // A unit found by beginExecution (the decision that changed is the split one) is claimed
  // at the first step, or at the end of an execution that takes none: here the setup's
  // choice 1 spawns nobody, and that unit's zero-step execution was counted by both shards
  // when only the first step claimed (review).
  it("claims an exhaustive unit whose execution takes no step at its end", () => {
    const maybeNobody: Scenario = {
      name: "maybe-nobody",
      summary: "a setup choice: two counter workers, or nobody",
      defaults: {},
      setup(world) {
        if (world.choose(2, "who") === 1) return;
        counterScenario.setup(world, { workers: 2 });
      },
    };
    const base = {
      scenario: maybeNobody,
      params: {},
      strategy: "exhaustive",
      stop_on_first: false,
      split_depth: 1,
      keep_hashes: true,
    } as const;
    const whole = exploreSystematic(base);
    const asked: number[][] = [[], []];
    const parts = [0, 1].map((index) =>
      exploreSystematic({
        ...base,
        shard: { index, count: 2 },
        // Unit 0 (two workers) to shard 0, unit 1 (nobody) to shard 1.
        claim_unit: (u) => {
          asked[index]?.push(u);
          return u === index;
        },
      }),
    );
    expect(asked).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect(parts.map((p) => p.executions)).toEqual([whole.executions - 1, 1]);
    expect(mergeCoverage(parts).outcomes).toEqual(whole.outcomes);
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
    expect(merged.bounds).toEqual([]);
    // A bound that stopped one part only is a bound of the whole.
    const capped = [
      exploreSystematic({
        ...base,
        strategy: "exhaustive",
        keep_hashes: true,
        shard: { index: 0, count: 2 },
      }),
      exploreSystematic({
        ...base,
        strategy: "exhaustive",
        keep_hashes: true,
        shard: { index: 1, count: 2 },
        max_executions: 5,
      }),
    ];
    expect(capped.map((c) => c.bounds)).toEqual([[], ["execution bound 5"]]);
    expect(mergeCoverage(capped)).toMatchObject({
      exhausted: false,
      bounds: ["execution bound 5"],
    });
  });

  it("refuses a dpor shard with a preemption bound, and a split depth below 1", () => {
    const base = { scenario: counterScenario, params: { workers: 2 }, strategy: "dpor" } as const;
    expect(() =>
      exploreSystematic({ ...base, shard: { index: 0, count: 2 }, preemption_bound: 2 }),
    ).toThrow(BoundError);
    expect(() =>
      exploreSystematic({ ...base, shard: { index: 0, count: 2 }, split_depth: 0 }),
    ).toThrow(BoundError);
  });

  /** Each shard's canonical traces, one list per shard, and its final-state hashes. */
  function dporShards(
    scenario: Scenario,
    count: number,
    split_depth: number,
    seed?: number,
    owner?: (unit: number) => number,
  ): { traces: string[][]; states: Set<number>; exhausted: boolean; blocked: number } {
    const traces: string[][] = [];
    const states = new Set<number>();
    let exhausted = true;
    let blocked = 0;
    for (let index = 0; index < count; index++) {
      const mine: string[] = [];
      const c = exploreSystematic({
        scenario,
        params: {},
        strategy: "dpor",
        stop_on_first: false,
        keep_hashes: true,
        max_executions: 100_000,
        shard: { index, count },
        split_depth,
        on_trace: (t) => mine.push(t),
        ...(seed === undefined ? {} : { seed }),
        ...(owner === undefined ? {} : { claim_unit: (u: number) => owner(u) === index }),
      });
      traces.push(mine);
      for (const h of c.state_hashes ?? []) states.add(h);
      exhausted &&= c.exhausted;
      blocked += c.sleep_blocked + c.infeasible;
    }
    return { traces, states, exhausted, blocked };
  }

  for (const [timeouts, extra, what] of [
    [false, {}, "without timeouts"],
    [true, {}, "with timeouts"],
    [true, { max_setup_choices: 2, max_daemons: 2 }, "with setup choices and daemons"],
    [true, { mutexes: 2 }, "with mutexes"],
  ] as const) {
    it(`splits dpor so that n shards reach every trace exactly once between them (${what})`, () => {
      fc.assert(
        fc.property(
          programArbitrary({ timeouts, ...extra }),
          fc.integer({ min: 2, max: 3 }),
          fc.integer({ min: 1, max: 5 }),
          fc.option(fc.nat(), { nil: undefined }),
          (program, count, split, seed) => {
            const scenario = programScenario(program) as unknown as Scenario;
            const all = new Set<string>();
            const whole = exploreSystematic({
              scenario,
              params: {},
              strategy: "exhaustive",
              stop_on_first: false,
              // Plain enumeration of the biggest programs can run long: skip those.
              max_executions: 20_000,
              on_trace: (t) => all.add(t),
            });
            fc.pre(whole.exhausted);
            const shards = dporShards(scenario, count, split, seed);
            expect(shards.exhausted).toBe(true);
            const union = shards.traces.flat();
            // Each trace once: no shard repeats another's (or its own).
            expect(new Set(union).size).toBe(union.length);
            expect([...new Set(union)].sort()).toEqual([...all].sort());
            expect(shards.states.size).toBe(whole.final_states);
          },
        ),
        { numRuns: RUNS, seed: SEED },
      );
    });
  }

  // A pool's workers take the units first come, first served (claimUnit): any owner per
  // unit must do, not only u mod n.
  it("splits dpor by any assignment of the units to shards, as a pool's workers take them", () => {
    fc.assert(
      fc.property(
        programArbitrary({ timeouts: true }),
        fc.integer({ min: 2, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 40 }),
        fc.option(fc.nat(), { nil: undefined }),
        (program, count, split, owners, seed) => {
          const scenario = programScenario(program) as unknown as Scenario;
          const whole = exploreSystematic({
            scenario,
            params: {},
            strategy: "dpor",
            stop_on_first: false,
            max_executions: 20_000,
          });
          fc.pre(whole.exhausted);
          const owner = (u: number) => (owners[u % owners.length] as number) % count;
          const shards = dporShards(scenario, count, split, seed, owner);
          expect(shards.exhausted).toBe(true);
          const union = shards.traces.flat();
          expect(new Set(union).size).toBe(union.length);
          expect(union.length).toBe(whole.traces);
          expect(shards.states.size).toBe(whole.final_states);
          // A unit is explored alike whoever takes it, in a seeded order too: the blocked
          // executions add up as with u mod n.
          expect(shards.blocked).toBe(dporShards(scenario, count, split, seed).blocked);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  // A sleeper explored above the units has no races reversed in its own branch, so it may
  // not stand for a sequence it is absent from (DporStrategy.sleeperStandsFor): without
  // that, the shards of this scope lost 2 of its 30,787 traces at split depth 12.
  it("reaches every trace of a two-tab protocol scope in 2 shards, each in one", () => {
    const base = {
      scenario: protocolScenario as unknown as Scenario,
      params: {
        ...boundedScope("fixed"),
        events: "the",
        tabs: "a0d/a2",
        horizon_s: 4,
      } as unknown as Params,
      strategy: "dpor",
      stop_on_first: false,
      count_states: false,
      keep_hashes: true,
    } as const;
    const whole = exploreSystematic(base);
    expect(whole.traces).toBe(30_787);
    const parts = [0, 1].map((index) =>
      exploreSystematic({ ...base, shard: { index, count: 2 }, split_depth: 12 }),
    );
    const merged = mergeCoverage(parts);
    expect(new Set(merged.trace_hashes)).toEqual(new Set(whole.trace_hashes));
    expect(merged.executions).toBe(30_787);
  });

  it("merges dpor shards into the unsharded traces, states and outcomes of the protocol model", () => {
    const base = {
      scenario: protocolScenario as unknown as Scenario,
      params: { ...boundedScope("fixed"), tabs: "a0" } as unknown as Params,
      strategy: "dpor",
      stop_on_first: false,
      keep_hashes: true,
    } as const;
    const whole = exploreSystematic(base);
    const parts = [0, 1, 2].map((index) =>
      exploreSystematic({ ...base, shard: { index, count: 3 }, split_depth: 8 }),
    );
    // Every shard has work: the units are spread, not all in one.
    for (const p of parts) expect(p.executions).toBeGreaterThan(0);
    const merged = mergeCoverage(parts);
    expect(merged.exhausted).toBe(true);
    expect(merged.traces).toBe(whole.traces);
    expect(new Set(merged.trace_hashes)).toEqual(new Set(whole.trace_hashes));
    expect(merged.final_states).toBe(whole.final_states);
    // One complete execution per trace in the shards together, as in the unsharded run.
    expect(merged.executions).toBe(whole.executions);
    expect(merged.outcomes).toEqual(whole.outcomes);
    expect(merged.strategy).toBe("dpor (optimal, wakeup trees)");
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
    const pooled = await explorePool(counterPool);
    expect(pooled.executions).toBe(whole.executions);
    expect(pooled.traces).toBe(whole.traces);
    expect(pooled.final_states).toBe(whole.final_states);
  });

  it("runs dpor on worker threads that take its units as they come, into the unsharded figures", async () => {
    const params = { ...boundedScope("fixed"), tabs: "a0" } as unknown as Params;
    const whole = exploreSystematic({
      scenario: protocolScenario as unknown as Scenario,
      params,
      strategy: "dpor",
      stop_on_first: false,
    });
    const pool = {
      module: fileURLToPath(new URL("../../src/index.ts", import.meta.url)),
      export_name: "protocolScenario",
      params,
      strategy: "dpor",
      stop_on_first: false,
      split_depth: 6,
      workers: 3,
    } as const;
    const seeded = { ...pool, seed: 1, split_depth: 4 };
    const [a, b] = [await explorePool(pool), await explorePool(pool)];
    const [c, d] = [await explorePool(seeded), await explorePool(seeded)];
    // Seeded, each unit draws from its own seed: the counts do not depend on timing either.
    expect([d.executions, d.sleep_blocked, d.infeasible]).toEqual([
      c.executions,
      c.sleep_blocked,
      c.infeasible,
    ]);
    expect(c.traces).toBe(whole.traces);
    for (const pooled of [a, b]) {
      expect(pooled.exhausted).toBe(true);
      expect(pooled.executions).toBe(whole.executions);
      expect(pooled.traces).toBe(whole.traces);
      expect(pooled.final_states).toBe(whole.final_states);
      expect(pooled.outcomes).toEqual(whole.outcomes);
    }
    // Which worker took which unit depends on timing; what they ran between them does not.
    expect([b.sleep_blocked, b.infeasible, b.other_shard]).toEqual([
      a.sleep_blocked,
      a.infeasible,
      a.other_shard,
    ]);
  });

  it("reports the workers' progress while they run (a pool has no budget to end it early)", async () => {
    const seen: number[] = [];
    await explorePool({
      ...counterPool,
      progress_every: 10,
      onProgress: (executions) => seen.push(executions),
    });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    for (const progress_every of [0, 0.5]) {
      await expect(
        explorePool({
          module: "unused",
          export_name: "unused",
          params: {},
          strategy: "exhaustive",
          progress_every,
        }),
      ).rejects.toThrow(/^progress_every must be a whole number of at least 1, got /);
    }
  });

  it("stops every worker at the first one's error, which keeps its class", async () => {
    const drifting = {
      module: fileURLToPath(new URL("./pool-fixture.ts", import.meta.url)),
      export_name: "driftingInOneThread",
      strategy: "dpor",
      stop_on_first: false,
      workers: 2,
      progress_every: 10,
    } as const;
    // The two workers' thread ids are consecutive: one of them has the parity that drifts.
    let progress = 0;
    let thrown: unknown = null;
    try {
      await explorePool({
        ...drifting,
        params: { workers: 7, first_thread: 1 },
        onProgress: () => progress++,
      });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(NondeterminismError);
    expect((thrown as Error).message).toMatch(/^dpor: the setup made actors \[worker-0, /);
    // The worker's own stack, for STREAMSIM_DEBUG=1 (from review: it was lost).
    expect(String((thrown as Error).stack)).toContain("setup-choices.ts");
    // The other worker's search (7 workers' lost updates, over a million executions) was
    // stopped, not left to run on: nothing more is reported once the pool has failed.
    const after = progress;
    // Real time, in a test of real threads (no simulated code runs here).
    // biome-ignore lint/style/noRestrictedGlobals: waits for worker messages that must not come
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(progress).toBe(after);
    // Bad input in a worker stays bad input (the CLI's exit code 2), of its own class.
    const bad = explorePool({ ...counterPool, params: { workers: 3 }, max_depth: -1 });
    await expect(bad).rejects.toBeInstanceOf(InputError);
    await expect(bad).rejects.toBeInstanceOf(BoundError);
    // A model's own error that shares a name with one of the engine's keeps its family
    // (from review: a model's "OptionError" came back as bad input).
    expect(reviveError("OptionError", "m", "other")).not.toBeInstanceOf(InputError);
    expect(reviveError("OptionError", "m", "input")).toBeInstanceOf(OptionError);
  });

  it("revives a worker's error with the data fields its constructor set", async () => {
    // From review: ReplayDivergenceError's step was lost on the way out of the worker.
    const throwing = {
      module: fileURLToPath(new URL("./pool-fixture.ts", import.meta.url)),
      export_name: "throwingWithFields",
      strategy: "dpor",
      workers: 1,
    } as const;
    const replay = await explorePool({ ...throwing, params: { error: "replay" } }).catch((e) => e);
    expect(replay).toBeInstanceOf(ReplayDivergenceError);
    expect(replay).toMatchObject({ message: "diverged at step 3", step: 3 });
    // A model's own error keeps its plain-data fields; a function or a Map is left out.
    const own = await explorePool({ ...throwing, params: { error: "own" } }).catch((e) => e);
    expect(own).toMatchObject({
      name: "FieldedError",
      message: "a model's own error",
      step: 4,
      where: { file: "model.ts", lines: [1, 2], note: null, fatal: true },
    });
    expect(Object.keys(own)).not.toContain("retry");
    expect(Object.keys(own)).not.toContain("seen");
    // Data never overwrites the error's own text.
    const revived = reviveError("E", "m", "other", "s", { name: "x", message: "y", stack: "z" });
    expect([revived.name, revived.message, revived.stack]).toEqual(["E", "m", "s"]);
  });

  it("revives an engine error thrown while a worker loads its scenario, with its class", async () => {
    // From review: it reached the CLI as a plain Error, an internal error instead of exit 2.
    const thrown = await explorePool({
      module: fileURLToPath(new URL("./pool-fixture-throws.ts", import.meta.url)),
      export_name: "none",
      params: {},
      strategy: "dpor",
      workers: 1,
    }).catch((e) => e);
    expect(thrown).toBeInstanceOf(ReplayDivergenceError);
    expect(thrown).toMatchObject({
      message: "pool-fixture-throws: thrown while the module loads",
      step: 5,
    });
    expect(String(thrown.stack)).toContain("pool-fixture-throws.ts");
  });

  it("stops the other workers once one has found a failure, under stop_on_first", async () => {
    // From review: the pool waited for every other shard to be searched to its end.
    const c = await explorePool({
      module: fileURLToPath(new URL("./pool-fixture.ts", import.meta.url)),
      export_name: "failingInOneThread",
      params: { first_thread: 1 },
      strategy: "dpor",
      workers: 2,
    });
    expect(c.failures.length).toBeGreaterThan(0);
    expect(c.exhausted).toBe(false);
    expect(c.bounds).toContain("stopped: another worker found a failure");
  });
});
