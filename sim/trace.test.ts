import { describe, expect, it } from "vitest";
import {
  OptionError,
  ReplayDivergenceError,
  ScheduleSyntaxError,
  SchemaVersionError,
  TraceFormatError,
} from "./errors.ts";
import { counterScenario } from "./examples/counter.ts";
import { parseSchedule } from "./schedule.ts";
import { shrinkSchedule } from "./shrink.ts";
import {
  checkDeterminism,
  firstDivergence,
  parseTrace,
  recordTrace,
  stringifyTrace,
  TRACE_FORMAT,
  TRACE_SCHEMA,
  type Trace,
} from "./trace.ts";
import { stepOf } from "./types.ts";
import { HARNESS_VERSION } from "./version.ts";

const lostUpdate = parseSchedule("ss1:counter:workers=2:0.1.1.0");

function sample(): Trace {
  return recordTrace(counterScenario, { workers: 2 }, lostUpdate);
}

function withField(field: string, value: unknown): string {
  return JSON.stringify({ ...sample(), [field]: value });
}

function oneLine(f: () => unknown, type: new (...args: never[]) => Error): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    const message = (e as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected an error, none was thrown");
}

describe("traces", () => {
  // Replayed against another scenario, a schedule's decisions were labelled with that
  // scenario's name (API audit: a lastzero schedule became a counter trace).
  it("refuse a schedule of another scenario, and so does the shrinker", () => {
    const other = parseSchedule("ss1:lastzero:n=3:0.1x2.0");
    expect(() => recordTrace(counterScenario, { workers: 2 }, other)).toThrow(OptionError);
    expect(() => shrinkSchedule(counterScenario, { workers: 2 }, other)).toThrow(
      /the schedule is of scenario 'lastzero', not 'counter'/,
    );
  });

  it("record the schedule, versions, parameters, steps and final state", () => {
    const t = sample();
    expect(t.format).toBe(TRACE_FORMAT);
    expect(t.schema).toBe(TRACE_SCHEMA);
    expect(t.harness).toBe(HARNESS_VERSION);
    expect(t.scenario).toBe("counter");
    expect(t.params).toEqual({ workers: 2 });
    expect(t.schedule).toBe("ss1:counter:workers=2:0.1x2.0");
    expect(t.outcome).toEqual({
      kind: "violation",
      property: "no lost update",
      message: "counter is 1, expected 2",
      steps: 4,
    });
    expect(t.preemptions).toBe(1);
    expect(t.actors).toEqual([
      { id: 0, name: "worker-0", spawnedBy: -1 },
      { id: 1, name: "worker-1", spawnedBy: -1 },
    ]);
    expect(t.objects).toEqual([{ id: 0, name: "counter", kind: "cell" }]);
    expect(t.steps.map((s) => [s.name, s.label, s.accesses])).toEqual([
      ["worker-0", "read", [["counter", "r"]]],
      ["worker-1", "read", [["counter", "r"]]],
      ["worker-1", "write", [["counter", "w"]]],
      ["worker-0", "write", [["counter", "w"]]],
    ]);
    expect(t.final_state).toEqual({ counter: 1 });
  });

  it("serialise one step per line and parse back to the same value", () => {
    const t = sample();
    const text = stringifyTrace(t);
    expect(text.endsWith("}\n")).toBe(true);
    for (const s of t.steps) expect(text).toContain(`    ${JSON.stringify(s)}`);
    expect(parseTrace(text)).toEqual(t);
    expect(stringifyTrace(parseTrace(text))).toBe(text);
  });

  it("serialise a trace with no steps to valid JSON", () => {
    const empty = recordTrace(counterScenario, { workers: 0 }, { ...lostUpdate, decisions: [] });
    expect(empty.steps).toEqual([]);
    expect(parseTrace(stringifyTrace(empty))).toEqual(empty);
  });

  it("reject text that is not JSON or not a trace with TraceFormatError", () => {
    expect(oneLine(() => parseTrace("{oops", "bug.json"), TraceFormatError)).toMatch(
      /^bug\.json is not JSON/,
    );
    for (const bad of ["[]", "null", "42", '"trace"', "{}"]) {
      oneLine(() => parseTrace(bad), TraceFormatError);
    }
    oneLine(() => parseTrace(withField("format", "other.trace")), TraceFormatError);
    oneLine(() => parseTrace(withField("schema", "1")), TraceFormatError);
    oneLine(() => parseTrace(withField("schedule", 3)), TraceFormatError);
    oneLine(() => parseTrace(withField("steps", {})), TraceFormatError);
    oneLine(() => parseTrace(withField("scenario", null)), TraceFormatError);
    expect(oneLine(() => parseTrace(withField("scenario", "other")), TraceFormatError)).toContain(
      "'counter'",
    );
    // A replay runs the schedule's parameters, not the ones the file claims.
    expect(oneLine(() => parseTrace(withField("params", { workers: 3 })), TraceFormatError)).toBe(
      'trace says params {"workers":3} but its schedule has {"workers":2}',
    );
  });

  it("read a trace saved again by another tool: byte-order mark, keys in another order", () => {
    const a = sample();
    const sortedKeys = (_key: string, v: unknown) =>
      v === null || typeof v !== "object" || Array.isArray(v)
        ? v
        : Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)));
    const resaved = `\ufeff${JSON.stringify(a, sortedKeys, 2)}`;
    expect(resaved).not.toBe(stringifyTrace(a));
    const b = parseTrace(resaved, "resaved.json");
    expect(firstDivergence(a, b, { anyKeyOrder: true })).toBeNull();
    expect(firstDivergence(b, a, { anyKeyOrder: true })).toBeNull();
    // Two executions compare strictly: a model can see the order of an object's keys.
    expect(firstDivergence(a, b)?.step).toBe(0);
    // A syntax error is reported on one line, whatever V8 quotes of the text around it.
    expect(oneLine(() => parseTrace('\ufeff{\n  "format"\n}', "x.json"), TraceFormatError)).toMatch(
      /^x\.json is not JSON/,
    );
  });

  it("reject a newer or older schema with SchemaVersionError", () => {
    expect(
      oneLine(() => parseTrace(withField("schema", TRACE_SCHEMA + 1)), SchemaVersionError),
    ).toMatch(/newer/);
    expect(
      oneLine(() => parseTrace(withField("schema", TRACE_SCHEMA - 1)), SchemaVersionError),
    ).toMatch(/older/);
  });

  it("reject a trace whose schedule text is bad", () => {
    oneLine(() => parseTrace(withField("schedule", "ss2:counter:-:-")), SchemaVersionError);
    oneLine(() => parseTrace(withField("schedule", "ss1:counter:-:q")), ScheduleSyntaxError);
  });

  it("find the first divergent step between two traces", () => {
    const a = sample();
    expect(firstDivergence(a, sample())).toBeNull();
    const other = recordTrace(
      counterScenario,
      { workers: 2 },
      {
        ...lostUpdate,
        decisions: [stepOf(0), stepOf(1), stepOf(0), stepOf(1)],
      },
    );
    const d = firstDivergence(a, other);
    expect(d?.step).toBe(2);
    expect(d?.expected).toContain('"name":"worker-1"');
    expect(d?.actual).toContain('"name":"worker-0"');
    const shorter = { ...a, steps: a.steps.slice(0, 3) };
    expect(firstDivergence(a, shorter)).toEqual({
      step: 3,
      expected: JSON.stringify(a.steps[3]),
      actual: "null",
    });
    const otherOutcome: Trace = { ...a, outcome: { kind: "completed", steps: 4 } };
    expect(firstDivergence(a, otherOutcome)?.expected).toMatch(/^outcome /);
  });

  it("pass the determinism self-check for the counter", () => {
    expect(checkDeterminism(counterScenario, { workers: 2 }, lostUpdate)).toBeNull();
  });

  it("report a scenario that is not deterministic at its first divergent step", () => {
    // A setup that reads state outside the world (here a counter in the closure) breaks
    // determinism; the self-check exists to catch exactly that.
    let runs = 0;
    const leaky = {
      ...counterScenario,
      setup(world: Parameters<typeof counterScenario.setup>[0], p: { workers: number }) {
        runs++;
        const c = world.cell("c", 0);
        const odd = runs % 2 === 1;
        world.spawn(
          "w",
          (function* () {
            yield "a";
            if (odd) c.set(1);
            yield "b";
          })(),
        );
        counterScenario.setup(world, { workers: p.workers - 1 });
      },
    };
    const schedule = {
      ...lostUpdate,
      decisions: [stepOf(0), stepOf(0), stepOf(0), stepOf(1), stepOf(1)],
    };
    const d = checkDeterminism(leaky, { workers: 2 }, schedule);
    expect(d?.step).toBe(1);
  });

  it("refuse to record a schedule that does not fit", () => {
    expect(() =>
      recordTrace(counterScenario, { workers: 2 }, { ...lostUpdate, decisions: [stepOf(2)] }),
    ).toThrow(ReplayDivergenceError);
  });
});
