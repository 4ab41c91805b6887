import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  EngineAssertionError,
  InputError,
  NondeterminismError,
  parseSeed,
  ReplayDivergenceError,
  ScenarioParamsError,
  ScheduleSyntaxError,
  SchemaVersionError,
  SeedError,
  StreamsimError,
  TraceFormatError,
  UnknownScenarioError,
} from "./errors.ts";

const RUNS = Number(process.env.STREAMSIM_RUNS ?? 50);

describe("parseSeed", () => {
  it("accepts whole numbers from 0 to MAX_SAFE_INTEGER, as text or number", () => {
    expect(parseSeed("0")).toBe(0);
    expect(parseSeed(" 42 ")).toBe(42);
    expect(parseSeed(7)).toBe(7);
    expect(parseSeed(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(parseSeed(String(n))).toBe(n);
        expect(parseSeed(n)).toBe(n);
      }),
      { numRuns: RUNS },
    );
  });

  it("rejects negative, non-integer, huge and non-numeric seeds with a one-line SeedError", () => {
    for (const bad of [
      -1,
      "-1",
      1.5,
      "1.5",
      Number.NaN,
      Number.POSITIVE_INFINITY,
      2 ** 53,
      "9007199254740992",
      "99999999999999999999",
      "",
      " ",
      "abc",
      "0x10",
      "1e3",
      "+5",
    ]) {
      expect(() => parseSeed(bad)).toThrow(SeedError);
      try {
        parseSeed(bad);
      } catch (e) {
        expect((e as Error).message).toMatch(/^seed must be a whole number from 0 to \d+, got /);
        expect((e as Error).message).not.toContain("\n");
      }
    }
  });
});

describe("error types", () => {
  it("make every user-input error an InputError, and engine bugs not", () => {
    for (const E of [
      ScheduleSyntaxError,
      TraceFormatError,
      SchemaVersionError,
      UnknownScenarioError,
      ScenarioParamsError,
      SeedError,
    ]) {
      const e = new E("m");
      expect(e).toBeInstanceOf(InputError);
      expect(e).toBeInstanceOf(StreamsimError);
      expect(e.name).toBe(E.name);
    }
    const divergence = new ReplayDivergenceError("m", 3);
    expect(divergence).toBeInstanceOf(InputError);
    expect(divergence.step).toBe(3);
    expect(new EngineAssertionError("m")).not.toBeInstanceOf(InputError);
    // A nondeterministic model is the model's bug: not bad input to the CLI, nor the engine's.
    const nondeterministic = new NondeterminismError("dpor: replay diverged at step 2");
    expect(nondeterministic).not.toBeInstanceOf(InputError);
    expect(nondeterministic).not.toBeInstanceOf(EngineAssertionError);
    expect(nondeterministic.message).toMatch(
      /^dpor: replay diverged at step 2: the scenario is not deterministic/,
    );
  });
});
