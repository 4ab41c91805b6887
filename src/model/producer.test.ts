import { describe, expect, it } from "vitest";
import { RandomStrategy, runOnce, type TraceStep } from "../../sim/index.ts";
import { boundedScope } from "../cases.ts";
import { protocolScenario } from "../scenario/protocol.ts";

const BUDGET = "append_failures.left";

/** Two producers, one append that may fail: the first seed whose run has a failed append. */
function runWithAFailedAppend(): readonly TraceStep[] {
  const params = {
    ...boundedScope("fixed"),
    producers: 2,
    append_failures: 1,
    events: "a/b",
    tabs: "a1",
  };
  for (let seed = 0; seed < 200; seed++) {
    const r = runOnce(protocolScenario, params, new RandomStrategy(seed), { trace: true });
    const trace = r?.trace ?? [];
    if (trace.some((s) => s.notes.some((n) => n.includes("failed: no id")))) return trace;
  }
  throw new Error("no run with a failed append in 200 seeds");
}

describe("the producers' shared budget of append failures", () => {
  it("is a tracked object: a failed append writes it, and the other producer's append reads it", () => {
    // As an untracked variable it made a failed append (which touches nothing else) look
    // independent of the other producer's append, whose choice it takes away: dpor lost
    // 194 of 22,154 traces of `producers=2, append_failures=1, tabs=a1` within 4 s.
    const trace = runWithAFailedAppend();
    const appends = trace.filter((s) => s.label === "P1 journal reserve");
    const failed = appends.find((s) => s.notes.some((n) => n.includes("failed: no id")));
    expect(failed?.accesses).toContainEqual([BUDGET, "rw"]);
    const other = appends.find((s) => s.name !== failed?.name && s.i > (failed?.i ?? 0));
    expect(other?.accesses).toContainEqual([BUDGET, "r"]);
    // No budget left: that append made no choice.
    expect(other?.notes.some((n) => n.startsWith("append fails"))).toBe(false);
  });

  it("is not made when no append may fail, so other scopes keep their objects", () => {
    const r = runOnce(protocolScenario, boundedScope("fixed"), new RandomStrategy(0), {
      trace: true,
    });
    const touched = (r?.trace ?? []).flatMap((s) => s.accesses.map(([name]) => name));
    expect(touched).not.toContain(BUDGET);
  });
});
