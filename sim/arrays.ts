/**
 * Empties an array in place. Popping stays on V8's fast path for the short arrays of the
 * hot loop, where assigning `length = 0` is a runtime call that cost 10% of a step.
 */
export function emptyArray(array: unknown[]): void {
  truncateArray(array, 0);
}

/** Shortens an array in place to at most `n` items (popping, for the same reason). */
export function truncateArray(array: unknown[], n: number): void {
  if (array.length - n > 64) array.length = n;
  else while (array.length > n) array.pop();
}

/**
 * Sets every item of an array to `value`, keeping its length: for arrays indexed by actor
 * id and reset every execution. Emptied instead, they were written past their end again
 * each execution, in no particular order (actor 1 may run before actor 0), and in V8 a
 * store that leaves a hole past the end is a runtime call, where one within the length
 * is a plain store.
 */
export function fillArray<T>(array: T[], value: T): void {
  for (let i = 0; i < array.length; i++) array[i] = value;
}

/**
 * Whether `array` holds `value`. A loop: a builtin call (includes, indexOf) costs more than
 * a scan of the few options or accesses of a step.
 */
export function holds(array: readonly number[], value: number): boolean {
  for (let i = 0; i < array.length; i++) if (array[i] === value) return true;
  return false;
}

/** Removes and returns the first item; null, without a builtin call, when there is none. */
export function shiftOrNull<T>(array: T[]): T | null {
  return array.length === 0 ? null : (array.shift() as T);
}
