import type { Hash53 } from "../hash53.ts";
import type { Json } from "../types.ts";
import { hashValue, subAccess, Tracked, toJson } from "./tracked.ts";

/** Parts of a log for access recording (see Log). */
const LENGTH = 0;
const ROWS = 1;

/**
 * An append-only log (a journal file). Its accesses are recorded per part, as a queue's
 * are: an append writes the length and the row it adds; `at(i)` reads row i only (an empty
 * row when i is past the end, which the append that fills it changes), so reading a row
 * commutes with appending a later one; `length` and `slice` read the length (and the rows).
 */
export class Log<T> extends Tracked {
  readonly kind = "log";
  private readonly rows: T[] = [];

  append(row: T): number {
    this.part(LENGTH, true);
    this.part(ROWS + this.rows.length, true);
    this.rows.push(row);
    return this.rows.length - 1;
  }

  get length(): number {
    this.part(LENGTH, false);
    return this.rows.length;
  }

  at(index: number): T | undefined {
    if (Number.isInteger(index) && index >= 0) this.part(ROWS + index, false);
    else this.part(LENGTH, false);
    return this.rows[index];
  }

  /** A copy of rows [start, end). */
  slice(start = 0, end?: number): T[] {
    this.part(LENGTH, false);
    const out = this.rows.slice(start, end);
    const first = start < 0 ? Math.max(0, this.rows.length + start) : start;
    for (let i = 0; i < out.length; i++) this.part(ROWS + first + i, false);
    return out;
  }

  private part(part: number, write: boolean): void {
    this.recorder.access(subAccess(this.id, part, write));
  }

  /** Unrecorded view for checks and reports (a read of every row while checks run). */
  inspect(): readonly T[] {
    if (this.recorder.observing) this.observeAll();
    return this.rows;
  }

  snapshot(): Json {
    if (this.recorder.observing) this.observeAll();
    return toJson(this.rows);
  }

  override hashState(h: Hash53): void {
    hashValue(h, this.rows, 0);
  }

  /** The reads of `slice()`, for the invariants (AccessRecorder.observing). */
  private observeAll(): void {
    this.recorder.observe(subAccess(this.id, LENGTH, false));
    for (let i = 0; i < this.rows.length; i++) {
      this.recorder.observe(subAccess(this.id, ROWS + i, false));
    }
  }
}
