import { existsSync } from "node:fs";
import {
  assert,
  type Divergence,
  firstDivergence,
  type Params,
  parseParams,
  parseSchedule,
  ReplayDivergenceError,
  recordTrace,
  resolveParams,
  type Scenario,
  type Schedule,
  ScheduleSyntaxError,
  type Trace,
} from "../../sim/index.ts";
import type { Catalog, Variant } from "../catalog.ts";
import { readTraceFile } from "./files.ts";
import { OptionValueError } from "./input.ts";

/** What `run` explores: a scenario with its parameters, and the variant they come from. */
export interface Target {
  readonly scenario: Scenario;
  readonly params: Params;
  readonly variant: Variant | undefined;
}

/**
 * Collects repeated `--param key=value` options into one object. A key given twice, in one
 * option or in two, is refused: one of its values would be dropped silently.
 */
export function collectParam(raw: string, previous: Params = {}): Params {
  if (!/^[^=]+=/.test(raw)) {
    throw new OptionValueError(`--param '${raw}' is not key=value, for example --param workers=3`);
  }
  let more: Params;
  try {
    more = parseParams(raw);
  } catch (e) {
    // parseParams reads a schedule's parameters: its message names a schedule.
    if (!(e instanceof ScheduleSyntaxError)) throw e;
    throw new OptionValueError(`--param '${raw}': ${e.message.replace(/^schedule /, "")}`);
  }
  for (const key of Object.keys(more)) {
    if (Object.hasOwn(previous, key)) {
      throw new OptionValueError(`--param '${key}' is given twice; give it once`);
    }
  }
  return { ...previous, ...more };
}

/** Resolves --variant / --scenario / --param into what to explore. */
export function resolveTarget(
  catalog: Catalog,
  options: { variant?: string; scenario?: string; param?: Params },
): Target {
  const variant = options.variant === undefined ? undefined : catalog.variant(options.variant);
  const scenario =
    options.scenario === undefined ? variant?.scenario : catalog.scenarios.get(options.scenario);
  if (scenario === undefined) {
    throw new OptionValueError(
      "say what to explore: --variant NAME or --scenario NAME (see 'streamsim list')",
    );
  }
  if (variant !== undefined && variant.scenario.name !== scenario.name) {
    throw new OptionValueError(
      `variant '${variant.name}' belongs to scenario '${variant.scenario.name}', not '${scenario.name}'; drop --scenario`,
    );
  }
  if (variant !== undefined) checkVariantParams(variant, options.param ?? {});
  const base = variant === undefined ? {} : (variant.exploreParams ?? variant.params);
  const params = resolveParams(scenario, { ...base, ...(options.param ?? {}) });
  return { scenario, params, variant: variant ?? catalog.variantOf(scenario.name, params) };
}

/**
 * A --param may change a variant's scope (events, tabs, horizon_s) but not what makes it
 * that variant: the run would explore another design under this variant's name.
 */
function checkVariantParams(variant: Variant, given: Params): void {
  for (const [key, value] of Object.entries(variant.params)) {
    const asked = given[key];
    if (asked === undefined || JSON.stringify(asked) === JSON.stringify(value)) continue;
    throw new OptionValueError(
      `--param ${key}=${String(asked)} contradicts variant '${variant.name}', which sets ${key}=${String(value)}; drop --variant and use --scenario ${variant.scenario.name}`,
    );
  }
}

/** A schedule to replay, and the trace it came from when the input was a trace file. */
export interface ReplayInput {
  readonly scenario: Scenario;
  readonly params: Params;
  readonly schedule: Schedule;
  readonly recorded: Trace | null;
}

/**
 * Reads `replay`'s and `shrink`'s argument: an existing file is a trace; otherwise the text
 * must be a schedule (`ss1:...`); anything else is a missing file.
 */
export function readReplayInput(catalog: Catalog, arg: string): ReplayInput {
  // (An unset shell variable: "trace file '' does not exist" named no file at all.)
  if (arg.trim() === "") {
    throw new ScheduleSyntaxError(
      "the trace file or schedule is empty; give the path of a trace written with --out, or a schedule 'ss1:...'",
    );
  }
  const isFile = existsSync(arg);
  if (!isFile && /^ss\d+:/.test(arg.trim())) {
    const schedule = parseSchedule(arg);
    const scenario = catalog.scenarios.get(schedule.scenario);
    const params = resolveParams(scenario, schedule.params);
    return { scenario, params, schedule, recorded: null };
  }
  const recorded = readTraceFile(arg);
  const schedule = parseSchedule(recorded.schedule);
  const scenario = catalog.scenarios.get(schedule.scenario);
  const params = resolveParams(scenario, schedule.params);
  return { scenario, params, schedule, recorded };
}

/**
 * Runs the input's schedule today and, for a trace file, finds where it departs from it.
 * A trace file whose schedule no longer fits today's scenario (a step it records cannot
 * run: the model changed) diverges there too, with no trace of today's execution; a bare
 * schedule that does not fit is bad input (recordTrace's ReplayDivergenceError).
 */
export function replayInput(r: ReplayInput): {
  /** Today's execution; null only with a divergence (the schedule no longer fits). */
  trace: Trace | null;
  divergence: Divergence | null;
} {
  if (r.recorded === null) {
    return { trace: recordTrace(r.scenario, r.params, r.schedule), divergence: null };
  }
  let trace: Trace;
  try {
    trace = recordTrace(r.scenario, r.params, r.schedule);
  } catch (e) {
    if (!(e instanceof ReplayDivergenceError)) throw e;
    const step = Math.max(0, e.step);
    const at = r.recorded.steps[step];
    return {
      trace: null,
      divergence: {
        step,
        expected: at === undefined ? "no step" : JSON.stringify(at),
        actual: `its schedule no longer fits: ${e.message}`,
      },
    };
  }
  return { trace, divergence: firstDivergence(r.recorded, trace, { anyKeyOrder: true }) };
}

/** Where a trace file stops matching today's execution, and the likely reason. */
export function divergenceWhere(d: Divergence): string {
  return `at step ${d.step} (the model or the harness changed since it was recorded)`;
}

/**
 * The execution `shrink` and `corpus add` build on. A trace file today's execution no
 * longer follows is refused: using today's execution instead would silently shrink or keep
 * something other than what the file recorded.
 */
export function replayFaithfully(r: ReplayInput, input: string): Trace {
  const { trace, divergence } = replayInput(r);
  if (divergence !== null) {
    throw new ReplayDivergenceError(
      `trace file '${input}' diverges from today's execution ${divergenceWhere(divergence)}${trace === null ? `: ${divergence.actual}` : ""}; 'streamsim replay ${input}' shows how, then re-record it`,
      divergence.step,
    );
  }
  assert(trace !== null, "replayInput gave no trace and no divergence");
  return trace;
}
