/**
 * The values that flow through the protocol: journal rows, channel frames and what the
 * SSE handler writes on the wire. PROTOCOL.md §1.
 */

/** The one run every scenario simulates; ids of other runs are no cursor for it. */
export const RUN_ID = "run1";

/** Frames after which the SSE handler stops and the tab is done (PROTOCOL.md §1, handler 5). */
export const TERMINAL_EVENTS: ReadonlySet<string> = new Set(["stream_end", "cancel", "apperror"]);

/** One event a producer emits: `token("the")` is `{ event: "token", data: "the" }`. */
export interface RunEvent {
  readonly event: string;
  readonly data: string;
}

/** A journal row (run_journal.append_run_event). */
export interface Row extends RunEvent {
  readonly seq: number;
  /** `run:seq`. */
  readonly id: string;
  readonly terminal: boolean;
}

/**
 * A frame as it sits in the offline buffer or a subscriber queue: `(event, data, id)`, or a
 * legacy `(event, data)` 2-tuple when `id` is null.
 */
export interface Frame extends RunEvent {
  readonly id: string | null;
  /**
   * Oracle only: the journal seq of the event this frame carries, or null when it was never
   * journaled. The model never reads it (a frame's id is what the real code can see).
   */
  readonly ref: number | null;
  /**
   * Oracle only: a tab that stops at this (terminal) frame must have rendered every journaled
   * seq up to here (invariant 2). For a journaled frame it is its seq − 1; for a frame made
   * outside the journal, the seqs 1..n that were all written when it entered the channel.
   */
  readonly horizon: number;
}

/** What the SSE handler writes to a connection: an event with or without `id:`, or control. */
export type WireFrame =
  | { readonly kind: "event"; readonly frame: Frame; readonly id: string | null }
  | { readonly kind: "heartbeat" }
  /** The gap check's recovery signal: reload the settled transcript. */
  | { readonly kind: "recover" };

/**
 * The ids made so far, by seq, and their seqs: a search makes the same few ids in every
 * execution, and reading them back is a lookup instead of a parse (seqOfId took ~2% of
 * dpor's time on boundedScope("fixed")). Only small seqs are kept, so the cache stays small.
 */
const idOfSeq: string[] = [];
const seqOfKnownId = new Map<string, number>();
const CACHED_SEQS = 1024;

export function eventId(seq: number): string {
  const known = idOfSeq[seq];
  if (known !== undefined) return known;
  const id = `${RUN_ID}:${seq}`;
  if (Number.isInteger(seq) && seq >= 0 && seq < CACHED_SEQS) {
    idOfSeq[seq] = id;
    seqOfKnownId.set(id, seq);
  }
  return id;
}

/**
 * The seq of an event id, scoped to `run`: an id of another run, or anything that is not
 * `run:seq` with seq >= 0, is no cursor at all (PROTOCOL.md §1, handler 1).
 */
export function seqOfId(id: string | null | undefined, run: string = RUN_ID): number | null {
  if (id === null || id === undefined) return null;
  if (run === RUN_ID) {
    const known = seqOfKnownId.get(id);
    if (known !== undefined) return known;
  }
  const colon = id.lastIndexOf(":");
  if (colon <= 0 || id.slice(0, colon) !== run) return null;
  // Digits only (no regex: this runs for every frame a handler decides on).
  if (colon === id.length - 1) return null;
  for (let i = colon + 1; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const seq = Number(id.slice(colon + 1));
  return Number.isSafeInteger(seq) ? seq : null;
}

export function isTerminal(event: string): boolean {
  return TERMINAL_EVENTS.has(event);
}

export function describeEvent(e: RunEvent): string {
  return e.data === "" ? e.event : `${e.event}(${JSON.stringify(e.data)})`;
}

export function frameFromRow(row: Row): Frame {
  return {
    event: row.event,
    data: row.data,
    id: row.id,
    ref: row.seq,
    horizon: row.seq - 1,
  };
}
