import { describe, expect, it } from "vitest";
import { makeCase } from "./case.ts";
import { prunePlan } from "./prune.ts";

function counterCase(id: string, steps: number, choices = steps) {
  return {
    file: `corpus/${id}.json`,
    value: makeCase({
      id,
      scenario: "counter",
      found_on: null,
      params: { workers: 2 },
      schedule: `ss1:counter:workers=2:${id}`,
      choices: Array.from({ length: choices }, () => 0),
      steps,
      expected: { counter: "violation: no-lost-update" },
      note: "",
    }),
  };
}

describe("prunePlan", () => {
  it("names the case that stays in every removal, not one it removes as well", () => {
    // In this order the 4-step case first beats the 6-step one, then the pinned case
    // beats it: both removals must name the pinned case.
    const cases = [counterCase("long", 6), counterCase("short", 4), counterCase("minimal", 5)];
    const plan = prunePlan(cases, new Set(["counter"]), new Set(["minimal"]));
    expect(plan.remove).toEqual([
      {
        file: "corpus/long.json",
        because: "same verdicts as the built-in minimal case minimal, which is always kept",
      },
      {
        file: "corpus/short.json",
        because: "same verdicts as the built-in minimal case minimal, which is always kept",
      },
    ]);
  });

  it("keeps the shortest case, then the one with fewer choices, then the smaller id", () => {
    const cases = [
      counterCase("c", 5),
      counterCase("b", 4, 6),
      counterCase("a", 4, 6),
      counterCase("d", 4, 5),
    ];
    const plan = prunePlan(cases, new Set(["counter"]));
    expect(plan.remove.map((r) => [r.file, r.because])).toEqual([
      ["corpus/c.json", "same verdicts as the shorter case d (4 steps against 5)"],
      [
        "corpus/b.json",
        "same verdicts as the case d, as long (4 steps) with fewer choices (5 against 6)",
      ],
      [
        "corpus/a.json",
        "same verdicts as the case d, as long (4 steps) with fewer choices (5 against 6)",
      ],
    ]);
    expect(prunePlan(cases.slice(1, 3), new Set(["counter"])).remove).toEqual([
      {
        file: "corpus/b.json",
        because:
          "same verdicts as the case a, as long (4 steps) with as many choices (6), kept as its id sorts first",
      },
    ]);
  });

  it("keeps every pinned case, and cases of other verdicts", () => {
    const other = counterCase("other", 9);
    const cases = [
      counterCase("p1", 7),
      counterCase("p2", 3),
      { ...other, value: { ...other.value, expected: { counter: "pass" as const } } },
    ];
    expect(prunePlan(cases, new Set(["counter"]), new Set(["p1", "p2"])).remove).toEqual([]);
  });
});
