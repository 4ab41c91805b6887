import fc from "fast-check";
import type { ProtocolParams } from "./scenario/params.ts";
import { variantByName } from "./variants.ts";

/**
 * Event words: repeated identical tokens (two `the`) are likely on purpose, since content
 * dedupe cannot tell them apart.
 */
const eventWord = fc.constantFrom("tool1", "tool2", "the", "the", "a");

const tabSpec = fc
  .record({
    attach_after: fc.nat({ max: 8 }),
    actions: fc.array(fc.constantFrom("d", "n", "r"), { maxLength: 2 }),
  })
  .map((t) => `a${t.attach_after}${t.actions.join("")}`);

/** Production-like room (8), or a small cap that makes overflow reachable (shrinks to 1). */
const cap = fc.oneof(fc.constant(8), fc.integer({ min: 1, max: 3 }));

/**
 * Scenario shapes for one variant: 1–8 events, 1–2 producers, 1–3 tabs with attach points
 * (past the last event: the tab attaches when the run ends) and disconnects, reconnects and
 * reloads, a cancel, small caps that make overflow reachable, append failures. Every field is
 * independent so that fast-check shrinks each toward its first, simplest value.
 */
export function protocolParamsArbitrary(variant: string): fc.Arbitrary<ProtocolParams> {
  variantByName(variant);
  return fc.record({
    variant: fc.constant(variant),
    events: fc.array(eventWord, { minLength: 1, maxLength: 8 }).map((e) => e.join("/")),
    producers: fc.integer({ min: 1, max: 2 }),
    tabs: fc.array(tabSpec, { minLength: 1, maxLength: 3 }).map((t) => t.join("/")),
    cancel: fc.boolean(),
    ending: fc.constantFrom("ok", "error"),
    buffer_cap: cap,
    queue_cap: cap,
    append_failures: fc.constantFrom(0, 0, 1),
  });
}
