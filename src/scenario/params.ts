import { ScenarioParamsError } from "../../sim/index.ts";
import type { RunEvent } from "../model/frame.ts";
import type { TabAction, TabPlan } from "../model/tab.ts";
import { variantByName } from "../variants.ts";

/**
 * The protocol scenario's parameters, compact enough to read in a schedule:
 *
 *   variant=round1,events=tool1/the/the,producers=1,tabs=a0/a2d,cancel=false,ending=ok,
 *   buffer_cap=8,queue_cap=8,append_failures=0
 *
 * - `events`: 1–8 events joined by `/`: `toolN` is tool(call-N), any other lower-case word
 *   w is token("w") (repeat a word for identical payloads);
 * - `producers`: 1 (the worker) or 2 (worker and ticker, events dealt alternately);
 * - `tabs`: 1–3 tabs joined by `/`, each `a<N>` (attach once N rows are journaled) followed by
 *   up to 3 actions: `d` transport error, `n` reconnect without cursor, `r` reload;
 * - `cancel`: a cancel request races the run; `ending`: `ok` (stream_end) or `error` (apperror);
 * - caps of the offline buffer and of each subscriber queue (1–8192, drop oldest);
 * - `append_failures`: how many journal appends may fail (each a data choice);
 * - `horizon_s` (optional, absent by default): virtual seconds the execution may last. Steps
 *   take no virtual time but a heartbeat may fire between any two of them, so without a
 *   bound on time the number of interleavings has no useful bound; a systematic search of
 *   a bounded scope sets it (see boundedScope). Absent, the engine's one-hour horizon holds.
 */
export type ProtocolParams = {
  readonly variant: string;
  readonly events: string;
  readonly producers: number;
  readonly tabs: string;
  readonly cancel: boolean;
  readonly ending: string;
  readonly buffer_cap: number;
  readonly queue_cap: number;
  readonly append_failures: number;
  readonly horizon_s?: number;
};

export const defaultParams: ProtocolParams = {
  variant: "fixed",
  events: "tool1/the/the",
  producers: 1,
  tabs: "a0/a1d",
  cancel: false,
  ending: "ok",
  buffer_cap: 8,
  queue_cap: 8,
  append_failures: 0,
};

export const limits = {
  max_events: 8,
  max_tabs: 3,
  max_actions: 3,
  max_attach_after: 9,
  max_cap: 8192,
  max_append_failures: 3,
  max_horizon_s: 3_600,
} as const;

/** The scenario shape that the parameters describe. */
export interface Shape {
  readonly events: readonly RunEvent[];
  readonly tabs: readonly TabPlan[];
}

const EVENT = /^[a-z][a-z0-9]*$/;
const TAB = /^a(\d)([dnr]*)$/;

export function parseEvents(text: string): RunEvent[] {
  const words = text.split("/");
  if (words.length < 1 || words.length > limits.max_events || words.some((w) => !EVENT.test(w))) {
    throw new ScenarioParamsError(
      `protocol: events must be 1 to ${limits.max_events} lower-case words joined by '/' (toolN or a token word), got '${text}'`,
    );
  }
  return words.map((w) => {
    const tool = /^tool(\d+)$/.exec(w);
    return tool === null ? { event: "token", data: w } : { event: "tool", data: `call-${tool[1]}` };
  });
}

export function parseTabs(text: string): TabPlan[] {
  const specs = text.split("/");
  const plans = specs.map((spec, i) => {
    const m = TAB.exec(spec);
    if (m === null || (m[2] as string).length > limits.max_actions) {
      throw new ScenarioParamsError(
        `protocol: tab '${spec}' must be a<N> (attach after N rows) then up to ${limits.max_actions} of d, n, r`,
      );
    }
    return {
      name: `tab-${i + 1}`,
      attach_after: Number(m[1]),
      actions: [...(m[2] as string)] as TabAction[],
    };
  });
  if (plans.length > limits.max_tabs) {
    throw new ScenarioParamsError(`protocol: at most ${limits.max_tabs} tabs, got ${plans.length}`);
  }
  return plans;
}

/**
 * The last shape made, for its text: a search sets up every execution from the same
 * parameters (parsing them each time took ~1% of dpor's time on boundedScope("fixed")).
 * Its events and tabs are frozen, as every execution shares them; its arrays are not (they
 * are readonly to the type checker), as V8's filter on a frozen array took 1.6% of the time.
 */
let lastShape: { readonly events: string; readonly tabs: string; readonly shape: Shape } | null =
  null;

export function shapeOf(params: ProtocolParams): Shape {
  const last = lastShape;
  if (last !== null && last.events === params.events && last.tabs === params.tabs) {
    return last.shape;
  }
  const shape: Shape = {
    events: parseEvents(params.events).map((e) => Object.freeze(e)),
    tabs: parseTabs(params.tabs).map((t) => Object.freeze(t)),
  };
  lastShape = { events: params.events, tabs: params.tabs, shape };
  return shape;
}

function intIn(key: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ScenarioParamsError(
      `protocol: ${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Validates merged parameters; every problem is a one-line ScenarioParamsError. */
export function parseProtocolParams(raw: Record<string, unknown>): ProtocolParams {
  for (const key of Object.keys(raw)) {
    if (!(key in defaultParams) && key !== "horizon_s") {
      throw new ScenarioParamsError(
        `protocol has no parameter '${key}' (parameters: ${[...Object.keys(defaultParams), "horizon_s"].join(", ")})`,
      );
    }
  }
  const text = (key: string): string => {
    const v = raw[key];
    if (typeof v !== "string") {
      throw new ScenarioParamsError(`protocol: ${key} must be a word, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const variant = text("variant");
  try {
    variantByName(variant);
  } catch (e) {
    throw new ScenarioParamsError(`protocol: ${(e as Error).message}`);
  }
  const ending = text("ending");
  if (ending !== "ok" && ending !== "error") {
    throw new ScenarioParamsError(`protocol: ending must be ok or error, got '${ending}'`);
  }
  if (typeof raw.cancel !== "boolean") {
    throw new ScenarioParamsError(
      `protocol: cancel must be true or false, got ${JSON.stringify(raw.cancel)}`,
    );
  }
  const params: ProtocolParams = {
    variant,
    events: text("events"),
    producers: intIn("producers", raw.producers, 1, 2),
    tabs: text("tabs"),
    cancel: raw.cancel,
    ending,
    buffer_cap: intIn("buffer_cap", raw.buffer_cap, 1, limits.max_cap),
    queue_cap: intIn("queue_cap", raw.queue_cap, 1, limits.max_cap),
    append_failures: intIn("append_failures", raw.append_failures, 0, limits.max_append_failures),
    ...(raw.horizon_s === undefined
      ? {}
      : { horizon_s: intIn("horizon_s", raw.horizon_s, 1, limits.max_horizon_s) }),
  };
  shapeOf(params);
  return params;
}

/**
 * Smaller scenarios, simplest first: one producer, no cancel, no append failures, fewer tabs,
 * fewer actions, earlier attaches, fewer events, roomier caps, the plain ending.
 */
export function* shrinkProtocolParams(p: ProtocolParams): Generator<ProtocolParams> {
  if (p.producers > 1) yield { ...p, producers: 1 };
  if (p.cancel) yield { ...p, cancel: false };
  if (p.append_failures > 0) yield { ...p, append_failures: 0 };
  const tabs = p.tabs.split("/");
  if (tabs.length > 1) {
    for (let i = 0; i < tabs.length; i++) {
      yield { ...p, tabs: tabs.filter((_, j) => j !== i).join("/") };
    }
  }
  for (let i = 0; i < tabs.length; i++) {
    const t = tabs[i] as string;
    const m = TAB.exec(t);
    if (m === null) continue;
    const actions = m[2] as string;
    for (let a = 0; a < actions.length; a++) {
      const next = [...tabs];
      next[i] = `a${m[1]}${actions.slice(0, a)}${actions.slice(a + 1)}`;
      yield { ...p, tabs: next.join("/") };
    }
    const after = Number(m[1]);
    if (after > 0) {
      const next = [...tabs];
      next[i] = `a${after - 1}${actions}`;
      yield { ...p, tabs: next.join("/") };
    }
  }
  const events = p.events.split("/");
  if (events.length > 1) {
    for (let i = 0; i < events.length; i++) {
      yield { ...p, events: events.filter((_, j) => j !== i).join("/") };
    }
  }
  if (p.buffer_cap < 8) yield { ...p, buffer_cap: 8 };
  if (p.queue_cap < 8) yield { ...p, queue_cap: 8 };
  if (p.ending !== "ok") yield { ...p, ending: "ok" };
}
