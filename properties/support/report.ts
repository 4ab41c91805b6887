import { describeOutcome, type ExecutionResult, formatSchedule } from "../../sim/index.ts";
import type { ProtocolParams } from "../../src/index.ts";

/** A failure report that ends with the command that replays it, ready to paste. */
export function reproduce(params: ProtocolParams, result: ExecutionResult): string {
  const schedule = formatSchedule({ scenario: "protocol", params, decisions: result.decisions });
  return `${describeOutcome(result.outcome)} (${result.steps} steps)\n  reproduce: npx streamsim replay '${schedule}'`;
}

export function breaks(result: ExecutionResult, invariant: string): boolean {
  return result.outcome.kind === "violation" && result.outcome.property === invariant;
}
