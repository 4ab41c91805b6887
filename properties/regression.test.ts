import { describe, expect, it } from "vitest";
import { runChoices } from "../sim/index.ts";
import { minimalCaseSteps, planCase, round3InOrderCase } from "../src/cases.ts";
import { minimalCase, protocolScenario, variantByName, variants } from "../src/index.ts";

/** The violation each §3 interleaving must produce, word for word. */
const expected: Readonly<Record<string, { property: string; message: string }>> = {
  round1: { property: "exactly-once", message: 'tab-1 rendered run1:1 tool("call-1") twice' },
  round2: { property: "exactly-once", message: 'tab-1 rendered run1:1 token("a") twice' },
  "content-dedupe": {
    property: "no-silent-loss",
    message: 'tab-1 never rendered run1:2 token("the") before its terminal stream_end',
  },
  "snapshot-then-subscribe": {
    property: "no-silent-loss",
    message: 'tab-1 never rendered run1:1 token("a") before its terminal stream_end',
  },
  "no-frame-ids": {
    property: "exactly-once",
    message: 'tab-1 rendered run1:1 tool("call-1") twice',
  },
  "borrowed-ids": {
    property: "no-endless-wait",
    message:
      "tab-1 still waits for a terminal 10 s after the run ended (2 heartbeats, no frame can come)",
  },
  round3: { property: "exactly-once", message: 'tab-1 rendered run1:1 token("a") twice' },
};

describe("the minimal interleavings of PROTOCOL.md §3, pinned as fixed schedules", () => {
  it("cover every buggy variant, and only those", () => {
    const buggy = variants.filter((v) => v.expected !== "pass").map((v) => v.name);
    expect(Object.keys(expected).sort()).toEqual([...buggy].sort());
    expect(minimalCase("fixed")).toBeUndefined();
  });

  it.each(Object.entries(expected))(
    "%s breaks its invariant at the last step of the case",
    (variant, want) => {
      const c = minimalCase(variant);
      if (c === undefined) throw new Error(`${variant} has no minimal case`);
      const spec = variantByName(variant).expected;
      expect(spec).toEqual({ invariant: want.property });
      expect(c.invariant).toBe(want.property);
      const result = runChoices(protocolScenario, c.params, c.choices);
      expect(result.outcome).toEqual({
        kind: "violation",
        property: want.property,
        message: want.message,
        steps: minimalCaseSteps(variant),
      });
    },
  );
});

describe("round 3's second bug, with two producers and no producer lock", () => {
  it("renders run1:2 before run1:1 when the replay reads the file in write order", () => {
    const c = planCase("round3", round3InOrderCase);
    expect(runChoices(protocolScenario, c.params, c.choices).outcome).toEqual({
      kind: "violation",
      property: "in-order",
      message: 'tab-1 rendered run1:1 token("a") after run1:2',
      steps: c.steps,
    });
    const fixed = runChoices(protocolScenario, { ...c.params, variant: "fixed" }, c.choices);
    expect(fixed.outcome.kind).toBe("completed");
  });
});
