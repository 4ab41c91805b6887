import { ReplayDivergenceError } from "../errors.ts";
import { plural } from "../plural.ts";
import { formatDecision } from "../schedule.ts";
import type { Strategy } from "../strategy.ts";
import { type Decision, decisionKind, decisionSubject } from "../types.ts";

/**
 * Follows a recorded schedule exactly, once. A decision that does not fit (the named actor
 * is not runnable, a data choice where a step was recorded, a value out of range, or a
 * schedule that runs out early) throws ReplayDivergenceError naming the step: a replay
 * never diverges silently.
 */
export class ReplayStrategy implements Strategy {
  readonly name = "replay";
  private position = 0;
  private used = false;
  /** The step being run (-1 in the setup): where a data choice that departs from it is. */
  private step = -1;

  constructor(
    private readonly decisions: readonly Decision[],
    private readonly describeActor: (id: number) => string = (id) => `actor ${id}`,
  ) {}

  spent(): boolean {
    return this.used;
  }

  beginExecution(): boolean {
    if (this.used) return false;
    this.used = true;
    this.position = 0;
    this.step = -1;
    return true;
  }

  /** Decisions consumed so far. */
  get consumed(): number {
    return this.position;
  }

  pickStep(enabled: readonly Decision[], _current: number, step: number): number {
    this.step = step;
    const d = this.next(step, "a step");
    const kind = decisionKind(d);
    if (kind === 2) {
      throw new ReplayDivergenceError(
        `schedule diverges at step ${step}: it records a data choice (${formatDecision(d)}) but the execution asks which actor runs next`,
        step,
      );
    }
    const i = enabled.indexOf(d);
    if (i < 0) {
      const what = kind === 1 ? "fire the timer of" : "run";
      const runnable = enabled.map(formatDecision).join(", ");
      throw new ReplayDivergenceError(
        `schedule diverges at step ${step}: it says ${what} ${this.describeActor(decisionSubject(d))} (${formatDecision(d)}), which cannot run now; enabled: ${runnable}`,
        step,
      );
    }
    return i;
  }

  pickChoice(n: number, label: string): number {
    const d = this.next(this.step, `a data choice (${label})`);
    if (decisionKind(d) !== 2 || decisionSubject(d) >= n) {
      throw new ReplayDivergenceError(
        `schedule diverges at decision ${this.position - 1}: the execution asks for a data choice '${label}' in [0, ${n}) but the schedule records ${formatDecision(d)}`,
        this.step,
      );
    }
    return decisionSubject(d);
  }

  private next(step: number, what: string): Decision {
    const d = this.decisions[this.position];
    if (d === undefined) {
      throw new ReplayDivergenceError(
        `schedule ran out after ${plural(this.position, "decision")}, but the execution asks for ${what}${step >= 0 ? ` at step ${step}` : ""}`,
        step,
      );
    }
    this.position++;
    return d;
  }
}
