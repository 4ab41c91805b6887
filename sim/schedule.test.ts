import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScheduleSyntaxError, SchemaVersionError } from "./errors.ts";
import {
  formatDecisions,
  formatParams,
  formatSchedule,
  parseDecisions,
  parseParams,
  parseSchedule,
  type Schedule,
} from "./schedule.ts";
import { choiceOf, type Json, type Params, stepOf, timerOf } from "./types.ts";

const RUNS = Number(process.env.STREAMSIM_RUNS ?? 50);

const scenarioName = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,15}$/);
const decision = fc.oneof(
  fc.nat({ max: 50 }).map(stepOf),
  fc.nat({ max: 50 }).map(timerOf),
  fc.nat({ max: 1000 }).map(choiceOf),
);
// Runs of the same step exercise the NxCOUNT form.
const decisions = fc
  .array(fc.tuple(decision, fc.integer({ min: 1, max: 5 })), { maxLength: 30 })
  .map((runs) => runs.flatMap(([d, n]) => Array<number>(n).fill(d)));

/** JSON values that survive JSON text exactly (no -0, no non-finite numbers). */
const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
    fc.string(),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.string(), tie("value"), { maxKeys: 3 }),
  ),
})).value;
const params: fc.Arbitrary<Params> = fc.oneof(
  // Plain key=value parameters, as most scenarios have.
  fc.dictionary(
    fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/),
    fc.oneof(fc.nat(), fc.boolean(), fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/)),
    { maxKeys: 4 },
  ),
  // Anything JSON, which goes through the ~base64url form.
  fc.dictionary(fc.string(), json, { maxKeys: 4 }),
);

function oneLine(f: () => unknown, type: new (...args: never[]) => Error): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    const message = (e as Error).message;
    expect(message).not.toContain("\n");
    expect(message.length).toBeGreaterThan(10);
    return message;
  }
  throw new Error("expected an error, none was thrown");
}

describe("schedule text", () => {
  it("round-trips through format and parse", () => {
    fc.assert(
      fc.property(scenarioName, params, decisions, (scenario, p, d) => {
        const schedule: Schedule = { scenario, params: p, decisions: d };
        const text = formatSchedule(schedule);
        expect(text).not.toMatch(/\s/);
        expect(parseSchedule(text)).toEqual(schedule);
        // And it is canonical: formatting the parsed value gives the same text.
        expect(formatSchedule(parseSchedule(text))).toBe(text);
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it("writes the documented compact form", () => {
    const text = formatSchedule({
      scenario: "counter",
      params: { workers: 2 },
      decisions: [
        stepOf(0),
        stepOf(2),
        stepOf(0),
        stepOf(2),
        stepOf(2),
        stepOf(2),
        timerOf(1),
        choiceOf(0),
      ],
    });
    expect(text).toBe("ss1:counter:workers=2:0.2.0.2x3.t1.c0");
    expect(formatSchedule({ scenario: "x", params: {}, decisions: [] })).toBe("ss1:x:-:-");
    expect(formatDecisions([timerOf(1), timerOf(1), choiceOf(2), choiceOf(2)])).toBe("t1.t1.c2.c2");
  });

  it("puts a value that would read back as another type through JSON", () => {
    for (const p of [
      { a: "true" },
      { a: "12" },
      { a: "" },
      { a: "x y" },
      { a: [1] },
      { a: 1e21 },
    ]) {
      expect(formatParams(p)).toMatch(/^~/);
      expect(parseParams(formatParams(p))).toEqual(p);
    }
    expect(parseParams("n=-3,f=1.5,b=false,w=word")).toEqual({
      n: -3,
      f: 1.5,
      b: false,
      w: "word",
    });
  });

  it("tolerates surrounding whitespace, as pasted into a shell", () => {
    expect(parseSchedule("  ss1:counter:-:0.1\n").decisions).toEqual([stepOf(0), stepOf(1)]);
  });

  it("rejects malformed text with a one-line ScheduleSyntaxError", () => {
    for (const bad of [
      "",
      "garbage",
      "ss1",
      "ss1:counter",
      "ss1:counter:-",
      "ss1:counter:-:-:extra",
      "SS1:counter:-:-",
      "ss1::-:-",
      "ss1:Counter:-:-",
      "ss1:-counter:-:-",
      "ss1:counter_x:-:-",
    ]) {
      oneLine(() => parseSchedule(bad), ScheduleSyntaxError);
    }
    const long = oneLine(() => parseSchedule(`x${"y".repeat(500)}`), ScheduleSyntaxError);
    expect(long.length).toBeLessThan(200);
  });

  it("rejects another format version with a SchemaVersionError", () => {
    expect(oneLine(() => parseSchedule("ss2:counter:-:-"), SchemaVersionError)).toContain("ss2");
    oneLine(() => parseSchedule("ss0:counter:-:0"), SchemaVersionError);
    oneLine(() => parseSchedule("ss10:counter"), SchemaVersionError);
  });

  it("rejects bad decision tokens", () => {
    for (const bad of [
      "x",
      "0..1",
      "0.",
      "-1",
      "t",
      "c",
      "tx",
      "t-1",
      "0x0",
      "0x",
      "0x2000000",
      "x3",
      "T1",
      "0 1",
      "+1",
      "1,5",
      "t1x2",
    ]) {
      oneLine(() => parseDecisions(bad), ScheduleSyntaxError);
      oneLine(() => parseSchedule(`ss1:counter:-:${bad}`), ScheduleSyntaxError);
    }
  });

  it("reads '1.5' as two decisions, not a fraction", () => {
    expect(parseDecisions("1.5")).toEqual([stepOf(1), stepOf(5)]);
  });

  it("rejects decision numbers too large to encode exactly", () => {
    for (const bad of ["99999999999999999999", "t99999999999999999999", "c99999999999999999999"]) {
      oneLine(() => parseDecisions(bad), ScheduleSyntaxError);
    }
  });

  it("reads parameters whose names are Object.prototype members", () => {
    for (const key of ["constructor", "toString", "valueOf", "__proto__"]) {
      const p = JSON.parse(`{"${key}": 1}`) as Params;
      expect(Object.keys(parseParams(formatParams(p)))).toEqual([key]);
    }
  });

  it("rejects bad parameters", () => {
    for (const bad of [
      "workers",
      "=2",
      "workers=2,workers=3",
      "1a=2",
      "a-b=1",
      "a=1,",
      ",a=1",
      "~",
      "~!!!",
      "~bm90IGpzb24",
    ]) {
      oneLine(() => parseParams(bad), ScheduleSyntaxError);
      oneLine(() => parseSchedule(`ss1:counter:${bad}:-`), ScheduleSyntaxError);
    }
    // Valid base64url JSON that is not an object.
    for (const value of [[1, 2], 3, null, "s"]) {
      const text = `~${Buffer.from(JSON.stringify(value)).toString("base64url")}`;
      oneLine(() => parseParams(text), ScheduleSyntaxError);
    }
  });
});
