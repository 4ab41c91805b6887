/**
 * Empties an array in place. Popping stays on V8's fast path for the short arrays of the
 * hot loop, where assigning `length = 0` is a runtime call that cost 10% of a step.
 */
export function emptyArray(array: unknown[]): void {
  if (array.length > 64) array.length = 0;
  else while (array.length > 0) array.pop();
}
