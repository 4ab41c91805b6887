/**
 * Property-suite settings from the environment, with CI defaults that keep the whole suite
 * well under a minute on one core:
 *   STREAMSIM_RUNS  generated scenarios per property for `fixed` (default 400); the buggy
 *                   variants get up to 25x as many to find their first failure
 *   STREAMSIM_SEED  fast-check and PCT seed (default 1), printed with every failure
 */
function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new Error(`${name} must be a whole number >= 1, got '${raw}'`);
  }
  return n;
}

export const runs = positiveInt("STREAMSIM_RUNS", 400);
export const seed = positiveInt("STREAMSIM_SEED", 1);
/** Choice arrays for fast-check: long enough to switch actors through a whole execution. */
export const choicesOptions = { maxLength: 200, maxValue: 7 } as const;
