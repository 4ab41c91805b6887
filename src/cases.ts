import {
  choiceForIndex,
  type Decision,
  execute,
  pickByChoice,
  type Strategy,
  stepOf,
  timerOf,
  World,
} from "../sim/index.ts";
import { defaultParams, type ProtocolParams } from "./scenario/params.ts";
import { protocolScenario } from "./scenario/protocol.ts";
import { variantByName } from "./variants.ts";

/**
 * The bounded scope for exhaustive and DPOR checking: one producer with 3 events, two tabs
 * of which the second attaches late (after 2 rows) and the first reconnects with its cursor,
 * offline buffer cap 2. No cancel, no append failures: few steps per actor. Virtual time is
 * bounded to 10 s, two heartbeat periods: a heartbeat may fire between any two steps, and
 * with no bound on time each of those positions, repeated up to the one-hour horizon, is
 * another interleaving. Ten seconds let the liveness check fire and the no-endless-wait
 * check see two heartbeats after the run ends; an execution that would need a timer past
 * it ends as "horizon", which is a failure, so the bound cannot hide a stuck tab.
 */
/** Virtual time of a bounded scope: two heartbeat periods (see boundedScope). */
export const SCOPE_HORIZON_S = 10;

export function boundedScope(variant: string): ProtocolParams {
  variantByName(variant);
  return {
    ...defaultParams,
    variant,
    events: "tool1/the/the",
    producers: 1,
    tabs: "a0d/a2",
    cancel: false,
    ending: "ok",
    buffer_cap: 2,
    queue_cap: 8,
    append_failures: 0,
    horizon_s: SCOPE_HORIZON_S,
  };
}

/** A minimal interleaving of PROTOCOL.md §3, written as who takes each step. */
export interface CasePlan {
  readonly params: Partial<ProtocolParams>;
  /** Actor names, `name*k` for k steps in a row, `t:name` to fire the actor's timer. */
  readonly steps: readonly string[];
  readonly invariant: string;
}

const plans: Readonly<Record<string, CasePlan>> = {
  // tool(call-1) is journaled and buffered with no subscriber (P0+reserve, write, P2, P4 A);
  // the tab attaches with cursor 0: subscribe preloads it, the replay sends it, the drain
  // sends it again.
  round1: {
    params: { events: "tool1", tabs: "a0" },
    steps: ["worker*5", "tab-1", "sse-tab-1#1*7", "tab-1*2"],
    invariant: "exactly-once",
  },
  // The tab subscribes (no preload); the producer journals token("a") and publishes it into
  // Q; the replay reads the journal and sends it; the drain sends it again.
  round2: {
    params: { events: "a", tabs: "a0" },
    steps: ["tab-1", "sse-tab-1#1*3", "worker*6", "sse-tab-1#1*4", "tab-1*2"],
    invariant: "exactly-once",
  },
  // token("the") #1 is journaled and buffered; the tab subscribes without preload and the
  // replay sends #1; the genuine token("the") #2 arrives live, is taken for #1's copy and
  // dropped; the tab gets stream_end without it.
  "content-dedupe": {
    params: { events: "the/the", tabs: "a0" },
    steps: [
      "worker*5",
      "tab-1",
      "sse-tab-1#1*5",
      "worker*6",
      "sse-tab-1#1*2",
      "worker*6",
      "sse-tab-1#1*2",
      "tab-1*2",
    ],
    invariant: "no-silent-loss",
  },
  // The handler reads the (empty) journal; token("a") is published with no subscriber
  // (buffered); the handler subscribes without preload; stream_end arrives live; token("a")
  // is in neither.
  "snapshot-then-subscribe": {
    params: { events: "a", tabs: "a0" },
    steps: [
      "tab-1",
      "sse-tab-1#1*3",
      "worker*6",
      "sse-tab-1#1",
      "worker*7",
      "sse-tab-1#1*2",
      "tab-1",
    ],
    invariant: "no-silent-loss",
  },
  // 2-tuple frames: the channel never learns an id, the cutoff is empty; the buffered
  // tool(call-1) is preloaded and replayed, and the dedupe cannot skip the copy.
  "no-frame-ids": {
    params: { events: "tool1", tabs: "a0" },
    steps: ["worker*5", "tab-1", "sse-tab-1#1*7", "tab-1*2"],
    invariant: "exactly-once",
  },
  // tool(call-1) is journaled (latest id run1:1) and buffered; the tab attaches: cutoff
  // run1:1, the replay sends it, the drain skips its copy. A cancel is written straight into
  // the channel; popped, it borrows run1:1, is judged already delivered and skipped; the
  // worker sees the cancel and ends; the handler heartbeats forever.
  "borrowed-ids": {
    params: { events: "tool1", tabs: "a0", cancel: true },
    steps: [
      "worker*6",
      "tab-1",
      "sse-tab-1#1*7",
      "cancel*4",
      "sse-tab-1#1*2",
      "worker*2",
      "tab-1",
      "t:sse-tab-1#1*2",
    ],
    invariant: "no-endless-wait",
  },
  // Round 3 as asked: token("a") is journaled (P1 write) but the channel has not noted its
  // id yet (P3) when the tab subscribes, so the snapshot's cutoff is empty and the replay
  // has no bound; P3 and publish put it in Q; the replay sends it and the drain, with an
  // empty cutoff to dedupe against, sends it again.
  round3: {
    params: { events: "a", tabs: "a0" },
    steps: ["worker*3", "tab-1", "sse-tab-1#1*3", "worker*4", "sse-tab-1#1*4", "tab-1*2"],
    invariant: "exactly-once",
  },
};

/**
 * The minimal interleaving of PROTOCOL.md §3 for a buggy variant, as scenario params and
 * the `choices` numbers that replay it (runChoices), with the invariant it breaks; undefined
 * for a variant that passes.
 */
export function minimalCase(
  variant: string,
): { params: ProtocolParams; choices: number[]; invariant: string } | undefined {
  variantByName(variant);
  const plan = plans[variant];
  if (plan === undefined) return undefined;
  const { params, choices, invariant } = planCase(variant, plan);
  return { params, choices, invariant };
}

/**
 * Round 3's second bug, which needs two producers (no per-run producer lock): the worker
 * reserves seq 1, the ticker reserves seq 2 and writes it first; the replay reads the file in
 * write order and the tab renders token("b") run1:2 before token("a") run1:1.
 */
export const round3InOrderCase: CasePlan = {
  params: { events: "a/b", producers: 2, tabs: "a0" },
  steps: ["worker*2", "ticker*3", "worker", "tab-1", "sse-tab-1#1*5", "tab-1*2"],
  invariant: "in-order",
};

/** A case plan as scenario params and `choices` numbers for `variant`. */
export function planCase(
  variant: string,
  plan: CasePlan,
): { params: ProtocolParams; choices: number[]; invariant: string; steps: number } {
  const params: ProtocolParams = { ...defaultParams, tabs: "a0", ...plan.params, variant };
  return {
    params,
    choices: choicesFor(params, plan.steps),
    invariant: plan.invariant,
    steps: expand(plan.steps).length,
  };
}

/**
 * The scenario of a buggy variant's minimal case (its shape, without running the plan), or
 * undefined for a variant that passes. Cheap, and valid even after the variant's policies
 * changed so that the plan's interleaving no longer fits it.
 */
export function minimalCaseParams(variant: string): ProtocolParams | undefined {
  // An unknown name is refused, as minimalCase refuses it: undefined means "it passes".
  variantByName(variant);
  const plan = plans[variant];
  return plan === undefined ? undefined : { ...defaultParams, tabs: "a0", ...plan.params, variant };
}

/** The number of steps a case plan names (the interleaving's length). */
export function minimalCaseSteps(variant: string): number | undefined {
  variantByName(variant);
  const plan = plans[variant];
  return plan === undefined ? undefined : expand(plan.steps).length;
}

function expand(steps: readonly string[]): string[] {
  return steps.flatMap((s) => {
    const m = /^(.*)\*(\d+)$/.exec(s);
    return m === null ? [s] : Array<string>(Number(m[2])).fill(m[1] as string);
  });
}

/** Runs the plan once and records the `choices` number of every decision it takes. */
function choicesFor(params: ProtocolParams, steps: readonly string[]): number[] {
  const plan = expand(steps);
  const numbers: number[] = [];
  let position = 0;
  let world: World | null = null;
  const strategy: Strategy = {
    name: "minimal-case",
    beginExecution: () => true,
    pickStep(enabled: readonly Decision[], current: number): number {
      let index: number;
      if (position < plan.length) {
        const entry = plan[position++] as string;
        const timer = entry.startsWith("t:");
        const name = timer ? entry.slice(2) : entry;
        const id = (world as World).actors.findIndex((a) => a.name === name);
        index = enabled.indexOf(timer ? timerOf(id) : stepOf(id));
        if (index < 0) {
          throw new Error(`minimal case: '${entry}' cannot run at step ${position - 1}`);
        }
      } else {
        index = pickByChoice(enabled, current, 0);
      }
      numbers.push(choiceForIndex(enabled, current, index));
      return index;
    },
    pickChoice(): number {
      numbers.push(0);
      return 0;
    },
  };
  world = new World(strategy, { tracing: false });
  protocolScenario.setup(world, params);
  execute(world, strategy, protocolScenario.limits);
  while (numbers.length > 0 && numbers[numbers.length - 1] === 0) numbers.pop();
  return numbers;
}
