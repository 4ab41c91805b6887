import { describeEvent, eventId, type Frame, isTerminal, seqOfId } from "../model/frame.ts";

/** A journal row as the oracle reads it. */
interface RunEventRow {
  readonly seq: number;
  readonly event: string;
  readonly data: string;
}

/** One frame as the tab rendered it. */
export interface Rendered {
  readonly event: string;
  readonly data: string;
  /** Oracle only: the journal seq of the event (null when never journaled). */
  readonly ref: number | null;
}

/** The tab's persisted state (localStorage): text and cursor, written together. */
export interface Persisted {
  readonly cursor: string | null;
  readonly transcript: readonly Rendered[];
}

/** The invariant names of PROTOCOL.md §2, as the checks report them. */
export type InvariantName =
  | "exactly-once"
  | "no-silent-loss"
  | "in-order"
  | "one-terminal-last"
  | "no-endless-wait"
  | "cursor"
  | "journal"
  | "bounded-memory";

/**
 * What one browser tab shows, and what the oracle learnt while it rendered. The tab actor
 * owns the page; the oracle reads it unrecorded. Checks that can be decided at the moment a
 * frame is rendered are decided here, and the first violation of each invariant is kept for
 * the registered check to report (it names the tab, the event and what happened).
 */
export class TabRecord {
  transcript: Rendered[] = [];
  /** Highest seq seen in an `id:` line on this page (null: none yet). */
  cursor: string | null = null;
  persisted: Persisted = { cursor: null, transcript: [] };
  finished: "terminal" | "settled" | null = null;
  recoveries = 0;
  heartbeats_after_end = 0;
  readonly violations = new Map<InvariantName, string>();
  private seen = new Set<number>();
  private maxRef = 0;
  private terminals = 0;

  /**
   * `flags` is shared by every tab of an execution (OracleState.flags) and counts the
   * violations they flagged: the checks run after every step, and skip the tabs while it is
   * zero. A tab with a counter of its own would never be looked at.
   */
  constructor(
    readonly name: string,
    private readonly flags: { flagged: number },
  ) {}

  private flag(invariant: InvariantName, message: string): void {
    if (this.violations.has(invariant)) return;
    this.violations.set(invariant, message);
    this.flags.flagged++;
  }

  /** Renders one frame as the page does: appended, with no id check (PROTOCOL.md §1, tab). */
  render(frame: Frame, id: string | null): void {
    if (this.terminals > 0)
      this.flag("one-terminal-last", `${this.name} rendered ${what(frame)} after its terminal`);
    this.transcript.push({ event: frame.event, data: frame.data, ref: frame.ref });
    if (frame.ref !== null) {
      if (this.seen.has(frame.ref)) {
        this.flag("exactly-once", `${this.name} rendered ${what(frame)} twice`);
      } else if (frame.ref < this.maxRef) {
        this.flag("in-order", `${this.name} rendered ${what(frame)} after ${eventId(this.maxRef)}`);
      }
      this.seen.add(frame.ref);
      this.maxRef = Math.max(this.maxRef, frame.ref);
    }
    if (isTerminal(frame.event)) this.terminals++;
    if (id !== null) this.moveCursor(id, frame);
  }

  /** The cursor follows `id:` lines: the highest seq seen (PROTOCOL.md §1, tab). */
  private moveCursor(id: string, frame: Frame): void {
    const seq = seqOfId(id);
    if (seq === null) {
      this.flag("cursor", `${this.name} got id ${id} with ${what(frame)}: not an id of this run`);
      return;
    }
    const old = seqOfId(this.cursor) ?? 0;
    if (seq <= old) return;
    this.cursor = id;
    if (!this.seen.has(seq)) {
      this.flag(
        "cursor",
        `${this.name}'s cursor moved to ${id} with ${what(frame)}, but it has not rendered ${id}`,
      );
    }
  }

  /** A new page life: after a reload or a transcript reload, the page shows exactly this. */
  resetPage(transcript: readonly Rendered[], cursor: string | null): void {
    this.transcript = [...transcript];
    this.cursor = cursor;
    this.seen = new Set();
    this.maxRef = 0;
    this.terminals = 0;
    for (const r of transcript) {
      if (r.ref !== null) {
        this.seen.add(r.ref);
        this.maxRef = Math.max(this.maxRef, r.ref);
      }
      if (isTerminal(r.event)) this.terminals++;
    }
    const seq = seqOfId(cursor);
    if (seq !== null && seq > 0 && !this.seen.has(seq)) {
      this.flag("cursor", `${this.name} restored cursor ${cursor} without the text of ${cursor}`);
    }
  }

  /**
   * The tab's handler wrote a heartbeat although the run has ended: nothing can reach its
   * queue any more. Twice in a row (10 s of virtual silence) is a tab waiting forever.
   */
  heartbeatAfterRunEnd(since_end_ms: number): void {
    this.heartbeats_after_end++;
    if (this.heartbeats_after_end >= 2 && this.finished === null) {
      this.flag(
        "no-endless-wait",
        `${this.name} still waits for a terminal ${since_end_ms / 1000} s after the run ended (${this.heartbeats_after_end} heartbeats, no frame can come)`,
      );
    }
  }

  /** The tab finished with a terminal frame: what was journaled before it must be on the page. */
  finishWithTerminal(frame: Frame, journal: readonly RunEventRow[]): void {
    this.finished = "terminal";
    const missing = journal
      .filter((row) => row.seq <= frame.horizon && !this.seen.has(row.seq))
      .sort((a, b) => a.seq - b.seq)[0];
    if (missing !== undefined) {
      this.flag(
        "no-silent-loss",
        `${this.name} never rendered ${eventId(missing.seq)} ${describeEvent(missing)} before its terminal ${frame.event}`,
      );
    }
  }

  persist(): void {
    this.persisted = { cursor: this.cursor, transcript: [...this.transcript] };
  }

  hasRendered(seq: number): boolean {
    return this.seen.has(seq);
  }

  get terminalCount(): number {
    return this.terminals;
  }
}

/** A rendered frame as a violation message names it (built only for a message). */
function what(frame: Frame): string {
  return `${frame.ref === null ? "unjournaled" : eventId(frame.ref)} ${describeEvent(frame)}`;
}
