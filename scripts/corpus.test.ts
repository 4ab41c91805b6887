import { describe, expect, it } from "vitest";
import { loadCatalog } from "./catalog.ts";
import { PASS } from "./cli/verdict.ts";
import { minimalCaseOf } from "./corpus/minimal.ts";
import { DEFAULT_CORPUS_DIR, readCorpus } from "./corpus/store.ts";
import { lastLine, streamsim } from "./testing/spawn-cli.ts";

/**
 * The regression corpus is part of `npm test`: every case replays with the verdict it
 * expects from every variant it lists, and every buggy built-in variant's minimal
 * counterexample is in it.
 */
describe("the regression corpus in corpus/", () => {
  it("replays green: `streamsim corpus replay` exits 0 with no verdict changed", async () => {
    const r = await streamsim(["corpus", "replay"]);
    expect(r.stderr).toBe("");
    expect(lastLine(r.stdout)).toMatch(/^\d+ cases, \d+ checks: 0 changed, 0 unreadable$/);
    expect(r.code).toBe(0);
  });

  it("holds every buggy built-in variant's minimal counterexample, exactly as the model gives it", async () => {
    const catalog = await loadCatalog();
    const cases = readCorpus(DEFAULT_CORPUS_DIR).flatMap((e) => (e.ok ? [e.value] : []));
    for (const variant of catalog.variants.filter((v) => v.expected !== PASS)) {
      const minimal = minimalCaseOf(catalog, variant);
      if (minimal === undefined) {
        // No minimal case from the model yet: the corpus must still guard the variant.
        expect(
          cases.some((c) => c.found_on === variant.name),
          variant.name,
        ).toBe(true);
        continue;
      }
      const saved = cases.find((c) => c.id === minimal.id);
      // The schedule and its parameters must be the model's; `corpus replay` above checks
      // the verdicts every variant gives on it.
      expect(
        saved && { found_on: saved.found_on, params: saved.params, choices: saved.choices },
        `${minimal.id}: refresh with 'npx streamsim corpus add --builtin --force'`,
      ).toEqual({ found_on: minimal.found_on, params: minimal.params, choices: minimal.choices });
    }
  });
});
