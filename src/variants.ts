import { UnknownVariantError } from "./errors.ts";
import { baselinePolicies, type Policies } from "./policies.ts";

/** A named design of the protocol: a set of policy values and the verdict it must get. */
export interface VariantSpec {
  readonly name: string;
  readonly summary: string;
  readonly policies: Policies;
  /** "pass", or the invariant that the real bug broke (its counterexample must break it). */
  readonly expected: "pass" | { readonly invariant: string };
}

/**
 * Round 3, the design the review asked for (PROTOCOL.md §3): each frame carries its own
 * journal id, subscribe and snapshot are one atomic step, the replay stops at the snapshot's
 * cutoff, a live frame is skipped only when its own seq is at or below the cutoff, and the
 * terminal is checked before the dedupe.
 */
const round3Policies: Policies = {
  preload: true,
  replay: "to-cutoff",
  order: "subscribe-first",
  frame_ids: "per-frame",
  dedupe: "cutoff",
  terminal_check: "before-dedupe",
  gap_check: false,
  liveness_check: false,
};

function variant(
  name: string,
  summary: string,
  base: Policies,
  overrides: Partial<Policies>,
  expected: VariantSpec["expected"],
): VariantSpec {
  return { name, summary, policies: { ...base, ...overrides }, expected };
}

/** PROTOCOL.md §3, in the order the review found them, then what the model adds. */
export const variants: readonly VariantSpec[] = [
  variant(
    "round1",
    "PR #3371 round 1: subscribe (preloads the offline buffer), replay the whole journal, drain",
    baselinePolicies,
    { replay: "journal" },
    { invariant: "exactly-once" },
  ),
  variant(
    "round2",
    "round 2: skip the buffer preload when replaying; subscribe, then read the journal",
    baselinePolicies,
    { replay: "journal", preload: false },
    { invariant: "exactly-once" },
  ),
  variant(
    "content-dedupe",
    "round 2's tried fix: drop each live frame identical to a replayed one",
    baselinePolicies,
    { replay: "journal", preload: false, dedupe: "content" },
    { invariant: "no-silent-loss" },
  ),
  variant(
    "snapshot-then-subscribe",
    "reversed order: read the journal (the snapshot), then subscribe without preload",
    round3Policies,
    { replay: "journal", preload: false, order: "read-first" },
    { invariant: "no-silent-loss" },
  ),
  variant(
    "no-frame-ids",
    "#3401 (a): round 3 with 2-tuple frames: empty cutoff, dedupe is a no-op",
    round3Policies,
    { frame_ids: "none" },
    { invariant: "exactly-once" },
  ),
  variant(
    "borrowed-ids",
    "#3401 (b): 2-tuple frames borrow the global latest id; a direct cancel is skipped",
    round3Policies,
    { frame_ids: "borrowed", terminal_check: "after-dedupe" },
    { invariant: "no-endless-wait" },
  ),
  variant(
    "round3",
    "round 3 as the review asked for it: per-frame ids, atomic subscribe+snapshot, cutoff dedupe",
    round3Policies,
    {},
    { invariant: "exactly-once" },
  ),
  variant(
    "fixed",
    "round 3 plus in-order delivery with holes filled from the journal, and a liveness check",
    round3Policies,
    { gap_check: true, liveness_check: true },
    "pass",
  ),
];

export function variantByName(name: string): VariantSpec {
  const v = variants.find((x) => x.name === name);
  if (v === undefined) {
    throw new UnknownVariantError(
      `unknown variant '${name}'; known variants: ${variants.map((x) => x.name).join(", ")}`,
    );
  }
  return v;
}
