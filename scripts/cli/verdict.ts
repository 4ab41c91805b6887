import type { Outcome } from "../../sim/index.ts";

/**
 * What one variant does with one schedule (or one exploration), as a short stable string so
 * that corpus files and JSON output stay diffable:
 *   "pass"                       every execution completed and every check held;
 *   "violation: <invariant>"     the named invariant was broken;
 *   "deadlock" | "budget" | "horizon" | "crash"   the execution ended another bad way.
 */
export type Verdict = string;

export const PASS: Verdict = "pass";

export function verdictOf(outcome: Outcome): Verdict {
  switch (outcome.kind) {
    case "completed":
      return PASS;
    case "violation":
      return violationVerdict(outcome.property);
    // "abandoned" never reaches a verdict: only failures and replays have one, and neither
    // is an execution that a strategy ended early.
    default:
      return outcome.kind;
  }
}

export function violationVerdict(invariant: string): Verdict {
  return `violation: ${invariant}`;
}

/** The invariant a verdict names, or null for "pass" and non-violation failures. */
export function invariantOf(verdict: Verdict): string | null {
  return verdict.startsWith("violation: ") ? verdict.slice("violation: ".length) : null;
}

const OTHER_KINDS = new Set(["deadlock", "budget", "horizon", "crash"]);

/** True for a string that could have come from verdictOf (validates corpus files). */
export function isVerdict(value: unknown): value is Verdict {
  return (
    typeof value === "string" &&
    (value === PASS || OTHER_KINDS.has(value) || invariantOf(value)?.length !== undefined)
  );
}
