import { describe, expect, it } from "vitest";
import type { Frame } from "../model/frame.ts";
import { TabRecord } from "./tab-record.ts";

const token = (seq: number, data = "the"): Frame => ({
  event: "token",
  data,
  id: `run1:${seq}`,
  ref: seq,
  horizon: seq - 1,
});
const end = (seq: number): Frame => ({
  event: "stream_end",
  data: "",
  id: `run1:${seq}`,
  ref: seq,
  horizon: seq - 1,
});
const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ seq: i + 1, event: "token", data: "the" }));

describe("what a tab's oracle record decides as frames are rendered", () => {
  it("flags a journaled event rendered twice, naming tab, event and what happened", () => {
    const flags = { flagged: 0 };
    const t = new TabRecord("tab-2", flags);
    t.render(token(1), "run1:1");
    expect(flags.flagged).toBe(0);
    t.render(token(1), null);
    expect(t.violations.get("exactly-once")).toBe('tab-2 rendered run1:1 token("the") twice');
    // The shared count (the per-step checks skip the tabs while it is zero): once per
    // invariant, as only the first violation of each is kept.
    expect(flags.flagged).toBe(1);
    t.render(token(1), null);
    expect(flags.flagged).toBe(1);
  });

  it("flags events rendered out of seq order", () => {
    const t = new TabRecord("tab-1", { flagged: 0 });
    t.render(token(2, "b"), null);
    t.render(token(1, "a"), null);
    expect(t.violations.get("in-order")).toBe('tab-1 rendered run1:1 token("a") after run1:2');
  });

  it("flags a cursor that passes a frame the tab has not rendered", () => {
    const t = new TabRecord("tab-1", { flagged: 0 });
    t.render(token(1), "run1:2");
    expect(t.violations.get("cursor")).toBe(
      `tab-1's cursor moved to run1:2 with run1:1 token("the"), but it has not rendered run1:2`,
    );
    const other = new TabRecord("tab-3", { flagged: 0 });
    other.render(token(1), "run2:1");
    expect(other.violations.get("cursor")).toMatch(/not an id of this run/);
  });

  it("flags anything rendered after the terminal", () => {
    const t = new TabRecord("tab-1", { flagged: 0 });
    t.render(end(1), "run1:1");
    t.render(token(2), "run1:2");
    expect(t.violations.get("one-terminal-last")).toBe(
      'tab-1 rendered run1:2 token("the") after its terminal',
    );
  });

  it("flags a journaled event missing when the terminal arrives, but not one after it", () => {
    const lossy = new TabRecord("tab-1", { flagged: 0 });
    lossy.render(token(1), "run1:1");
    lossy.finishWithTerminal(end(3), rows(4));
    expect(lossy.violations.get("no-silent-loss")).toBe(
      'tab-1 never rendered run1:2 token("the") before its terminal stream_end',
    );
    const whole = new TabRecord("tab-2", { flagged: 0 });
    whole.render(token(1), "run1:1");
    whole.finishWithTerminal(end(2), rows(3));
    expect(whole.violations.size).toBe(0);
  });

  it("flags a tab whose handler heartbeats twice after the run ended", () => {
    const t = new TabRecord("tab-1", { flagged: 0 });
    t.heartbeatAfterRunEnd(5_000);
    expect(t.violations.size).toBe(0);
    t.heartbeatAfterRunEnd(10_000);
    expect(t.violations.get("no-endless-wait")).toMatch(/^tab-1 still waits for a terminal 10 s/);
  });

  it("restores a page from persisted state, and flags a cursor without its text", () => {
    const t = new TabRecord("tab-1", { flagged: 0 });
    t.render(token(1), "run1:1");
    t.persist();
    t.render(token(2), "run1:2");
    t.resetPage(t.persisted.transcript, t.persisted.cursor);
    expect(t.transcript.map((r) => r.ref)).toEqual([1]);
    expect(t.cursor).toBe("run1:1");
    t.render(token(2), "run1:2");
    expect(t.violations.size).toBe(0);
    t.resetPage([], "run1:2");
    expect(t.violations.get("cursor")).toBe(
      "tab-1 restored cursor run1:2 without the text of run1:2",
    );
  });
});
