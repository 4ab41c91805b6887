import { describe, expect, it } from "vitest";
import {
  formatParams,
  formatSchedule,
  InputError,
  parseParams,
  RandomStrategy,
  resolveParams,
  runOnce,
  SCHEDULE_VERSION,
  ScenarioParamsError,
  stepOf,
  World,
} from "../../sim/index.ts";
import { boundedScope, minimalCaseParams, minimalCaseSteps, SCOPE_HORIZON_S } from "../cases.ts";
import { UnknownVariantError } from "../errors.ts";
import { variantByName, variants } from "../variants.ts";
import {
  defaultParams,
  limits,
  type ProtocolParams,
  parseEvents,
  parseProtocolParams,
  parseTabs,
  shapeOf,
  shrinkProtocolParams,
} from "./params.ts";
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
    // So do the minimal-case lookups, whose undefined means "a variant that passes".
    expect(() => minimalCaseParams("round-3")).toThrow(UnknownVariantError);
    expect(() => minimalCaseSteps("round-3")).toThrow(UnknownVariantError);
    expect(minimalCaseSteps("fixed")).toBeUndefined();
  });
});

describe("the protocol scenario's horizon_s", () => {
  const DEFAULT_PARAMS_TEXT =
    "variant=fixed,events=tool1/the/the,producers=1,tabs=a0/a1d,cancel=false,ending=ok,buffer_cap=8,queue_cap=8,append_failures=0";

  it("is absent by default, so default schedules read as before", () => {
    const params = resolveParams(protocolScenario, {});
    expect("horizon_s" in params).toBe(false);
    expect(Object.keys(parseProtocolParams({ ...defaultParams }))).not.toContain("horizon_s");
    expect("horizon_s" in defaultParams).toBe(false);
    expect(formatParams(params)).toBe(DEFAULT_PARAMS_TEXT);
    expect(
      formatSchedule({ scenario: "protocol", params, decisions: [stepOf(0), stepOf(1)] }),
    ).toBe(`${SCHEDULE_VERSION}:protocol:${DEFAULT_PARAMS_TEXT}:0.1`);
  });

  it.each([1, 2, 10, 3599, 3600])("accepts horizon_s=%d and keeps it in the schedule", (s) => {
    const params = resolveParams(protocolScenario, { horizon_s: s });
    expect(params).toEqual({ ...defaultParams, horizon_s: s });
    expect(limits.max_horizon_s).toBe(3600);
    const text = formatParams(params);
    expect(text).toBe(`${DEFAULT_PARAMS_TEXT},horizon_s=${s}`);
    // The schedule text reads back to the same parameters.
    expect(resolveParams(protocolScenario, parseParams(text))).toEqual(params);
  });

  it.each([
    [0, "0"],
    [3601, "3601"],
    [1.5, "1.5"],
    ["10", '"10"'],
    [null, "null"],
    [-1, "-1"],
  ])("rejects horizon_s=%j with a one-line ScenarioParamsError", (value, shown) => {
    const attempt = () => resolveParams(protocolScenario, { horizon_s: value });
    expect(attempt).toThrow(ScenarioParamsError);
    let message = "";
    try {
      attempt();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(`protocol: horizon_s must be a whole number from 1 to 3600, got ${shown}`);
    expect(message).not.toContain("\n");
  });

  it("is listed among the parameters when an unknown one is given", () => {
    expect(() => resolveParams(protocolScenario, { horizon: 10 })).toThrow(
      new ScenarioParamsError(
        "protocol has no parameter 'horizon' (parameters: variant, events, producers, tabs, cancel, ending, buffer_cap, queue_cap, append_failures, horizon_s)",
      ),
    );
  });

  it("is set to SCOPE_HORIZON_S = 10 by the bounded scope", () => {
    expect(SCOPE_HORIZON_S).toBe(10);
    for (const variant of ["fixed", "round1"]) {
      const scope = boundedScope(variant);
      expect(scope.horizon_s).toBe(10);
      // The scope is valid parameters as they stand.
      expect(resolveParams(protocolScenario, scope)).toEqual(scope);
    }
  });

  it("bounds the virtual time of a protocol execution", () => {
    const world = (params: ProtocolParams) => {
      const w = new World({ pickChoice: () => 0 }, { tracing: false });
      protocolScenario.setup(w, params);
      return w;
    };
    expect(world(resolveParams(protocolScenario, { horizon_s: 7 })).horizon_ms).toBe(7_000);
    expect(world(boundedScope("fixed")).horizon_ms).toBe(10_000);
    expect(world(resolveParams(protocolScenario, {})).horizon_ms).toBeNull();

    // Random executions: heartbeats move the clock well past 5 s without a bound, and never
    // past it with horizon_s=5 (a timer due exactly at 5 s still fires).
    const latest = (params: ProtocolParams) => {
      const strategy = new RandomStrategy(7);
      let max = 0;
      for (let i = 0; i < 100; i++) {
        const r = runOnce(protocolScenario, params, strategy, { index: i });
        if (r === null) throw new Error("random strategy ran out");
        expect(r.outcome.kind).toBe("completed");
        max = Math.max(max, r.time_ms);
      }
      return max;
    };
    expect(latest(resolveParams(protocolScenario, {}))).toBeGreaterThan(5_000);
    expect(latest(resolveParams(protocolScenario, { horizon_s: 5 }))).toBe(5_000);
  });
});

describe("the scenario shape, parsed once for a search's parameters", () => {
  it("is the same shape, with frozen items, for the same text, and a new one for other text", () => {
    const a = shapeOf({ ...defaultParams, events: "tool1/the", tabs: "a0d/a2" });
    const b = shapeOf({ ...defaultParams, events: "tool1/the", tabs: "a0d/a2" });
    expect(b).toBe(a);
    expect(Object.isFrozen(a.events[0])).toBe(true);
    expect(Object.isFrozen(a.tabs[0])).toBe(true);
    const c = shapeOf({ ...defaultParams, events: "tool1/the", tabs: "a0" });
    expect(c).not.toBe(a);
    expect(c.tabs.map((t) => t.name)).toEqual(["tab-1"]);
    const d = shapeOf({ ...defaultParams, events: "the", tabs: "a0" });
    expect(d.events).toEqual([{ event: "token", data: "the" }]);
  });
});
