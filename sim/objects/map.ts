import type { Hash53 } from "../hash53.ts";
import type { Json } from "../types.ts";
import { hashValue, Tracked, toJson } from "./tracked.ts";

/**
 * A shared map. Access is tracked per map, not per key: coarser than it could be, so
 * partial-order reduction may explore a few more interleavings than needed, but never fewer.
 */
export class TrackedMap<K, V> extends Tracked {
  readonly kind = "map";
  private readonly entries = new Map<K, V>();

  get(key: K): V | undefined {
    this.recorder.access(this.readCode);
    return this.entries.get(key);
  }

  has(key: K): boolean {
    this.recorder.access(this.readCode);
    return this.entries.has(key);
  }

  set(key: K, value: V): void {
    this.recorder.access(this.writeCode);
    this.entries.set(key, value);
  }

  delete(key: K): boolean {
    this.recorder.access(this.writeCode);
    return this.entries.delete(key);
  }

  get size(): number {
    this.recorder.access(this.readCode);
    return this.entries.size;
  }

  keys(): K[] {
    this.recorder.access(this.readCode);
    return [...this.entries.keys()];
  }

  /** Unrecorded view for checks and reports. */
  inspect(): ReadonlyMap<K, V> {
    if (this.recorder.observing) this.recorder.observe(this.readCode);
    return this.entries;
  }

  snapshot(): Json {
    if (this.recorder.observing) this.recorder.observe(this.readCode);
    return toJson(this.entries);
  }

  override hashState(h: Hash53): void {
    hashValue(h, this.entries, 0);
  }
}
