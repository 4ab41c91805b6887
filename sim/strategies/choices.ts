import { OptionError } from "../errors.ts";
import type { Strategy } from "../strategy.ts";
import { type Decision, stepOf } from "../types.ts";

/**
 * Decisions from a plain array of numbers, read leniently, so that every array is a valid
 * schedule and fast-check can generate schedules as `fc.array(fc.nat())` and shrink them:
 * - 0 keeps running the current actor if it can run (otherwise the first enabled option);
 * - k > 0 switches to the k-th other enabled option, modulo their count;
 * - a data choice over n values takes the next number modulo n;
 * - when the array runs out, every decision is 0.
 * Smaller and shorter arrays therefore mean fewer context switches: shrinking the array
 * shrinks the interleaving toward the one with the fewest preemptions.
 */
export class ChoicesStrategy implements Strategy {
  readonly name = "choices";
  private position = 0;
  private used = false;

  constructor(private readonly numbers: readonly number[]) {
    // Every array of whole numbers >= 0 is a schedule; -1 or 1.5 made World.choose blame
    // the model (the actor "crashed": strategy chose -1 outside [0, 3)): API audit.
    const i = numbers.findIndex((k) => !(Number.isSafeInteger(k) && k >= 0));
    if (i >= 0) {
      throw new OptionError(
        `choices must be whole numbers >= 0 (as fc.nat() makes them), got ${String(numbers[i])} at index ${i}`,
      );
    }
  }

  spent(): boolean {
    return this.used;
  }

  beginExecution(): boolean {
    if (this.used) return false;
    this.used = true;
    this.position = 0;
    return true;
  }

  pickStep(enabled: readonly Decision[], current: number): number {
    return pickByChoice(enabled, current, this.next());
  }

  pickChoice(n: number): number {
    return this.next() % n;
  }

  private next(): number {
    const k = this.position < this.numbers.length ? (this.numbers[this.position] as number) : 0;
    this.position++;
    return k;
  }
}

/** Applies one `choices` number to the enabled options; returns the index picked. */
export function pickByChoice(enabled: readonly Decision[], current: number, k: number): number {
  const keep = current >= 0 ? enabled.indexOf(stepOf(current)) : -1;
  if (k === 0) return Math.max(keep, 0);
  const others = keep >= 0 ? enabled.length - 1 : enabled.length;
  if (others === 0) return keep;
  const j = (k - 1) % others;
  // The j-th option skipping `keep`.
  return keep >= 0 && j >= keep ? j + 1 : j;
}

/** The `choices` number that makes pickByChoice pick index `index`. */
export function choiceForIndex(
  enabled: readonly Decision[],
  current: number,
  index: number,
): number {
  const keep = current >= 0 ? enabled.indexOf(stepOf(current)) : -1;
  if (index === keep || (keep < 0 && index === 0)) return 0;
  return keep >= 0 && index > keep ? index : index + 1;
}
