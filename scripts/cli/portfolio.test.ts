import { describe, expect, it } from "vitest";
import { runMain } from "../testing/in-process.ts";

/** `run --json`'s figures for a hunt with no --strategy (dpor, then pct). */
async function hunt(args: readonly string[]) {
  const r = await runMain(["run", ...args, "--json"]);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as {
    strategy: string;
    executions: number;
    bounds: string[];
    before: { strategy: string; executions: number } | null;
  };
}

describe("dpor handing over to pct (no --strategy)", () => {
  it("gives dpor 60% of --runs, and pct the runs dpor left, its sleep-blocked ones counted", async () => {
    const d = await hunt(["--variant", "fixed", "--runs", "50"]);
    expect(d.before?.strategy).toMatch(/^dpor/);
    // dpor's 30 runs: its complete executions and the sleep-blocked ones.
    expect(d.before?.executions).toBeLessThanOrEqual(30);
    expect(d.before?.executions).toBeGreaterThan(0);
    expect(d.strategy).toMatch(/^pct/);
    expect(d.executions - (d.before?.executions ?? 0)).toBe(20);
    // What stopped the hunt: --runs, though the executions shown (complete ones) are fewer.
    expect(d.executions).toBeLessThan(50);
    expect(d.bounds).toContain("execution bound 50");
  });

  it("says that --runs stopped it, in the verdict table too", async () => {
    const r = await runMain(["verdicts", "--variant", "fixed", "--runs", "50"]);
    expect(r.stdout).toMatch(/fixed +pass +- +- +\d+ \(--runs\) .* pct after dpor/);
  });
});
