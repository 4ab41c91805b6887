import type { Scenario } from "../../scenario.ts";
import type { Actor } from "../../types.ts";
import type { World } from "../../world.ts";

/**
 * lastzero(N), the classic DPOR benchmark (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014):
 * an array of N+1 zeros; thread 0 scans it from the top for the last zero
 * (`for (i = N; array[i] != 0; i--);`), and thread j (1..N) does
 * `array[j] = array[j-1] + 1`. Every shared access is its own step.
 */
export const lastzeroScenario: Scenario<{ n: number }> = {
  name: "lastzero",
  summary: "one thread scans an array for its last zero while N threads fill it in",
  defaults: { n: 3 },
  ranges: { n: [1, 16] },
  setup(world: World, { n }) {
    const array = Array.from({ length: n + 1 }, (_, i) => world.cell(`array[${i}]`, 0));
    const at = (i: number) => array[i] as (typeof array)[number];
    function* scanner(): Actor {
      for (let i = n; i >= 0; i--) {
        const v = at(i).get();
        if (v === 0) return;
        yield `read array[${i - 1}]`;
      }
    }
    function* filler(j: number): Actor {
      const v = at(j - 1).get();
      yield `write array[${j}]`;
      at(j).set(v + 1);
    }
    world.spawn("scanner", scanner(), { label: `read array[${n}]` });
    for (let j = 1; j <= n; j++) {
      world.spawn(`filler-${j}`, filler(j), { label: `read array[${j - 1}]` });
    }
  },
};
