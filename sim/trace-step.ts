import { objectOfAccess, SUB_OBJECTS } from "./objects/tracked.ts";
import type { Json } from "./types.ts";
import type { World } from "./world.ts";

/** One step of a recorded trace. */
export interface TraceStep {
  readonly i: number;
  readonly actor: number;
  readonly name: string;
  readonly label: string;
  /** "timer" when the step ran because its timer fired (the clock moved to `t`). */
  readonly kind: "step" | "timer";
  /** Virtual time at which the step ran. */
  readonly t: number;
  /** Objects touched, in first-access order: [object name, "r" | "w" | "rw"]. */
  readonly accesses: readonly (readonly [string, "r" | "w" | "rw"])[];
  readonly notes: readonly string[];
  readonly spawned: readonly string[];
  /** State after the step of each object it wrote, by object name. */
  readonly after: { readonly [object: string]: Json };
}

/** Folds the running step's raw access codes into one entry per object. */
export function traceAccesses(world: World): [string, "r" | "w" | "rw"][] {
  // Per object: bit 1 read, bit 2 write. An access to a part of an object (a queue's head,
  // tail or a slot) counts as one to the object, except that reading a part the same step
  // also writes (a pop reads the slot it empties) is not shown as a read of its own.
  const seen = new Map<number, number>();
  const partWrites = new Set<number>();
  for (const code of world.accesses)
    if (code & 1 && code >> 1 >= SUB_OBJECTS) partWrites.add(code >> 1);
  for (const code of world.accesses) {
    const obj = objectOfAccess(code);
    if (obj < 0) continue;
    if ((code & 1) === 0 && partWrites.has(code >> 1)) continue;
    seen.set(obj, (seen.get(obj) ?? 0) | (code & 1 ? 2 : 1));
  }
  const out: [string, "r" | "w" | "rw"][] = [];
  for (const [obj, mask] of seen) {
    out.push([world.objects[obj]?.name ?? `#${obj}`, mask === 3 ? "rw" : mask === 2 ? "w" : "r"]);
  }
  return out;
}

/** Snapshots of the objects the running step wrote, for the report's inspector. */
export function traceWrites(world: World): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const code of world.accesses) {
    if ((code & 1) === 0) continue;
    const o = world.objects[objectOfAccess(code)];
    if (o !== undefined && !(o.name in out)) out[o.name] = o.snapshot();
  }
  return out;
}
