import { threadId } from "node:worker_threads";
import { ReplayDivergenceError } from "../errors.ts";
import { counterScenario } from "../examples/counter.ts";
import type { Scenario } from "../scenario.ts";
import type { Actor } from "../types.ts";
import type { World } from "../world.ts";

/**
 * For sim/dpor/shard.test.ts: counterScenario's 7 workers (written out: its own end check,
 * the lost update, would fail at once in both threads) with an end check that fails in
 * the worker thread of one parity only, at its first execution, and never in the other,
 * whose search of its shard would take minutes.
 */
export const failingInOneThread: Scenario<{ first_thread: number }> = {
  name: "failing-in-one-thread",
  summary: "a long search in one worker thread, a failure at once in the other",
  defaults: { first_thread: 1 },
  setup(world: World, params) {
    const counter = world.cell("counter", 0);
    for (let i = 0; i < 7; i++) {
      world.spawn(
        `worker-${i}`,
        (function* (): Actor {
          const seen = counter.get();
          yield "write";
          counter.set(seen + 1);
        })(),
      );
    }
    const failing = threadId % 2 === params.first_thread % 2;
    world.atEnd("other thread", () => (failing ? "this thread fails" : undefined));
  },
};

/**
 * For sim/dpor/shard.test.ts: a scenario whose setup, in the worker thread of one parity
 * of thread id, spawns one more actor from its second execution on (nondeterminism, which dpor
 * refuses there at once), while the other thread runs counterScenario's long search.
 * (The threads' ids are set by Node: which one fails does not matter, only that one does.)
 */
let setups = 0;
export const driftingInOneThread: Scenario<{ workers: number; first_thread: number }> = {
  name: "drifting-in-one-thread",
  summary: "counter, with an extra actor from the second execution on in one worker thread",
  defaults: { workers: 7, first_thread: 1 },
  setup(world: World, params) {
    counterScenario.setup(world, { workers: params.workers });
    if (threadId % 2 === params.first_thread % 2 && ++setups > 1) {
      world.spawn(
        "extra",
        (function* (): Actor {
          yield "s";
        })(),
      );
    }
  },
};

/** For sim/dpor/shard.test.ts: a model's own error, with fields of every kind. */
export class FieldedError extends Error {
  override readonly name = "FieldedError";
  readonly step = 4;
  readonly where = { file: "model.ts", lines: [1, 2], note: null, fatal: true };
  readonly retry = () => 1;
  readonly seen = new Map([["a", 1]]);
}

/**
 * For sim/dpor/shard.test.ts: a setup that throws, in the worker thread, an error whose
 * constructor set fields: the engine's ReplayDivergenceError (its step), or a FieldedError.
 */
export const throwingWithFields: Scenario<{ error: string }> = {
  name: "throwing-with-fields",
  summary: "a setup that throws an error with fields",
  defaults: { error: "replay" },
  setup(_world: World, params) {
    if (params.error === "replay") throw new ReplayDivergenceError("diverged at step 3", 3);
    throw new FieldedError("a model's own error");
  },
};
