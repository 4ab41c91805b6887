import { describe, expect, it } from "vitest";
import { exploreSystematic } from "../../sim/dpor/systematic.ts";
import { type Scenario, World } from "../../sim/index.ts";
import { RunJournal } from "./journal.ts";

describe("run journal", () => {
  it("can hold rows out of seq order when two appends interleave, and reads in file order", () => {
    const journal = new RunJournal(new World({ pickChoice: () => 0 }, { tracing: false }));
    const a = journal.reserve();
    const b = journal.reserve();
    journal.write(b, { event: "token", data: "b" });
    expect(journal.settled()).toEqual([]);
    journal.write(a, { event: "token", data: "a" });
    expect(journal.rows.inspect().map((r) => r.seq)).toEqual([2, 1]);
    expect(journal.nextRow(0, 0, Infinity)?.row.seq).toBe(2);
    expect(journal.nextRow(1, 0, Infinity)?.row.seq).toBe(1);
    expect(journal.nextRow(0, 0, 1)?.row.seq).toBe(1);
    expect(journal.settled().map((r) => r.id)).toEqual(["run1:1", "run1:2"]);
    // The summary is the last row's seq in file order, as the real one.
    expect(journal.summary()).toEqual({ last_seq: 1, terminal: false });
  });
});

/**
 * A reader of the journal (`look`) racing a producer that appends the row with seq 2 after
 * the row with seq 1; both strategies explore it, and the result is dpor's trace count and
 * the final values `look` saw under each strategy.
 */
function race(look: (journal: RunJournal) => number) {
  const scenario: Scenario = {
    name: "journal-race",
    summary: "test",
    defaults: {},
    setup(world) {
      const journal = new RunJournal(world);
      journal.write(journal.reserve(), { event: "token", data: "a" });
      const seen = world.cell("seen", -1);
      world.spawn(
        "producer",
        (function* () {
          const seq = journal.reserve();
          yield "write";
          journal.write(seq, { event: "token", data: "b" });
        })(),
      );
      world.spawn(
        "reader",
        // biome-ignore lint/correctness/useYield: a one-step actor has no scheduling point
        (function* () {
          seen.set(look(journal));
        })(),
      );
    },
  };
  const run = (strategy: "dpor" | "exhaustive") =>
    exploreSystematic({ scenario, params: {}, strategy, stop_on_first: false });
  const dpor = run("dpor");
  const all = run("exhaustive");
  expect(dpor.exhausted && all.exhausted).toBe(true);
  expect(dpor.final_states).toBe(all.final_states);
  return { traces: dpor.traces, finals: all.final_states };
}

describe("run journal reads, as partial-order reduction sees them", () => {
  it("lets a read that stops at a row commute with the append of a later row", () => {
    expect(race((j) => j.nextRow(0, 0, Infinity)?.row.seq ?? 0)).toEqual({ traces: 1, finals: 1 });
    expect(race((j) => j.find(1)?.seq ?? 0)).toEqual({ traces: 1, finals: 1 });
    expect(race((j) => (j.hasRows(1) ? 1 : 0))).toEqual({ traces: 1, finals: 1 });
  });

  it("orders a read that reaches the end of the file against the append there", () => {
    expect(race((j) => j.nextRow(0, 1, Infinity)?.row.seq ?? 0)).toEqual({ traces: 2, finals: 2 });
    expect(race((j) => j.find(2)?.seq ?? 0)).toEqual({ traces: 2, finals: 2 });
    expect(race((j) => (j.hasRows(2) ? 1 : 0))).toEqual({ traces: 2, finals: 2 });
  });
});
