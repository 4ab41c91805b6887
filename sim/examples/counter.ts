import type { Cell } from "../objects/cell.ts";
import type { Scenario } from "../scenario.ts";
import type { Actor } from "../types.ts";
import type { World } from "../world.ts";

/** One worker: read the counter in one step, write it back plus one in the next. */
function* increment(counter: Cell<number>): Actor {
  const seen = counter.get();
  yield "write";
  counter.set(seen + 1);
}

/**
 * The lost update: each worker reads a shared counter in one step and writes it back plus
 * one in the next. If two workers both read before either writes, one increment is lost.
 * The shortest failing interleaving has 4 steps: A reads, B reads, A writes, B writes.
 */
export const counterScenario: Scenario<{ workers: number }> = {
  name: "counter",
  summary: "workers increment a shared counter with a read step and a write step (lost update)",
  defaults: { workers: 2 },
  ranges: { workers: [1, 16] },
  setup(world: World, { workers }) {
    const counter = world.cell("counter", 0);
    for (let i = 0; i < workers; i++) {
      world.spawn(`worker-${i}`, increment(counter), { label: "read" });
    }
    world.atEnd("no lost update", () =>
      counter.peek() === workers ? undefined : `counter is ${counter.peek()}, expected ${workers}`,
    );
  },
  *shrinkParams({ workers }) {
    if (workers > 2) yield { workers: 2 };
  },
};
