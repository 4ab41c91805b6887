/**
 * Typed errors. An `InputError` is the user's to fix (a bad schedule, trace, seed or
 * scenario name): the CLI prints its one-line message and exits with code 2. Anything else
 * that escapes the engine is a bug in streamsim or in a model, and is reported as such.
 */

export class StreamsimError extends Error {
  override readonly name: string = "StreamsimError";
}

/** Bad input from a user: one line that names the problem and the fix. */
export class InputError extends StreamsimError {
  override readonly name: string = "InputError";
}

export class ScheduleSyntaxError extends InputError {
  override readonly name = "ScheduleSyntaxError";
}

export class TraceFormatError extends InputError {
  override readonly name = "TraceFormatError";
}

/** A schedule, trace or corpus case written by another version of the format. */
export class SchemaVersionError extends InputError {
  override readonly name = "SchemaVersionError";
}

export class UnknownScenarioError extends InputError {
  override readonly name = "UnknownScenarioError";
}

export class ScenarioParamsError extends InputError {
  override readonly name = "ScenarioParamsError";
}

export class SeedError extends InputError {
  override readonly name = "SeedError";
}

/**
 * A recorded schedule that does not fit the execution it is replayed against: the named
 * actor is not runnable, or the schedule ran out while actors still had work. Replay never
 * diverges silently.
 */
export class ReplayDivergenceError extends InputError {
  override readonly name = "ReplayDivergenceError";
  constructor(
    message: string,
    readonly step: number,
  ) {
    super(message);
  }
}

/** A value given where a number was wanted: a string in quotes, so "10" is not read as 10. */
export function numberText(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/** A bad bound or shard given by a user. */
export class BoundError extends InputError {
  override readonly name = "BoundError";
}

/** Refuses a preemption bound that is not a whole number >= 0 (NaN bounded nothing). */
export function checkPreemptionBound(bound: number | undefined): void {
  if (bound !== undefined && !(Number.isInteger(bound) && bound >= 0)) {
    throw new BoundError(`preemption bound must be a whole number >= 0, got ${bound}`);
  }
}

/** A bad option given to an entry point of the library (explore, exploreSystematic, ...). */
export class OptionError extends InputError {
  override readonly name = "OptionError";
}

/**
 * Refuses a count or a time that is not a whole number >= 0 (Infinity allowed): NaN or a
 * negative count would otherwise run nothing and report no failure, a NaN step budget
 * lift the bound.
 */
export function checkAmount(name: string, value: number | undefined, whole: boolean): void {
  if (value === undefined || value === Number.POSITIVE_INFINITY) return;
  if (typeof value === "number" && value >= 0 && (!whole || Number.isInteger(value))) return;
  throw new OptionError(
    `${name} must be ${whole ? "a whole number" : "a number"} >= 0 (or Infinity), got ${String(value)}`,
  );
}

/**
 * The most values of one data choice that dpor and exhaustive take: they branch on every
 * value, each a whole subtree of executions (and dpor plans them all when the choice is
 * first made: choose(2^32) ran it out of memory).
 */
export const MAX_SYSTEMATIC_CHOICE = 65_536;

/** Refuses a data choice too wide for a search that branches on every value. */
export function checkSystematicChoice(strategy: string, n: number): void {
  if (n <= MAX_SYSTEMATIC_CHOICE) return;
  throw new OptionError(
    `choose(${n}): ${strategy} branches on every value of a data choice, at most 65,536; explore this scenario with random or pct, or choose from fewer values`,
  );
}

/**
 * A scenario that is not deterministic: the same decisions, replayed, led somewhere else (an
 * actor that ran could not, a choice had another range, the setup made other choices). The
 * model reads state the world does not track: a variable kept between executions,
 * `Date.now`, `Math.random`, real timers or I/O. The model's bug, not the engine's, and a
 * search that replays cannot go on past it.
 */
export class NondeterminismError extends StreamsimError {
  override readonly name = "NondeterminismError";
  constructor(what: string) {
    super(
      `${what}: the scenario is not deterministic (the same decisions led elsewhere; does the model read state the world does not track, kept between executions, Date.now, Math.random or I/O?)`,
    );
  }
}

/** Raised inside the engine when user model code misuses the world. */
export class ModelError extends StreamsimError {
  override readonly name = "ModelError";
}

/**
 * Whether an error thrown inside model code (a step, a wait predicate, a check) stops the
 * run instead of becoming the model's crash or violation: the user's bad input (a replay
 * that diverged inside `choose`), and nondeterminism, which no schedule would reproduce.
 */
export function stopsTheRun(e: unknown): boolean {
  return e instanceof InputError || e instanceof NondeterminismError;
}

/** A programmer error inside the engine: an assertion that must never fail. */
export class EngineAssertionError extends StreamsimError {
  override readonly name = "EngineAssertionError";
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new EngineAssertionError(message);
}

/** Validates a seed given by a user: a safe non-negative integer. */
export function parseSeed(raw: string | number): number {
  const n =
    typeof raw === "number" ? raw : /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new SeedError(
      `seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got ${JSON.stringify(raw)}`,
    );
  }
  return n;
}
