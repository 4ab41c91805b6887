import { describe, expect, it } from "vitest";
import { InputError, resolveParams, ScenarioParamsError } from "../../sim/index.ts";
import { UnknownVariantError } from "../errors.ts";
import { variantByName, variants } from "../variants.ts";
import { defaultParams, parseEvents, parseTabs, shrinkProtocolParams } from "./params.ts";
import { protocolScenario } from "./protocol.ts";

describe("protocol scenario parameters", () => {
  it("reads events and tabs from their compact form", () => {
    expect(parseEvents("tool1/the/the")).toEqual([
      { event: "tool", data: "call-1" },
      { event: "token", data: "the" },
      { event: "token", data: "the" },
    ]);
    expect(parseTabs("a0/a2dr")).toEqual([
      { name: "tab-1", attach_after: 0, actions: [] },
      { name: "tab-2", attach_after: 2, actions: ["d", "r"] },
    ]);
  });

  it.each([
    [{ variant: "round9" }, /unknown variant 'round9'; known variants: round1, round2/],
    [{ events: "" }, /events must be 1 to 8/],
    [{ events: "a/a/a/a/a/a/a/a/a" }, /events must be 1 to 8/],
    [{ tabs: "a0/a0/a0/a0" }, /at most 3 tabs/],
    [{ tabs: "x1" }, /tab 'x1' must be a<N>/],
    [{ producers: 3 }, /producers must be a whole number from 1 to 2, got 3/],
    [{ ending: "crash" }, /ending must be ok or error/],
    [{ buffer_cap: 0 }, /buffer_cap must be a whole number from 1 to 8192/],
    [{ cancel: "yes" }, /cancel must be true or false/],
    [{ colour: 1 }, /protocol has no parameter 'colour'/],
  ])("rejects %j with a one-line message", (raw, message) => {
    const attempt = () => resolveParams(protocolScenario, raw);
    expect(attempt).toThrow(ScenarioParamsError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (e) {
      expect((e as Error).message).not.toContain("\n");
    }
  });

  it("shrinks toward simpler scenarios, each still valid", () => {
    const big = {
      ...defaultParams,
      producers: 2,
      cancel: true,
      tabs: "a1d/a0r",
      events: "tool1/the",
      buffer_cap: 2,
    };
    const smaller = [...shrinkProtocolParams(big)];
    expect(smaller[0]).toEqual({ ...big, producers: 1 });
    expect(smaller).toContainEqual({ ...big, tabs: "a0r" });
    expect(smaller).toContainEqual({ ...big, tabs: "a1/a0r" });
    expect(smaller).toContainEqual({ ...big, events: "the" });
    for (const p of smaller) expect(() => resolveParams(protocolScenario, p)).not.toThrow();
    expect([...shrinkProtocolParams({ ...defaultParams, tabs: "a0", events: "a" })]).toEqual([]);
  });
});

describe("variants", () => {
  it("names every variant of PROTOCOL.md §3 and the fixed design", () => {
    expect(variants.map((v) => v.name)).toEqual([
      "round1",
      "round2",
      "content-dedupe",
      "snapshot-then-subscribe",
      "no-frame-ids",
      "borrowed-ids",
      "round3",
      "fixed",
    ]);
    expect(variantByName("fixed").expected).toBe("pass");
  });

  it("rejects an unknown variant with an input error that lists the known ones", () => {
    expect(() => variantByName("round4")).toThrow(UnknownVariantError);
    expect(() => variantByName("round4")).toThrow(InputError);
    expect(() => variantByName("round4")).toThrow(/known variants: round1, .*fixed/);
  });
});
