import { threadId } from "node:worker_threads";
import { counterScenario } from "../examples/counter.ts";
import type { Scenario } from "../scenario.ts";
import type { Actor } from "../types.ts";
import type { World } from "../world.ts";

/**
 * For sim/dpor/shard.test.ts: a scenario whose setup, in the worker thread with the lower
 * id, spawns one more actor from its second execution on (nondeterminism, which dpor
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
