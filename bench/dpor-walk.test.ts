import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { exploreSystematic } from "../sim/dpor/systematic.ts";
import type { Params, Scenario } from "../sim/index.ts";
import { boundedScope, protocolScenario } from "../src/index.ts";

const ENTRY = fileURLToPath(new URL("./dpor-walk.ts", import.meta.url));
const TSX_LOADER = new URL("../node_modules/tsx/dist/loader.mjs", import.meta.url).href;

function walk(args: readonly string[]) {
  const r = spawnSync(process.execPath, ["--import", TSX_LOADER, ENTRY, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run check:dpor-walk", () => {
  it("reports a trace the search reaches, and exits 0", () => {
    let first = "";
    exploreSystematic({
      scenario: protocolScenario as unknown as Scenario<Params>,
      params: { ...boundedScope("fixed"), tabs: "a2" } as unknown as Params,
      strategy: "dpor",
      stop_on_first: false,
      max_executions: 1,
      on_trace: (c) => {
        first = c;
      },
    });
    const r = walk(["--trace", first, "--param", "tabs=a2", "--seed", "3"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("dpor in seed 3's order");
    expect(r.stdout).toContain("the trace was REACHED");
  });

  it("refuses bad input with one line and exit code 2", () => {
    for (const args of [
      [],
      ["--trace", "s0 nobody"],
      ["--missed", "/no/such/file.json"],
      ["--missed", "m.json", "--trace", "s0"],
      ["--trace", "s0", "--max-executions", "many"],
    ]) {
      const r = walk(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^check:dpor-walk: /);
    }
  });
});
