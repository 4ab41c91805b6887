import { describe, expect, it } from "vitest";
import { World } from "../../sim/index.ts";
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
