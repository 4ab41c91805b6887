import {
  InputError,
  parseSeed,
  parseShard,
  SeedError,
  type Shard,
  ShardSyntaxError,
} from "../../sim/index.ts";

/**
 * Parsers for command-line values. Each turns bad input into an InputError whose one-line
 * message names the option, what was given, and what would be accepted.
 */

/** A command-line value that does not parse. */
export class OptionValueError extends InputError {
  override readonly name = "OptionValueError";
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000 };

/** Parses a wall-clock budget such as `500ms`, `30s` or `2m` into milliseconds. */
export function parseDuration_ms(option: string, raw: string): number {
  const m = DURATION.exec(raw.trim());
  if (m === null) {
    throw new OptionValueError(
      `${option} '${raw}' is not a duration; write a number with a unit: 500ms, 30s or 2m`,
    );
  }
  const ms = Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  // An hour is far beyond any sensible interactive run; a typo like 30m for 30s is likelier.
  if (ms <= 0 || ms > 3_600_000) {
    throw new OptionValueError(`${option} '${raw}' must be more than 0 and at most 60m`);
  }
  return ms;
}

/** Parses a whole number in [min, max]. */
export function parseWholeNumber(option: string, raw: string, min: number, max: number): number {
  const text = raw.trim();
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new OptionValueError(
      `${option} '${raw}' must be a whole number from ${min} to ${max.toLocaleString("en-US")}`,
    );
  }
  return n;
}

/**
 * Parses `--seed` by the engine's rule. The engine's message says "seed", as a caller of the
 * API passes one; on the command line the error names the option, as every other one does.
 */
export function parseSeedOption(raw: string): number {
  try {
    return parseSeed(raw);
  } catch (e) {
    if (!(e instanceof SeedError)) throw e;
    throw new OptionValueError(
      `--seed '${raw}' must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER.toLocaleString("en-US")}`,
    );
  }
}

/** Parses `--shard k/n` by the engine's rule, with an error that names the option. */
export function parseShardOption(raw: string): Shard {
  try {
    return parseShard(raw);
  } catch (e) {
    if (!(e instanceof ShardSyntaxError)) throw e;
    throw new OptionValueError(`--shard '${raw}' must be k/n with 1 <= k <= n, e.g. 2/4`);
  }
}
