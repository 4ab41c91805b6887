import type { Scenario, World } from "../../sim/index.ts";
import { StreamChannel } from "../model/channel.ts";
import type { ModelContext } from "../model/context.ts";
import { RUN_ID, type RunEvent } from "../model/frame.ts";
import { RunJournal } from "../model/journal.ts";
import { cancelRequest, ticker, worker } from "../model/producer.ts";
import { browserTab, makeTabShared, network, persistence } from "../model/tab.ts";
import { registerChecks } from "../oracle/checks.ts";
import { TabRecord } from "../oracle/tab-record.ts";
import { variantByName } from "../variants.ts";
import {
  defaultParams,
  type ProtocolParams,
  parseProtocolParams,
  shapeOf,
  shrinkProtocolParams,
} from "./params.ts";

/**
 * The one scenario of the reference model: one run, its producers, a cancel request, and
 * 1–3 browser tabs with their SSE handlers, under the policies of the named variant.
 */
export const protocolScenario: Scenario<ProtocolParams> = {
  name: "protocol",
  summary:
    "one run's journal, stream channel, producers, SSE handlers and browser tabs (PROTOCOL.md), under a named variant",
  defaults: defaultParams,
  setup(world: World, params: ProtocolParams) {
    if (params.horizon_s !== undefined) world.limitTime(params.horizon_s * 1000);
    const policies = variantByName(params.variant).policies;
    const shape = shapeOf(params);
    const channel = new StreamChannel(world, {
      buffer_cap: params.buffer_cap,
      queue_cap: params.queue_cap,
    });
    const flags = { flagged: 0 };
    const ctx: ModelContext = {
      world,
      policies,
      journal: new RunJournal(world),
      streams: world.map("STREAMS"),
      side_channel: world.cell<string | null>("STREAM_LAST_EVENT_ID", null),
      cancelled: world.cell("cancel_event", false),
      channel,
      oracle: {
        tabs: shape.tabs.map((t) => new TabRecord(t.name, flags)),
        flags,
        live_producers: 1 + (params.producers > 1 ? 1 : 0) + (params.cancel ? 1 : 0),
        ended_at_ms: null,
      },
    };
    // The run is registered before anyone can look it up (setup runs outside any step).
    ctx.streams.set(RUN_ID, channel);

    const mine = (p: number): RunEvent[] =>
      shape.events.filter((_, i) => i % params.producers === p);
    // Made only when appends may fail: other scopes keep their objects (and schedules).
    const failures =
      params.append_failures > 0
        ? world.cell("append_failures.left", params.append_failures)
        : null;
    const tickerDone = world.cell("ticker.done", params.producers < 2);
    const terminal: RunEvent =
      params.ending === "ok" ? { event: "stream_end", data: "" } : { event: "apperror", data: "" };
    world.spawn(
      "worker",
      worker(ctx, mine(0), terminal, { failures, helpers_done: () => tickerDone.get() }),
      { label: "P0 cancel gate" },
    );
    if (params.producers > 1) {
      world.spawn(
        "ticker",
        ticker(ctx, mine(1), { failures, onDone: () => tickerDone.set(true) }),
        { label: "P0 cancel gate" },
      );
    }
    if (params.cancel) {
      world.spawn("cancel", cancelRequest(ctx), { label: "cancel: lookup" });
    }
    shape.tabs.forEach((plan, i) => {
      const record = ctx.oracle.tabs[i] as TabRecord;
      const shared = makeTabShared(ctx, plan.name);
      world.spawn(plan.name, browserTab(ctx, plan, record, shared), {
        label: plan.attach_after > 0 ? "open page" : "attach",
      });
      if (plan.actions.length > 0) {
        world.spawn(`net-${plan.name}`, network(ctx, plan, shared), { label: "net: start" });
      }
      if (plan.actions.includes("r")) {
        world.spawn(`persist-${plan.name}`, persistence(ctx, record, shared), {
          label: "persist: start",
          daemon: true,
        });
      }
    });
    registerChecks(world, ctx);
  },
  parseParams: (raw) => parseProtocolParams(raw),
  shrinkParams: (p) => shrinkProtocolParams(p),
  limits: { max_steps: 5_000 },
};
