import { ReplayDivergenceError, SchemaVersionError, TraceFormatError } from "./errors.ts";
import type { ExecutionLimits } from "./execute.ts";
import { plural } from "./plural.ts";
import { runOnce } from "./runner.ts";
import type { Scenario } from "./scenario.ts";
import { checkScheduleScenario, formatSchedule, parseSchedule, type Schedule } from "./schedule.ts";
import { ReplayStrategy } from "./strategies/replay.ts";
import type { TraceStep } from "./trace-step.ts";
import type { Json, Outcome, Params } from "./types.ts";
import { HARNESS_VERSION } from "./version.ts";

export const TRACE_FORMAT = "streamsim.trace";
export const TRACE_SCHEMA = 1;

/**
 * A recorded execution, as JSON: the schedule that reproduces it, the harness version and
 * scenario parameters, and the step log. The same scenario and schedule give a
 * byte-identical trace in every process.
 */
export interface Trace {
  readonly format: typeof TRACE_FORMAT;
  readonly schema: typeof TRACE_SCHEMA;
  readonly harness: string;
  readonly scenario: string;
  readonly params: Params;
  /** The schedule text (see schedule.ts): paste it to `streamsim replay`. */
  readonly schedule: string;
  readonly outcome: Outcome;
  readonly preemptions: number;
  readonly time_ms: number;
  readonly actors: readonly {
    readonly id: number;
    readonly name: string;
    readonly spawnedBy: number;
  }[];
  readonly objects: readonly {
    readonly id: number;
    readonly name: string;
    readonly kind: string;
  }[];
  readonly steps: readonly TraceStep[];
  readonly final_state: { readonly [object: string]: Json };
}

/**
 * Replays a schedule with tracing on and returns its trace. Throws ReplayDivergenceError
 * when the schedule does not fit the scenario (including decisions left over at the end).
 */
export function recordTrace<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  schedule: Schedule,
  limits?: ExecutionLimits,
): Trace {
  checkScheduleScenario(scenario, schedule);
  const replay = new ReplayStrategy(schedule.decisions);
  const r = runOnce(scenario, params, replay, { trace: true, ...(limits ? { limits } : {}) });
  if (r === null) throw new Error("a fresh replay strategy refused to start");
  if (replay.consumed !== schedule.decisions.length) {
    throw new ReplayDivergenceError(
      `schedule diverges: the execution ended (${r.outcome.kind}) after ${plural(r.steps, "step")} with ${schedule.decisions.length - replay.consumed} of ${plural(schedule.decisions.length, "decision")} unused`,
      r.steps,
    );
  }
  const w = r.world;
  return {
    format: TRACE_FORMAT,
    schema: TRACE_SCHEMA,
    harness: HARNESS_VERSION,
    scenario: scenario.name,
    params,
    schedule: formatSchedule({ scenario: scenario.name, params, decisions: schedule.decisions }),
    outcome: r.outcome,
    preemptions: r.preemptions,
    time_ms: r.time_ms,
    actors: w.actors.map((a) => ({ id: a.id, name: a.name, spawnedBy: a.spawnedBy })),
    objects: w.objects.map((o) => ({ id: o.id, name: o.name, kind: o.kind })),
    steps: r.trace ?? [],
    final_state: w.snapshotObjects(),
  };
}

/** Serialises a trace: stable key order, one step per line so that diffs stay readable. */
export function stringifyTrace(trace: Trace): string {
  const { steps, ...head } = trace;
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, "");
  const stepLines = steps.map((s) => `    ${JSON.stringify(s)}`).join(",\n");
  return `${headText},\n  "steps": [\n${stepLines}\n  ]\n}\n`;
}

/**
 * Parses the JSON text of a file (`source` names it in the error): a leading byte-order
 * mark, which some editors and PowerShell write, is skipped, and a syntax error is one
 * TraceFormatError line (V8's message quotes the text around the error, newlines included).
 */
export function parseJsonFile(text: string, source: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const why = (e as Error).message.replace(/\s+/g, " ");
    throw new TraceFormatError(`${source} is not JSON (${why})`);
  }
}

/** Parses and validates trace JSON text; throws TraceFormatError or SchemaVersionError. */
export function parseTrace(text: string, source = "trace"): Trace {
  const value = parseJsonFile(text, source);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TraceFormatError(`${source} is not a streamsim trace: expected a JSON object`);
  }
  const t = value as Record<string, unknown>;
  if (t.format !== TRACE_FORMAT) {
    throw new TraceFormatError(
      `${source} is not a streamsim trace: "format" must be "${TRACE_FORMAT}"`,
    );
  }
  if (typeof t.schema !== "number") {
    throw new TraceFormatError(`${source} has no schema version`);
  }
  if (t.schema > TRACE_SCHEMA) {
    throw new SchemaVersionError(
      `${source} has schema ${t.schema}, newer than this streamsim's ${TRACE_SCHEMA}; upgrade streamsim to read it`,
    );
  }
  if (t.schema < TRACE_SCHEMA) {
    throw new SchemaVersionError(
      `${source} has schema ${t.schema}, older than this streamsim's ${TRACE_SCHEMA}; re-record it with 'streamsim replay "<its schedule>" --out <file>'`,
    );
  }
  if (typeof t.schedule !== "string")
    throw new TraceFormatError(`${source} has no "schedule" string`);
  if (!Array.isArray(t.steps)) throw new TraceFormatError(`${source} has no "steps" array`);
  if (typeof t.scenario !== "string") throw new TraceFormatError(`${source} has no "scenario"`);
  if (t.params === null || typeof t.params !== "object" || Array.isArray(t.params)) {
    throw new TraceFormatError(`${source} has no "params" object`);
  }
  if (
    t.outcome === null ||
    typeof t.outcome !== "object" ||
    typeof (t.outcome as { kind?: unknown }).kind !== "string"
  ) {
    throw new TraceFormatError(`${source} has no "outcome" with a "kind"`);
  }
  t.steps.forEach((step: unknown, i: number) => {
    const problem = stepProblem(step, i);
    if (problem !== null) throw new TraceFormatError(`${source}: step ${i} ${problem}`);
  });
  const schedule = parseSchedule(t.schedule);
  if (schedule.scenario !== t.scenario) {
    throw new TraceFormatError(
      `${source} says scenario '${t.scenario}' but its schedule names '${schedule.scenario}'`,
    );
  }
  // A replay runs the schedule's parameters: a file that says others describes another run.
  const said = sortedJson(t.params as Params);
  if (said !== sortedJson(schedule.params)) {
    throw new TraceFormatError(
      `${source} says params ${said} but its schedule has ${sortedJson(schedule.params)}`,
    );
  }
  return value as Trace;
}

/** What is wrong with one recorded step, or null when it has the shape of a TraceStep. */
function stepProblem(step: unknown, index: number): string | null {
  if (step === null || typeof step !== "object" || Array.isArray(step)) return "is not an object";
  const s = step as Record<string, unknown>;
  if (s.i !== index) return `has "i" ${JSON.stringify(s.i)}, expected ${index}`;
  for (const key of ["actor", "t"]) {
    if (typeof s[key] !== "number") return `has no number "${key}"`;
  }
  for (const key of ["name", "label"]) {
    if (typeof s[key] !== "string") return `has no string "${key}"`;
  }
  if (s.kind !== "step" && s.kind !== "timer") return `has "kind" other than "step" or "timer"`;
  for (const key of ["accesses", "notes", "spawned"]) {
    if (!Array.isArray(s[key])) return `has no "${key}" array`;
  }
  if (s.after === null || typeof s.after !== "object") return `has no "after" object`;
  return null;
}

/** Where two traces of the same schedule first differ. */
export interface Divergence {
  readonly step: number;
  readonly expected: string;
  readonly actual: string;
}

/**
 * Compares two traces step by step; null when identical. With `anyKeyOrder`, objects are
 * compared with their keys sorted: a trace file saved again by another tool (`jq -S`, an
 * editor's formatter) keeps its content but not its key order, and is still the same
 * trace. Two executions compare strictly: a model can see the order of an object's keys.
 */
export function firstDivergence(
  expected: Trace,
  actual: Trace,
  options: { readonly anyKeyOrder?: boolean } = {},
): Divergence | null {
  const text = options.anyKeyOrder === true ? sortedJson : (v: unknown) => JSON.stringify(v);
  const n = Math.max(expected.steps.length, actual.steps.length);
  for (let i = 0; i < n; i++) {
    const a = expected.steps[i] ?? null;
    const b = actual.steps[i] ?? null;
    if (text(a) !== text(b)) {
      return { step: i, expected: JSON.stringify(a), actual: JSON.stringify(b) };
    }
  }
  const a = expected.outcome;
  const b = actual.outcome;
  if (text(a) !== text(b)) {
    return {
      step: n,
      expected: `outcome ${JSON.stringify(a)}`,
      actual: `outcome ${JSON.stringify(b)}`,
    };
  }
  return null;
}

/**
 * JSON text with every object's keys in sorted order (arrays keep theirs), so that equal
 * values compare equal whatever order their keys were written in.
 */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/**
 * The determinism self-check: runs the same schedule twice and reports the first step at
 * which the two traces differ (null when they are byte-identical).
 */
export function checkDeterminism<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  schedule: Schedule,
  limits?: ExecutionLimits,
): Divergence | null {
  // A schedule that does not fit the first run is the caller's; one that fit it and not the
  // second is what this check looks for, said as a divergence, not thrown as bad input.
  const first = recordTrace(scenario, params, schedule, limits);
  let second: Trace;
  try {
    second = recordTrace(scenario, params, schedule, limits);
  } catch (e) {
    if (!(e instanceof ReplayDivergenceError)) throw e;
    return {
      // (-1: a data choice of the setup; said as the first step.)
      step: Math.max(0, e.step),
      expected: "the schedule to fit the second run as it fit the first",
      actual: e.message,
    };
  }
  const d = firstDivergence(first, second);
  if (d !== null) return d;
  return stringifyTrace(first) === stringifyTrace(second)
    ? null
    : { step: first.steps.length, expected: "final state", actual: "final state differs" };
}
