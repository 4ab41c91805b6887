import type { Json } from "../types.ts";
import { Tracked, toJson } from "./tracked.ts";

/** An append-only log (a journal file). Appends are writes; reads and length are reads. */
export class Log<T> extends Tracked {
  readonly kind = "log";
  private readonly rows: T[] = [];

  append(row: T): number {
    this.recorder.access(this.writeCode);
    this.rows.push(row);
    return this.rows.length - 1;
  }

  get length(): number {
    this.recorder.access(this.readCode);
    return this.rows.length;
  }

  at(index: number): T | undefined {
    this.recorder.access(this.readCode);
    return this.rows[index];
  }

  /** A copy of rows [start, end). */
  slice(start = 0, end?: number): T[] {
    this.recorder.access(this.readCode);
    return this.rows.slice(start, end);
  }

  /** Unrecorded view for checks and reports. */
  inspect(): readonly T[] {
    return this.rows;
  }

  snapshot(): Json {
    return toJson(this.rows);
  }
}
