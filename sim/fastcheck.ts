import fc from "fast-check";

/**
 * Schedules for fast-check, read by the `choices` strategy: any array of naturals is a
 * valid schedule, and fast-check shrinks it toward fewer, smaller numbers, which means
 * fewer context switches. This is what fc.scheduler cannot do: it does not shrink the
 * order in which it ran things.
 */
export function choicesArbitrary(
  options: { readonly maxLength?: number; readonly maxValue?: number } = {},
): fc.Arbitrary<number[]> {
  return fc.array(fc.nat({ max: options.maxValue ?? 7 }), { maxLength: options.maxLength ?? 64 });
}
