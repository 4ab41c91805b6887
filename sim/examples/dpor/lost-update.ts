import type { Scenario } from "../../scenario.ts";
import type { Actor } from "../../types.ts";
import type { World } from "../../world.ts";

/**
 * The two-actor lost update: two actors each increment a shared counter `increments`
 * times, each increment a read step then a write step. Some interleavings lose an update;
 * the final check finds them.
 */
export const lostUpdateScenario: Scenario<{ increments: number }> = {
  name: "lost-update",
  summary: "two actors increment a shared counter with separate read and write steps",
  defaults: { increments: 1 },
  ranges: { increments: [1, 8] },
  setup(world: World, { increments }) {
    const counter = world.cell("counter", 0);
    function* worker(): Actor {
      for (let k = 0; k < increments; k++) {
        const seen = counter.get();
        yield "write";
        counter.set(seen + 1);
        if (k + 1 < increments) yield "read";
      }
    }
    world.spawn("a", worker(), { label: "read" });
    world.spawn("b", worker(), { label: "read" });
    world.atEnd("no lost update", () =>
      counter.peek() === 2 * increments
        ? undefined
        : `counter is ${counter.peek()}, expected ${2 * increments}`,
    );
  },
};
