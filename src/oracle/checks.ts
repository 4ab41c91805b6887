import type { World } from "../../sim/index.ts";
import type { ModelContext } from "../model/context.ts";
import { eventId, type Row } from "../model/frame.ts";
import type { InvariantName } from "./tab-record.ts";

/** The invariants of PROTOCOL.md §2, each its own named check. */
export const invariants: readonly { readonly name: InvariantName; readonly summary: string }[] = [
  {
    name: "exactly-once",
    summary:
      "each journaled event is rendered at most once by a tab, across buffer, replay, live frames and reconnects",
  },
  {
    name: "no-silent-loss",
    summary:
      "a tab that gets its terminal has rendered every event journaled before it (a recovery signal reloads the transcript instead)",
  },
  { name: "in-order", summary: "a tab renders journaled events in seq order" },
  {
    name: "one-terminal-last",
    summary: "a tab renders exactly one terminal frame, and nothing after it",
  },
  {
    name: "no-endless-wait",
    summary:
      "once the run has ended no handler keeps a tab waiting on heartbeats (10 s of virtual silence)",
  },
  {
    name: "cursor",
    summary:
      "a tab's cursor moves forward, is an id of its run, never passes a frame it has not rendered, and agrees with the persisted text",
  },
  {
    name: "journal",
    summary: "journal seqs are unique and contiguous from 1, ids are run:seq",
  },
  {
    name: "bounded-memory",
    summary: "the offline buffer and every subscriber queue stay within their caps",
  },
];

/** Registers every invariant as a world check; the journal is the reference. */
export function registerChecks(world: World, ctx: ModelContext): void {
  const tabs = ctx.oracle.tabs;
  const flags = ctx.oracle.flags;
  const fromTabs = (name: InvariantName) => (): string | undefined => {
    // Checked after every step: most of the time no tab has flagged anything.
    if (flags.flagged === 0) return undefined;
    for (const t of tabs) {
      if (t.violations.size === 0) continue;
      const m = t.violations.get(name);
      if (m !== undefined) return m;
    }
    return undefined;
  };
  for (const inv of invariants) {
    switch (inv.name) {
      // These two hold by construction and guard the model, so they are checked when an
      // execution completes, not after every step: an invariant's reads are part of every
      // step to partial-order reduction (checkStep in sim/execute.ts), and one that read
      // the journal or every queue would make every step dependent on every append or push
      // and multiply the interleavings dpor explores. What that gives up: journal rows are
      // only appended, so a bad one is still there at the end, but an execution that ends
      // otherwise (another failure, a deadlock) is not checked; and a queue enforces its
      // own cap on every push (the tracked Queue evicts the oldest item first), so only a
      // queue made with the wrong cap that overflows and drains before the end is missed.
      case "journal":
        world.atEnd(inv.name, () => {
          const seen = new Set<number>();
          return journalProblem(ctx.journal.rows.inspect(), seen) ?? contiguityProblem(seen);
        });
        break;
      case "bounded-memory":
        world.atEnd(inv.name, () => capsProblem(ctx));
        break;
      case "one-terminal-last":
        world.invariant(inv.name, fromTabs(inv.name));
        world.atEnd(inv.name, () => {
          for (const t of tabs) {
            if (t.finished === "terminal" && t.terminalCount !== 1) {
              return `${t.name} finished with ${t.terminalCount} terminal frames`;
            }
          }
          return undefined;
        });
        break;
      default:
        world.invariant(inv.name, fromTabs(inv.name));
    }
  }
}

/**
 * Seqs unique and ids run:seq, for the rows not in `seen` yet. In this model the journal
 * hands out seqs from one counter and builds ids from them, so this holds by construction:
 * it guards the model against a regression (a change to reserve/write), and it is not
 * evidence about the protocol.
 */
function journalProblem(rows: readonly Row[], seen: Set<number>): string | undefined {
  for (let i = seen.size; i < rows.length; i++) {
    const r = rows[i] as Row;
    if (seen.has(r.seq)) return `journal has seq ${r.seq} twice`;
    seen.add(r.seq);
    if (r.id !== eventId(r.seq))
      return `journal row ${r.seq} has id ${r.id}, not ${eventId(r.seq)}`;
  }
  return undefined;
}

/** At the end: seqs contiguous from 1. */
function contiguityProblem(seen: ReadonlySet<number>): string | undefined {
  for (let s = 1; s <= seen.size; s++) {
    if (!seen.has(s)) return `journal misses seq ${s} of 1..${seen.size}`;
  }
  return undefined;
}

/**
 * Buffer and queues within their caps. The tracked queues evict the oldest frame when full
 * (drop-oldest, as the real deques do), so this holds by construction in this model: like
 * the journal check, it guards the model, and losses from eviction show up as no-silent-loss
 * or no-endless-wait instead.
 */
function capsProblem(ctx: ModelContext): string | undefined {
  const { channel } = ctx;
  const buffered = channel.buffer.inspectSize();
  if (buffered > channel.options.buffer_cap) {
    return `offline buffer holds ${buffered} frames, cap ${channel.options.buffer_cap}`;
  }
  for (const q of channel.queues) {
    const n = q.inspectSize();
    if (n > channel.options.queue_cap)
      return `${q.name} holds ${n} frames, cap ${channel.options.queue_cap}`;
  }
  return undefined;
}
