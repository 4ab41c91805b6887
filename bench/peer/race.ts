/**
 * The round-2 race of PROTOCOL.md §3, as shared vocabulary for its two implementations:
 * `race-fc.ts` (ordinary async TypeScript on fast-check's `fc.scheduler`) and `race-sim.ts`
 * (the same steps as a streamsim scenario). Both use the frames, the options and the oracle
 * below, so that the two tools face one race and judge it by one check.
 *
 * The shape: one run with one producer that emits `events` frames (tokens, then the terminal
 * `stream_end`), and one browser tab that attaches late with cursor 0 and asks for a replay.
 */

/**
 * - `round2`: subscribe without the buffer preload, then replay the whole journal (read
 *   lazily, one row per step), then drain Q with no dedupe: an event journaled and published
 *   after the subscribe is both replayed and queued (the duplicate of PROTOCOL.md §3).
 * - `fixed`: the design the review asked for: per-frame ids, subscribe + snapshot in one
 *   step (with the buffer preload), replay only up to the snapshot's cutoff, skip a live
 *   frame only when its own seq is at or below the cutoff, terminal check before dedupe.
 */
export type RaceVariant = "round2" | "fixed";

export const raceVariants: readonly RaceVariant[] = ["round2", "fixed"];

export interface RaceOptions {
  /** Frames the producer emits; the last is the terminal `stream_end`. Default 3. */
  readonly events: number;
  /** Capacity of the offline buffer and of the tab's queue (drop-oldest). Default 8. */
  readonly cap: number;
}

export const defaultRaceOptions: RaceOptions = { events: 3, cap: 8 };

/** A journaled frame; its id on the wire is `run1:<seq>`. */
export interface Frame {
  readonly seq: number;
  readonly event: "token" | "stream_end";
  readonly data: string;
  readonly terminal: boolean;
}

/** The frame the producer emits as its `seq`-th event (1-based). */
export function frameFor(seq: number, events: number): Frame {
  const terminal = seq === events;
  return {
    seq,
    event: terminal ? "stream_end" : "token",
    data: terminal ? "" : String.fromCharCode(96 + seq),
    terminal,
  };
}

export const raceProperties = {
  exactlyOnce: "exactly-once",
  noLoss: "no-silent-loss",
  terminal: "terminal",
} as const;

/**
 * The browser tab and the check of PROTOCOL.md §2 (1, 2, 4) against the journal: each
 * journaled event rendered exactly once, the terminal last. Only the handler renders, so
 * this state is private to one actor and needs no tracking.
 */
export class TabOracle {
  readonly rendered: number[] = [];
  /** The first exactly-once violation, as soon as it is rendered. */
  duplicate: string | null = null;

  /** Renders a frame; returns the exactly-once violation it caused, if any. */
  render(frame: Frame): string | null {
    if (this.duplicate === null && this.rendered.includes(frame.seq)) {
      this.duplicate = `tab rendered run1:${frame.seq} (${frame.event} ${JSON.stringify(frame.data)}) twice`;
    }
    this.rendered.push(frame.seq);
    return this.duplicate;
  }

  /** At the end of a run: every journaled event rendered (no silent loss). */
  lossCheck(journal: readonly Frame[]): string | undefined {
    const lost = journal.find((row) => !this.rendered.includes(row.seq));
    return lost === undefined ? undefined : `tab never rendered run1:${lost.seq}`;
  }

  /** At the end of a run: exactly one terminal frame, rendered last. */
  terminalCheck(journal: readonly Frame[]): string | undefined {
    const terminals = journal.filter((f) => f.terminal).map((f) => f.seq);
    const last = this.rendered[this.rendered.length - 1];
    const count = this.rendered.filter((seq) => terminals.includes(seq)).length;
    return terminals.length === 1 && count === 1 && last === terminals[0]
      ? undefined
      : "tab did not end with exactly one terminal frame";
  }

  /** Both end checks, as [property, message] of the first that fails. */
  finalCheck(journal: readonly Frame[]): readonly [string, string] | null {
    const loss = this.lossCheck(journal);
    if (loss !== undefined) return [raceProperties.noLoss, loss];
    const terminal = this.terminalCheck(journal);
    if (terminal !== undefined) return [raceProperties.terminal, terminal];
    return null;
  }
}
