/**
 * The protocol's designs as composable policy options. Each named variant (variants.ts) is
 * one set of these values; the handler, channel and producers read them, so adding a design
 * is a few lines there and never a new handler.
 */
export interface Policies {
  /**
   * A resuming subscriber's queue gets the offline buffer copied in at subscribe
   * (subscribe_with_snapshot's preload). A subscriber that does not resume always gets it.
   * Round 2 turned it off when replaying.
   */
  readonly preload: boolean;
  /**
   * What a resuming handler replays from the journal: nothing; every row after the cursor,
   * read to the end of the file (round 1 and 2); or the rows in (cursor, cutoff] where the
   * cutoff is the subscribe snapshot's last_event_id (round 3; an empty cutoff means no limit).
   */
  readonly replay: "none" | "journal" | "to-cutoff";
  /** Subscribe then read the journal, or read the journal then subscribe (reversed order). */
  readonly order: "subscribe-first" | "read-first";
  /**
   * How a live frame's id is known: it carries its own journal id; it borrows the global
   * latest id STREAM_LAST_EVENT_ID[run] when popped (#3401 b); or it has none (2-tuples,
   * #3401 a: the channel then never learns an id either).
   */
  readonly frame_ids: "per-frame" | "borrowed" | "none";
  /**
   * How the drain skips frames already delivered: never; when the frame's seq is at or below
   * the cutoff; or by content, one live frame per identical replayed row (the tried round-2
   * fix, which cannot tell two genuine token("the") apart).
   */
  readonly dedupe: "none" | "cutoff" | "content";
  /** Whether a terminal frame is recognised before the dedupe can skip it, or after. */
  readonly terminal_check: "before-dedupe" | "after-dedupe";
  /**
   * Deliver journaled events strictly in seq order: skip a seq at or below the highest one
   * delivered, and fill a hole from the journal before a higher seq, waiting for a reserved
   * row to be written; a seq the journal never reserved gets the recovery signal instead of
   * a silent hole. (Model: the wait has no timeout, because every reserved row is written in
   * the model, so the recovery branch runs only for a never-reserved seq, as in
   * src/model/handler.test.ts; the real handler would bound the wait by its 20 s write
   * timeout and send the recovery signal then.)
   */
  readonly gap_check: boolean;
  /**
   * On each heartbeat the drain loop looks STREAMS[run] up again; once the run is gone and
   * the queue is empty, it sends the journal rows after what it delivered and closes, so a
   * frame that only ever lived in the channel cannot leave the tab waiting forever.
   */
  readonly liveness_check: boolean;
}

/** The real code before PR #3371: the defaults that the variants override. */
export const baselinePolicies: Policies = {
  preload: true,
  replay: "none",
  order: "subscribe-first",
  frame_ids: "none",
  dedupe: "none",
  terminal_check: "after-dedupe",
  gap_check: false,
  liveness_check: false,
};

/** One line per policy, for reports: `preload=on replay=journal ...`. */
export function describePolicies(p: Policies): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${v === true ? "on" : v === false ? "off" : v}`)
    .join(" ");
}
