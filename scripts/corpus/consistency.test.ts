import { describe, expect, it } from "vitest";
import { loadCatalog } from "../catalog.ts";
import type { CorpusCase } from "./case.ts";
import { caseDisagreement, consistentEntries } from "./consistency.ts";
import { minimalCaseOf } from "./minimal.ts";

/**
 * `corpus replay` checks verdicts on a case's choices alone; a hand edit of its params,
 * choices, steps or schedule must be reported, not checked against stale fields.
 */
describe("a corpus case whose fields disagree", () => {
  async function round2Case(): Promise<{
    catalog: Awaited<ReturnType<typeof loadCatalog>>;
    c: CorpusCase;
  }> {
    const catalog = await loadCatalog();
    const c = minimalCaseOf(catalog, catalog.variant("round2"));
    if (c === undefined) throw new Error("round2 has no minimal case");
    return { catalog, c };
  }

  it("is consistent as corpus add and --builtin write it", async () => {
    const { catalog, c } = await round2Case();
    expect(caseDisagreement(catalog, c)).toBeNull();
  });

  it("names the parameter edited in params but not in the schedule", async () => {
    const { catalog, c } = await round2Case();
    const edited = { ...c, params: { ...c.params, events: "a/b" } };
    expect(caseDisagreement(catalog, edited)).toEqual({
      kind: "edited",
      message: `"params" and the schedule's parameters differ (events: "a/b" against "a")`,
    });
  });

  // A model change that adds or removes a step does the same to a case as a hand edit of
  // its choices, steps or schedule: stale, and its verdicts are still checked on its choices.
  it("names the first edited choice, as stale", async () => {
    const { catalog, c } = await round2Case();
    const choices = [...c.choices];
    choices[4] = (choices[4] ?? 0) + 1;
    expect(caseDisagreement(catalog, { ...c, choices })).toEqual({
      kind: "stale",
      message: `"choices" are not its schedule's (they differ from choice 4 on)`,
    });
  });

  it("reports edited steps, and a schedule that runs out or runs long, as stale", async () => {
    const { catalog, c } = await round2Case();
    expect(caseDisagreement(catalog, { ...c, steps: 3 })).toEqual({
      kind: "stale",
      message: `"steps" is 3, but its schedule runs ${c.steps}`,
    });
    expect(caseDisagreement(catalog, { ...c, schedule: `${c.schedule}.0` })?.message).toMatch(
      /^its schedule has \d+ decisions, but the execution ends after \d+$/,
    );
    const cut = c.schedule.replace(/x\d+$/, "");
    expect(caseDisagreement(catalog, { ...c, schedule: cut })?.message).toMatch(
      /^its schedule does not replay: schedule ran out after/,
    );
  });

  it("becomes an unreadable entry that says how to fix it when its params were edited", async () => {
    const { catalog, c } = await round2Case();
    const stale = { file: "corpus/y.json", ok: true, value: { ...c, steps: 3 } } as const;
    const [entry, kept] = consistentEntries(catalog, [
      { file: "corpus/x.json", ok: true, value: { ...c, params: { ...c.params, events: "b" } } },
      stale,
    ]);
    expect(entry).toEqual({
      file: "corpus/x.json",
      ok: false,
      error: `corpus case 'corpus/x.json': "params" and the schedule's parameters differ (events: "b" against "a"); params, choices and steps derive from the schedule, so add the schedule you mean with 'streamsim corpus add', then delete this file if the add wrote another`,
    });
    expect(kept).toBe(stale);
  });
});
