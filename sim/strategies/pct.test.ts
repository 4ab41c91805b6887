import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { explore, runOnce } from "../runner.ts";
import type { Scenario } from "../scenario.ts";
import type { Actor } from "../types.ts";
import { stepOf } from "../types.ts";
import { PctStrategy } from "./pct.ts";

const RUNS = Number(process.env.STREAMSIM_RUNS ?? 50);

/** `actors` actors of `steps` steps each, never blocking. */
const blocks: Scenario<{ actors: number; steps: number }> = {
  name: "blocks",
  summary: "independent actors of a fixed number of steps",
  defaults: { actors: 3, steps: 10 },
  setup(world, { actors, steps }) {
    const log = world.log<string>("log");
    for (let a = 0; a < actors; a++) {
      world.spawn(
        `a${a}`,
        (function* (): Actor {
          for (let i = 0; i < steps - 1; i++) {
            log.append(`a${a}`);
            yield `s${i + 1}`;
          }
          log.append(`a${a}`);
        })(),
      );
    }
  },
};

/** A lead actor of 4 steps alone, then two workers of 5 steps each. */
const leadThenWorkers: Scenario<Record<string, never>> = {
  name: "lead-then-workers",
  summary: "solo steps before two actors compete",
  defaults: {},
  setup(world) {
    const worker = function* (): Actor {
      for (let i = 0; i < 4; i++) yield `w${i + 1}`;
    };
    world.spawn(
      "lead",
      (function* (): Actor {
        for (let i = 0; i < 3; i++) yield `l${i + 1}`;
        world.spawn("w0", worker());
        world.spawn("w1", worker());
      })(),
    );
  },
};

function actorSequence(strategy: PctStrategy, actors: number, steps: number): number[] {
  const r = runOnce(blocks, { actors, steps }, strategy, { trace: true });
  return (r?.trace ?? []).map((s) => s.actor);
}

/** A PCT strategy (seed 1, no k given) after `executions` runs of `blocks`. */
function learnt(depth: number, actors: number, steps: number, executions: number): PctStrategy {
  const pct = new PctStrategy({ seed: 1, depth });
  explore({
    scenario: blocks,
    params: { actors, steps },
    strategy: pct,
    max_executions: executions,
  });
  return pct;
}

/** Actor ids by descending priority. */
function byPriority(priorities: readonly number[]): number[] {
  return priorities
    .map((p, actor) => ({ p, actor }))
    .sort((x, y) => y.p - x.p)
    .map((x) => x.actor);
}

describe("pct strategy", () => {
  it("picks exactly d-1 distinct change points within [1, k]", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 31 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 5, max: 200 }),
        fc.nat({ max: 1000 }),
        (seed, depth, k, index) => {
          const pct = new PctStrategy({ seed, depth, steps_estimate: k });
          pct.beginExecution(index);
          const points = pct.currentChangePoints();
          expect(points.length).toBe(depth - 1);
          expect(new Set(points).size).toBe(points.length);
          for (const c of points) {
            expect(Number.isInteger(c)).toBe(true);
            expect(c).toBeGreaterThanOrEqual(1);
            expect(c).toBeLessThanOrEqual(k);
          }
          expect([...points].sort((a, b) => a - b)).toEqual(points);
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });

  it("draws change points over the whole of [1, k]", () => {
    const seen = new Set<number>();
    const pct = new PctStrategy({ seed: 3, depth: 2, steps_estimate: 10 });
    for (let i = 0; i < 400; i++) {
      pct.beginExecution(i);
      for (const c of pct.currentChangePoints()) seen.add(c);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("runs the highest-priority enabled actor", () => {
    for (let seed = 0; seed < RUNS; seed++) {
      const pct = new PctStrategy({ seed, depth: 1 });
      pct.beginExecution(0);
      const enabled = [stepOf(0), stepOf(1), stepOf(2), stepOf(3)];
      const first = pct.pickStep(enabled, -1, 0);
      const priorities = pct.currentPriorities();
      expect(byPriority(priorities)[0]).toBe(first);
      // With the favourite no longer enabled, the next in priority order runs.
      const rest = enabled.filter((_, i) => i !== first);
      const second = rest[pct.pickStep(rest, first, 1)];
      expect(second).toBe(stepOf(byPriority(priorities)[1] as number));
    }
  });

  it("gives the initial priorities d..d+n-1", () => {
    for (let seed = 0; seed < RUNS; seed++) {
      const depth = 1 + (seed % 4);
      const pct = new PctStrategy({ seed, depth, steps_estimate: 1000 });
      pct.beginExecution(0);
      pct.pickStep([stepOf(0), stepOf(1), stepOf(2), stepOf(3), stepOf(4)], -1, 0);
      expect([...pct.currentPriorities()].sort((a, b) => a - b)).toEqual(
        [0, 1, 2, 3, 4].map((r) => depth + r),
      );
    }
  });

  it("with d=1 runs each actor to completion in a fixed priority order", () => {
    const orders = new Set<string>();
    for (let seed = 0; seed < RUNS; seed++) {
      const pct = new PctStrategy({ seed, depth: 1 });
      const seq = actorSequence(pct, 3, 4);
      expect(pct.currentChangePoints()).toEqual([]);
      const order = byPriority(pct.currentPriorities());
      expect(seq).toEqual(order.flatMap((a) => [a, a, a, a]));
      orders.add(order.join(""));
    }
    // The priority order itself is random: all 3! orders show up.
    expect(orders.size).toBe(6);
  });

  it("with d=1 lets the next actor run while the favourite is blocked", () => {
    // a0 waits for a flag that only a1 sets; whoever has top priority, a1 must run first
    // for a0 to finish, and a0 resumes as soon as it is enabled if it outranks a1.
    const waiter: Scenario<Record<string, never>> = {
      name: "waiter",
      summary: "one actor blocks on another",
      defaults: {},
      setup(world) {
        const flag = world.cell("flag", false);
        world.spawn(
          "a0",
          (function* (): Actor {
            yield world.until(() => flag.get(), { label: "go", on: "flag" });
          })(),
        );
        world.spawn(
          "a1",
          (function* (): Actor {
            flag.set(true);
            yield "after";
          })(),
        );
      },
    };
    for (let seed = 0; seed < RUNS; seed++) {
      const pct = new PctStrategy({ seed, depth: 1 });
      const r = runOnce(waiter, {}, pct, { trace: true });
      expect(r?.outcome.kind).toBe("completed");
      const labels = (r?.trace ?? []).map((s) => `${s.name}:${s.label}`);
      const a0First =
        (pct.currentPriorities()[0] as number) > (pct.currentPriorities()[1] as number);
      expect(labels).toEqual(
        a0First
          ? ["a0:start", "a1:start", "a0:go", "a1:after"]
          : ["a1:start", "a1:after", "a0:start", "a0:go"],
      );
    }
  });

  it("at a change point drops the running actor below every initial priority", () => {
    // d=2, k=10, three actors of 10 steps: the top actor H runs steps 1..c-1, then at step
    // c drops to priority 1, so the other two run to completion in priority order, then H.
    for (let seed = 0; seed < RUNS; seed++) {
      const pct = new PctStrategy({ seed, depth: 2, steps_estimate: 10 });
      const seq = actorSequence(pct, 3, 10);
      const [c] = pct.currentChangePoints() as [number];
      const priorities = pct.currentPriorities();
      const top = priorities.indexOf(1);
      expect(top).toBeGreaterThanOrEqual(0);
      const others = byPriority(priorities).filter((a) => a !== top);
      expect(others.every((a) => (priorities[a] as number) >= 2)).toBe(true);
      const expected = [
        ...Array<number>(c - 1).fill(top),
        ...others.flatMap((a) => Array<number>(10).fill(a)),
        ...Array<number>(10 - (c - 1)).fill(top),
      ];
      expect(seq).toEqual(expected);
    }
  });

  it("reports the guarantee 1/(n*k^(d-1))", () => {
    const pct = new PctStrategy({ seed: 1, depth: 3, steps_estimate: 30 });
    explore({
      scenario: blocks,
      params: { actors: 3, steps: 10 },
      strategy: pct,
      max_executions: 5,
    });
    expect(pct.guarantee()).toBe(1 / (3 * 30 ** 2));
    expect(pct.describe()).toContain("1/(3*30^2)");
  });

  it("learns k, the scheduling points of the busiest execution, when no estimate is given", () => {
    // Depth 1: each actor runs its 20 steps in priority order. The last actor runs alone,
    // so 60 of the 80 steps are scheduling points (more than one option enabled).
    expect(new PctStrategy({ seed: 1, depth: 1 }).steps_estimate).toBe(32);
    const pct = learnt(1, 4, 20, 3);
    expect(pct.steps_estimate).toBe(60);
    expect(pct.guarantee()).toBe(1 / 4);
    const deeper = learnt(2, 4, 20, 3);
    expect(deeper.guarantee()).toBe(1 / (4 * deeper.steps_estimate));
  });

  it("replaces the initial guess of 32 with a shorter first execution's count", () => {
    expect(learnt(2, 2, 5, 1).steps_estimate).toBe(5);
  });

  it("places change points on scheduling points only", () => {
    // A lead actor takes 4 steps alone, then spawns two workers of 5 steps. With k = 5 and
    // d = 2, the change point c falls among the workers' scheduling points, never on a
    // step the lead takes alone: the top worker is preempted after exactly c − 1 steps.
    for (let seed = 0; seed < RUNS; seed++) {
      const pct = new PctStrategy({ seed, depth: 2, steps_estimate: 5 });
      const r = runOnce(leadThenWorkers, {}, pct, { trace: true });
      const seq = (r?.trace ?? []).filter((s) => s.name !== "lead").map((s) => s.actor);
      const [c] = pct.currentChangePoints() as [number];
      const top = pct.currentPriorities().indexOf(1);
      expect(top).toBeGreaterThan(0);
      expect(seq.slice(0, c - 1).every((a) => a === top)).toBe(true);
      expect(seq[c - 1]).not.toBe(top);
    }
  });

  it("is reproducible from its seed", () => {
    const run = (seed: number) => actorSequence(new PctStrategy({ seed, depth: 3 }), 3, 6);
    expect(run(11)).toEqual(run(11));
    const distinct = new Set(Array.from({ length: 20 }, (_, s) => run(s).join("")));
    expect(distinct.size).toBeGreaterThan(5);
  });
});

/** A handler that heartbeats every 5 s while a producer has steps to take. */
const heartbeat: Scenario<{ puts: number }> = {
  name: "heartbeat",
  summary: "a heartbeating waiter beside a runnable producer",
  defaults: { puts: 3 },
  setup(world, { puts }) {
    const q = world.queue<number>("q");
    world.spawn(
      "handler",
      (function* (): Actor {
        let got = 0;
        while (got < puts) {
          const r = yield world.until(() => q.size > 0, { timeout_ms: 5_000, label: "drain" });
          if (r === "ok") {
            q.shift();
            got++;
          }
        }
      })(),
    );
    world.spawn(
      "producer",
      (function* (): Actor {
        for (let i = 0; i < puts; i++) {
          q.push(i);
          yield "put";
        }
      })(),
    );
  },
};

describe("pct and the clock", () => {
  it("lets time pass only when every actor not yet demoted is blocked (depth 1)", () => {
    const strategy = new PctStrategy({ seed: 3, depth: 1 });
    for (let i = 0; i < 40; i++) {
      const r = runOnce(heartbeat, { puts: 3 }, strategy, { index: i, trace: true });
      expect(r?.outcome.kind).toBe("completed");
      // With no change point, no heartbeat fires while the producer can still put.
      expect((r?.trace ?? []).filter((s) => s.kind === "timer")).toEqual([]);
    }
  });

  it("can fire a timer before a runnable actor's next step after a change point (depth 2)", () => {
    const strategy = new PctStrategy({ seed: 3, depth: 2, steps_estimate: 8 });
    let timerBeforePut = 0;
    for (let i = 0; i < 200; i++) {
      const r = runOnce(heartbeat, { puts: 3 }, strategy, { index: i, trace: true });
      expect(r?.outcome.kind).toBe("completed");
      const trace = r?.trace ?? [];
      const lastPut = trace.map((s) => s.name).lastIndexOf("producer");
      if (trace.some((s, j) => s.kind === "timer" && j < lastPut)) timerBeforePut++;
    }
    expect(timerBeforePut).toBeGreaterThan(0);
  });
});

describe("pct and a heartbeat loop", () => {
  it("never starves a demoted runnable actor behind repeated timer firings", () => {
    // A change point may demote the producer below the clock; the handler then heartbeats
    // once ahead of it, and after that time passes only when every actor is blocked.
    // (Starved, the handler would heartbeat until the time horizon: 720 timer steps.)
    const strategy = new PctStrategy({ seed: 11, depth: 3, steps_estimate: 10 });
    for (let i = 0; i < 300; i++) {
      const r = runOnce(heartbeat, { puts: 3 }, strategy, { index: i, trace: true });
      expect(r?.outcome.kind).toBe("completed");
      expect((r?.trace ?? []).filter((s) => s.kind === "timer").length).toBeLessThanOrEqual(1);
    }
  });
});
