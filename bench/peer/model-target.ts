/**
 * The project's reference model (src/, PROTOCOL.md §1 in full: tabs as actors, heartbeats,
 * persistence) set to the benchmark's shape: one producer emitting `events - 1` tokens and
 * `stream_end`, one tab that may attach at any time (a0), no cancel, no append failures,
 * 10 s of virtual time.
 * Loaded at run time, so that the benchmark runs (without this table) when src/ is absent
 * or does not load.
 */
import type { Params, Scenario } from "../../sim/index.ts";
import type { Target } from "./tools.ts";

interface ModelModule {
  readonly protocolScenario: Scenario<Params>;
  readonly defaultParams: Params;
  readonly SCOPE_HORIZON_S: number;
}

export async function loadModelTarget(): Promise<Target | null> {
  const path = "../../src/index.ts";
  let mod: Partial<ModelModule>;
  try {
    mod = (await import(path)) as Partial<ModelModule>;
  } catch {
    return null;
  }
  const { protocolScenario, defaultParams, SCOPE_HORIZON_S } = mod;
  if (
    protocolScenario === undefined ||
    defaultParams === undefined ||
    SCOPE_HORIZON_S === undefined
  ) {
    return null;
  }
  return {
    label: "src/ protocol model",
    scenario: protocolScenario,
    params: (variant, race) => ({
      ...defaultParams,
      variant,
      // Tokens "a", "b", …: the model appends the terminal stream_end itself (ending ok).
      events: Array.from({ length: race.events - 1 }, (_, i) => String.fromCharCode(97 + i)).join(
        "/",
      ),
      producers: 1,
      tabs: "a0",
      cancel: false,
      ending: "ok",
      buffer_cap: race.cap,
      queue_cap: race.cap,
      append_failures: 0,
      // Up to two heartbeat periods, as the verdict table and boundedScope explore it: a
      // heartbeat may fire between any two steps, and with the one-hour horizon dpor meets
      // executions of hundreds of heartbeats (see src/cases.ts).
      horizon_s: SCOPE_HORIZON_S,
    }),
  };
}
