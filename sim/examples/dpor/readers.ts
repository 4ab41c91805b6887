import type { Scenario } from "../../scenario.ts";
import type { Actor } from "../../types.ts";
import type { World } from "../../world.ts";

/**
 * readers(N) (Abdulla et al., POPL 2014): one writer writes a shared variable once and N
 * readers read it once each. Readers commute with each other; each is either before or
 * after the write, so there are exactly 2^N Mazurkiewicz traces.
 */
export const readersScenario: Scenario<{ n: number }> = {
  name: "readers-writers",
  summary: "one writer and N readers of one shared variable (2^N traces)",
  defaults: { n: 3 },
  ranges: { n: [1, 20] },
  setup(world: World, { n }) {
    const x = world.cell("x", 0);
    // biome-ignore lint/correctness/useYield: a one-step actor: its whole body is one atomic step
    function* writer(): Actor {
      x.set(1);
    }
    // biome-ignore lint/correctness/useYield: a one-step actor: its whole body is one atomic step
    function* reader(): Actor {
      const seen = x.get();
      if (seen === 1) world.reach("reader saw the write");
    }
    world.spawn("writer", writer(), { label: "write x" });
    for (let i = 0; i < n; i++) world.spawn(`reader-${i}`, reader(), { label: "read x" });
  },
};
