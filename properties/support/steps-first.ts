import { type Decision, decisionKind, type Strategy } from "../../sim/index.ts";

/**
 * Runs a strategy with discrete-event time: timers are offered only when no actor can take a
 * step, so virtual time moves only once every actor is blocked (tokio's auto-advance). PCT
 * needs this here: the engine offers a waiter's timer as an option like any step, and a
 * high-priority SSE handler would otherwise fire heartbeats for an hour of virtual time while
 * a low-priority producer that could run never does (the executions end at the time horizon
 * or step budget, which count as failures). The `choices` strategy keeps exploring timers
 * that race with steps.
 */
export function stepsFirst(inner: Strategy): Strategy {
  const filtered: Decision[] = [];
  const indexOf: number[] = [];
  return {
    name: inner.name,
    beginExecution: (index) => inner.beginExecution(index),
    pickStep(enabled, current, step) {
      filtered.length = 0;
      indexOf.length = 0;
      for (let i = 0; i < enabled.length; i++) {
        if (decisionKind(enabled[i] as Decision) === 0) {
          filtered.push(enabled[i] as Decision);
          indexOf.push(i);
        }
      }
      if (filtered.length === 0) return inner.pickStep(enabled, current, step);
      return indexOf[inner.pickStep(filtered, current, step)] as number;
    },
    pickChoice: (n, label) => inner.pickChoice(n, label),
    ...(inner.onStep === undefined ? {} : { onStep: inner.onStep.bind(inner) }),
    ...(inner.endExecution === undefined ? {} : { endExecution: inner.endExecution.bind(inner) }),
    describe: () => `${inner.describe?.() ?? inner.name}; timers only when every actor is blocked`,
  };
}
