import type { Scenario } from "../../scenario.ts";
import type { Actor } from "../../types.ts";
import type { World } from "../../world.ts";

const NUMBLOCKS = 26;
const NUMINODE = 32;

/**
 * filesystem(N), from Flanagan and Godefroid (POPL 2005): N threads each allocate a disk
 * block for inode `tid % 32`, under a lock per inode and a lock per block:
 *   acquire(li[i]); if (inode[i] == 0) { b = (i*2) % 26;
 *     loop { acquire(lb[b]); if (!busy[b]) { busy[b] = true; inode[i] = b+1; release(lb[b]); break; }
 *            release(lb[b]); b = (b+1) % 26; } }
 *   release(li[i]);
 * Each lock operation and each shared access is one step. Threads conflict only from
 * N = 14 on (thread 13 wants block 0, like thread 0).
 */
export const filesystemScenario: Scenario<{ n: number }> = {
  name: "filesystem",
  summary: "N threads allocate disk blocks under inode and block locks (Flanagan-Godefroid)",
  defaults: { n: 14 },
  ranges: { n: [1, 24] },
  setup(world: World, { n }) {
    const inodeLock = Array.from({ length: NUMINODE }, (_, i) => world.mutex(`li[${i}]`));
    const blockLock = Array.from({ length: NUMBLOCKS }, (_, i) => world.mutex(`lb[${i}]`));
    const inode = Array.from({ length: NUMINODE }, (_, i) => world.cell(`inode[${i}]`, 0));
    const busy = Array.from({ length: NUMBLOCKS }, (_, i) => world.cell(`busy[${i}]`, false));
    type C<T> = ReturnType<typeof world.cell<T>>;
    type M = ReturnType<typeof world.mutex>;
    function* thread(tid: number): Actor {
      const i = tid % NUMINODE;
      const li = inodeLock[i] as M;
      yield li.acquire();
      yield `read inode[${i}]`;
      if ((inode[i] as C<number>).get() === 0) {
        let b = (i * 2) % NUMBLOCKS;
        for (let tries = 0; tries < NUMBLOCKS; tries++) {
          const lb = blockLock[b] as M;
          yield lb.acquire();
          yield `read busy[${b}]`;
          const isBusy = (busy[b] as C<boolean>).get();
          if (!isBusy) {
            yield `write busy[${b}]`;
            (busy[b] as C<boolean>).set(true);
            yield `write inode[${i}]`;
            (inode[i] as C<number>).set(b + 1);
            yield `release lb[${b}]`;
            lb.release();
            break;
          }
          yield `release lb[${b}]`;
          lb.release();
          b = (b + 1) % NUMBLOCKS;
        }
      }
      yield `release li[${i}]`;
      li.release();
    }
    for (let tid = 0; tid < n; tid++) {
      world.spawn(`thread-${tid}`, thread(tid), { label: `acquire li[${tid % NUMINODE}]` });
    }
  },
};
