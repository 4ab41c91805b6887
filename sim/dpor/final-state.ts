import { ModelError } from "../errors.ts";
import { compareText, Hash53, nameHash } from "../hash53.ts";
import type { Tracked } from "../objects/tracked.ts";
import type { World } from "../world.ts";

/**
 * Hashes the final state of executions, for the coverage report's count of distinct final
 * states and for the probe: a 53-bit hash of `world.snapshotObjects()` with its names in
 * sorted order (sorted, because objects made by steps, such as a connection's queue, are
 * made in interleaving order, which says nothing about the state). Equal snapshots hash
 * equal, different ones differently but for hash collisions.
 * Made without the snapshot (see hashValue in tracked.ts): the snapshot, its text and the
 * sort of its names cost about a fifth of a search of the protocol model. The name order
 * is kept from the last execution while the world makes the same objects in the same order.
 */
export class FinalStateHasher {
  /** The names of the last world's objects, in the order the world made them. */
  private names: string[] = [];
  /** Indexes into the world's objects, in name order. */
  private order: number[] = [];

  hash(world: World): number {
    const objects = world.objects;
    if (!this.sameNames(objects)) this.sort(objects);
    const h = new Hash53();
    h.add(this.order.length);
    for (const i of this.order) {
      const o = objects[i] as Tracked;
      h.double(nameHash(o.name));
      o.hashState(h);
    }
    return h.value();
  }

  private sameNames(objects: readonly Tracked[]): boolean {
    const names = this.names;
    if (names.length !== objects.length) return false;
    for (let i = 0; i < names.length; i++) {
      if ((objects[i] as Tracked).name !== names[i]) return false;
    }
    return true;
  }

  private sort(objects: readonly Tracked[]): void {
    const names = objects.map((o) => o.name);
    // snapshotObjects' record takes an object named "__proto__" as its prototype: the
    // snapshot's keys leave it out, and it is never a second object of its name.
    const order = names
      .map((_, i) => i)
      .filter((i) => names[i] !== "__proto__")
      .sort((a, b) => compareText(names[a] as string, names[b] as string));
    for (let k = 1; k < order.length; k++) {
      if (names[order[k] as number] === names[order[k - 1] as number]) {
        // The same refusal as snapshotObjects', naming the same object: the first whose
        // name was taken, in the order the world made them. Nothing is kept, so that the
        // next world with these names is refused too.
        this.names = [];
        this.order = [];
        throw new ModelError(
          `two tracked objects are named '${firstRepeated(names)}'; name each once`,
        );
      }
    }
    this.names = names;
    this.order = order;
  }
}

/** The first name that comes again, in order ("__proto__" aside, as in sort). */
function firstRepeated(names: readonly string[]): string {
  const seen = new Set<string>();
  for (const name of names) {
    if (name === "__proto__") continue;
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return "";
}
