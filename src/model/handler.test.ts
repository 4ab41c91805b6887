import { describe, expect, it } from "vitest";
import { execute, World } from "../../sim/index.ts";
import { TabRecord } from "../oracle/tab-record.ts";
import { variantByName } from "../variants.ts";
import { StreamChannel } from "./channel.ts";
import type { ModelContext } from "./context.ts";
import { RUN_ID } from "./frame.ts";
import { RunJournal } from "./journal.ts";
import { browserTab, makeTabShared } from "./tab.ts";

function context(world: World): ModelContext {
  const channel = new StreamChannel(world, {
    buffer_cap: 8,
    queue_cap: 8,
  });
  const flags = { flagged: 0 };
  const ctx: ModelContext = {
    world,
    policies: variantByName("fixed").policies,
    journal: new RunJournal(world),
    streams: world.map("STREAMS"),
    side_channel: world.cell<string | null>("STREAM_LAST_EVENT_ID", null),
    cancelled: world.cell("cancel_event", false),
    channel,
    oracle: { tabs: [new TabRecord("tab-1", flags)], flags, live_producers: 1, ended_at_ms: null },
  };
  ctx.streams.set(RUN_ID, channel);
  return ctx;
}

describe("the gap check", () => {
  it("sends the recovery signal for a hole the journal cannot cover, and the tab reloads the settled transcript", () => {
    const world = new World({ pickChoice: () => 0 }, { tracing: true });
    const ctx = context(world);
    // A frame whose id the journal never reserved (a channel that outlived its journal).
    ctx.channel.publishA({ event: "token", data: "x", id: "run1:3", ref: null, horizon: 0 });
    const tab = ctx.oracle.tabs[0] as TabRecord;
    const shared = makeTabShared(ctx, "tab-1");
    const plan = { name: "tab-1", attach_after: 0, actions: [] };
    world.spawn("tab-1", browserTab(ctx, plan, tab, shared), { label: "attach" });
    const strategy = {
      name: "first",
      beginExecution: () => true,
      pickStep: () => 0,
      pickChoice: () => 0,
    };
    const result = execute(world, strategy, { max_steps: 12 });
    const notes = (result.trace ?? []).flatMap((s) => s.notes);
    expect(notes).toContain("journal cannot cover seq 1: recovery signal");
    expect(tab.recoveries).toBe(1);
    expect(tab.transcript).toEqual([]);
    expect(tab.violations.size).toBe(0);
  });
});
