import type { Cell, Log, World } from "../../sim/index.ts";
import { eventId, isTerminal, type Row, type RunEvent } from "./frame.ts";

/**
 * The run journal (api/run_journal.py): an append-only file of rows. Append is two critical
 * sections under the journal lock, `reserve` then `write`, so another producer can reserve
 * and write a higher seq in between and file order can differ from seq order.
 */
export class RunJournal {
  /** The file, in write order. */
  readonly rows: Log<Row>;
  /** The last reserved seq (the in-memory counter read and bumped under the journal lock). */
  private readonly reserved: Cell<number>;

  constructor(world: World) {
    this.rows = world.log<Row>("journal");
    this.reserved = world.cell("journal.reserved_seq", 0);
  }

  /** append_run_event, critical section 1: take the next seq. */
  reserve(): number {
    return this.reserved.update((n) => n + 1);
  }

  /** The last seq reserved so far. */
  reservedSeq(): number {
    return this.reserved.get();
  }

  /** append_run_event, critical section 2: write the row for a reserved seq. */
  write(seq: number, event: RunEvent): Row {
    const row: Row = {
      seq,
      id: eventId(seq),
      event: event.event,
      data: event.data,
      terminal: isTerminal(event.event),
    };
    this.rows.append(row);
    return row;
  }

  /**
   * read_run_events, one row at a time as a generator over the open file would: the first
   * row at file position >= `from` with `after < seq <= max`. Rows appended while a reader
   * is part-way through are seen when it gets there.
   */
  nextRow(from: number, after: number, max: number): { row: Row; next: number } | null {
    // Row by row, as the reader does: a read that stops at row p saw nothing of the rows
    // appended after p, so it commutes with those appends (partial-order reduction sees
    // that); one that reaches the end read the empty position the next append fills.
    for (let i = from; ; i++) {
      const row = this.rows.at(i);
      if (row === undefined) return null;
      if (row.seq > after && row.seq <= max) return { row, next: i + 1 };
    }
  }

  /** The row with this seq, if it has been written (a scan of the file up to it). */
  find(seq: number): Row | undefined {
    for (let i = 0; ; i++) {
      const row = this.rows.at(i);
      if (row === undefined || row.seq === seq) return row;
    }
  }

  /**
   * Whether the file has at least `n` rows: a read of row n-1 alone, which only the append
   * that writes it changes.
   */
  hasRows(n: number): boolean {
    return n <= 0 || this.rows.at(n - 1) !== undefined;
  }

  /** Written rows sorted by seq, stopping at the first hole: the settled transcript. */
  settled(): Row[] {
    const bySeq = this.rows.slice().sort((a, b) => a.seq - b.seq);
    const out: Row[] = [];
    for (const row of bySeq) {
      if (row.seq !== out.length + 1) break;
      out.push(row);
    }
    return out;
  }

  /** The journal summary: the last row's seq (in file order) and whether a terminal exists. */
  summary(): { last_seq: number; terminal: boolean } {
    const rows = this.rows.slice();
    return {
      last_seq: rows.length === 0 ? 0 : (rows[rows.length - 1] as Row).seq,
      terminal: rows.some((r) => r.terminal),
    };
  }
}
