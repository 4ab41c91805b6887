import { describe, expect, it } from "vitest";
import { plural } from "./plural.ts";

describe("plural", () => {
  it("gives the noun the number its count asks for", () => {
    expect(plural(1, "step")).toBe("1 step");
    expect(plural(0, "step")).toBe("0 steps");
    expect(plural(2, "preemption")).toBe("2 preemptions");
    expect(plural(1, "strategy", "strategies")).toBe("1 strategy");
    expect(plural(3, "strategy", "strategies")).toBe("3 strategies");
  });

  it("groups the digits of large counts, as the CLI prints executions", () => {
    expect(plural(12_345, "execution")).toBe("12,345 executions");
  });
});
