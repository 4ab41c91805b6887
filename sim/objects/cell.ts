import type { Hash53 } from "../hash53.ts";
import type { Json } from "../types.ts";
import { hashValue, Tracked, toJson } from "./tracked.ts";

/** A single shared value: `get` is a read, `set` a write. */
export class Cell<T> extends Tracked {
  readonly kind = "cell";
  private value: T;

  constructor(
    recorder: ConstructorParameters<typeof Tracked>[0],
    id: number,
    name: string,
    initial: T,
  ) {
    super(recorder, id, name);
    this.value = initial;
  }

  get(): T {
    this.recorder.access(this.readCode);
    return this.value;
  }

  set(value: T): void {
    this.recorder.access(this.writeCode);
    this.value = value;
  }

  /** Read-modify-write in one atomic step (both a read and a write). */
  update(f: (old: T) => T): T {
    this.recorder.access(this.readCode);
    this.recorder.access(this.writeCode);
    this.value = f(this.value);
    return this.value;
  }

  /** The value without recording an access: for checks and reports, never for actors. */
  peek(): T {
    if (this.recorder.observing) this.recorder.observe(this.readCode);
    return this.value;
  }

  snapshot(): Json {
    if (this.recorder.observing) this.recorder.observe(this.readCode);
    return toJson(this.value);
  }

  override hashState(h: Hash53): void {
    hashValue(h, this.value, 0);
  }
}
