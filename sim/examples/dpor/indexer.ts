import type { Scenario } from "../../scenario.ts";
import type { Actor } from "../../types.ts";
import type { World } from "../../world.ts";

const SIZE = 128;
const MAX = 4;

/**
 * indexer(N), from Flanagan and Godefroid (POPL 2005): N threads each insert MAX = 4
 * messages into a hash table of 128 entries with compare-and-swap and linear probing
 * (`w = (++m) * 11 + tid; h = (w * 7) % 128; while (!cas(&table[h], 0, w)) h = (h+1) % 128;`).
 * Each CAS is one step. A CAS that succeeds reads and writes its entry; one that fails only
 * reads it (it changes nothing), so two failing CASes on one entry commute. Threads collide
 * only from N = 12 on.
 */
export const indexerScenario: Scenario<{ n: number }> = {
  name: "indexer",
  summary: "N threads insert into a shared hash table with compare-and-swap (Flanagan-Godefroid)",
  defaults: { n: 12 },
  ranges: { n: [1, 20] },
  setup(world: World, { n }) {
    const table = Array.from({ length: SIZE }, (_, i) => world.cell(`table[${i}]`, 0));
    function* inserter(tid: number): Actor {
      for (let m = 1; m <= MAX; m++) {
        const w = m * 11 + tid;
        let h = (w * 7) % SIZE;
        for (let probes = 0; probes < SIZE; probes++) {
          const entry = table[h] as (typeof table)[number];
          if (entry.get() === 0) {
            entry.set(w);
            break;
          }
          h = (h + 1) % SIZE;
          yield `cas table[${h}]`;
        }
        if (m < MAX) yield "cas";
      }
    }
    for (let tid = 0; tid < n; tid++) world.spawn(`thread-${tid}`, inserter(tid), { label: "cas" });
  },
};
