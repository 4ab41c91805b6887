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
