import { describe, expect, it } from "vitest";
import { handTrace } from "./fixtures/hand-trace.ts";
import { replayWindowScenario, replayWindowTrace } from "./fixtures/replay-window.ts";
import { replayInsight } from "./insight.ts";
import { layoutFromTrace, objectStatesAt } from "./layout.ts";

describe("layoutFromTrace on the replay-window counterexample", () => {
  const trace = replayWindowTrace();
  const layout = layoutFromTrace(trace, replayInsight(replayWindowScenario, trace));

  it("gives one lane per actor, producers then handlers then tabs", () => {
    expect(layout.lanes.map((l) => [l.name, l.kind, l.column])).toEqual([
      ["producer-worker", "producer", 0],
      ["handler-1", "handler", 1],
      ["tab-1", "tab", 2],
    ]);
    expect(layout.lanes.map((l) => l.steps)).toEqual([6, 6, 3]);
  });

  it("puts one box per step in its actor's lane, with the step's label", () => {
    expect(layout.boxes).toHaveLength(trace.steps.length);
    for (const [i, box] of layout.boxes.entries()) {
      const step = trace.steps[i];
      const lane = layout.lanes.find((l) => l.column === box.column);
      expect(box.step).toBe(i);
      expect(lane?.name).toBe(step?.name);
      expect(box.label).toBe(step?.label);
    }
  });

  it("draws each rendered frame from the send that carried it, and in-flight sends dangling", () => {
    const arrows = layout.arrows.map((a) => [a.frame, a.event, a.from, a.to, a.tone, a.via]);
    expect(arrows).toEqual([
      ["run:1", "token", 3, 13, "ok", "replay"],
      ["run:1", "token", 9, 14, "violation", "live"],
      ["run:2", "token", 10, null, "ok", "live"],
      ["run:3", "stream_end", 11, null, "ok", "live"],
    ]);
    const red = layout.arrows.find((a) => a.tone === "violation");
    expect([red?.from_column, red?.to_column]).toEqual([1, 2]);
  });

  it("names the red frame, its invariant and the earlier delivery it duplicates", () => {
    expect(layout.violation).toEqual({
      property: "exactly once per tab",
      message: "tab-1 rendered run:1 twice",
      step: 14,
      frame: { id: "run:1", event: "token", tab: "tab-1", step: 14 },
      duplicate_of: 13,
      lost_row: null,
    });
    const marks = layout.marks.filter((m) => m.kind === "violation");
    expect(marks).toHaveLength(1);
    expect(marks[0]?.step).toBe(14);
    expect(marks[0]?.link).toBe(13);
    expect(marks[0]?.text).toContain("exactly once per tab");
  });

  it("marks the engine's preemptions exactly when a replay is given", () => {
    const pre = layout.marks.filter((m) => m.kind === "preemption");
    expect(layout.preemption_rule).toBe("exact");
    expect(pre.map((m) => m.step)).toEqual([1]);
    expect(pre).toHaveLength(trace.preemptions);
    expect(pre[0]?.preempted).toBe("producer-worker");
    // The producer resumes at step 4, publishing run:1 into the queue it just subscribed.
    expect(pre[0]?.link).toBe(4);
  });

  it("reconstructs every object's state after each step by folding `after` forward", () => {
    const last = trace.steps.length - 1;
    expect(objectStatesAt(trace, layout, last)).toEqual(trace.final_state);
    expect(objectStatesAt(trace, layout, -1)).toEqual(layout.initial_state);
    expect(objectStatesAt(trace, layout, 0).journal).toEqual([
      { seq: 1, id: "run:1", event: "token" },
    ]);
    expect(objectStatesAt(trace, layout, 3)["wire:tab-1"]).toEqual([
      { seq: 1, id: "run:1", event: "token" },
    ]);
    expect(objectStatesAt(trace, layout, 4)["queue:handler-1"]).toEqual([
      { seq: 1, id: "run:1", event: "token" },
    ]);
  });
});

describe("layoutFromTrace lanes", () => {
  it("classifies lanes by what the actor's notes show, then by its name", () => {
    const trace = handTrace({
      actors: ["misc", "persist-tab-1", "tab-1", "sse-tab-1#2", "ticker", "x", "net-tab-1", "y"],
      steps: [
        { actor: "misc" },
        { actor: "persist-tab-1" },
        { actor: "tab-1" },
        { actor: "sse-tab-1#2" },
        { actor: "ticker" },
        { actor: "x", notes: ["render frame=run:1 event=token"] },
        { actor: "net-tab-1" },
        { actor: "y", notes: ["send frame=run:1 event=token to=x"] },
      ],
    });
    const lanes = layoutFromTrace(trace).lanes.map((l) => [l.name, l.kind]);
    expect(lanes).toEqual([
      ["ticker", "producer"],
      ["sse-tab-1#2", "handler"],
      ["y", "handler"],
      ["tab-1", "tab"],
      ["x", "tab"],
      ["persist-tab-1", "timer"],
      ["misc", "other"],
      ["net-tab-1", "other"],
    ]);
  });

  it("tells, for a deadlock, what each blocked actor waits on", () => {
    const trace = handTrace({
      steps: [{ actor: "tab-1", label: "attach" }],
      outcome: {
        kind: "deadlock",
        steps: 1,
        blocked: [{ actor: "tab-1", label: "render", on: "wire:tab-1" }],
      },
    });
    expect(layoutFromTrace(trace).lanes[0]?.blocked).toBe("waits at 'render' on wire:tab-1");
  });

  it("groups runs of consecutive steps of one actor for collapsing", () => {
    const steps = ["a", "a", "a", "b", "a", "b", "b", "b", "b"].map((actor) => ({ actor }));
    const layout = layoutFromTrace(handTrace({ steps }));
    expect(layout.runs.map((r) => [r.first, r.last])).toEqual([
      [0, 2],
      [5, 8],
    ]);
    expect(layout.boxes.map((b) => b.run)).toEqual([0, 0, 0, -1, -1, 1, 1, 1, 1]);
    const longer = layoutFromTrace(handTrace({ steps }), { collapse_min_steps: 4 });
    expect(longer.runs.map((r) => [r.first, r.last])).toEqual([[5, 8]]);
  });
});

describe("layoutFromTrace frames", () => {
  it("pairs sends and renders by tab, frame and event, first in first out", () => {
    const trace = handTrace({
      steps: [
        { actor: "h1", notes: ["send frame=r:1 event=token to=tab-a"] },
        { actor: "h1", notes: ["send frame=r:1 event=token to=tab-b"] },
        { actor: "h1", notes: ["send frame=- event=heartbeat to=tab-a"] },
        { actor: "tab-b", notes: ["render frame=r:1 event=token"] },
        { actor: "tab-a", notes: ["render frame=- event=heartbeat"] },
        { actor: "tab-a", notes: ["render frame=r:1 event=token"] },
        { actor: "tab-a", notes: ["render frame=r:9 event=token"] },
      ],
    });
    const arrows = layoutFromTrace(trace).arrows.map((a) => [a.from, a.to]);
    expect(arrows).toEqual([
      [0, 5],
      [1, 3],
      [2, 4],
      [null, 6],
    ]);
  });

  it("marks a repeated render of one frame id as a duplicate, but never frames without id", () => {
    const trace = handTrace({
      steps: [
        { actor: "tab", notes: ["render frame=- event=token", "render frame=r:1 event=token"] },
        { actor: "tab", notes: ["render frame=- event=token"] },
        { actor: "other-tab", notes: ["render frame=r:1 event=token"] },
        { actor: "tab", notes: ["render frame=r:1 event=token"] },
      ],
    });
    const layout = layoutFromTrace(trace);
    expect(layout.violation).toBeNull();
    const dups = layout.marks.filter((m) => m.kind === "duplicate");
    expect(dups.map((m) => [m.step, m.link])).toEqual([[3, 0]]);
    expect(layout.arrows.filter((a) => a.tone === "duplicate").map((a) => a.to)).toEqual([3]);
  });

  it("links a loss to the journal row that a tab never rendered", () => {
    const trace = handTrace({
      steps: [
        { actor: "worker", notes: ["journal frame=r:1 event=token seq=1"] },
        { actor: "worker", notes: ["journal frame=r:2 event=token seq=2"] },
        { actor: "h", notes: ["send frame=r:1 event=token to=tab"] },
        { actor: "tab", notes: ["render frame=r:1 event=token"] },
      ],
      outcome: {
        kind: "violation",
        property: "no silent loss",
        message: "tab never rendered r:2",
        steps: 4,
      },
    });
    const layout = layoutFromTrace(trace);
    expect(layout.violation?.lost_row).toEqual({ id: "r:2", event: "token", tab: "tab", step: 1 });
    expect(layout.violation?.frame).toBeNull();
    expect(layout.marks.map((m) => [m.step, m.kind])).toEqual([
      [1, "lost"],
      [3, "violation"],
    ]);
  });

  it("makes the render on the failing step red when the invariant is not about duplicates", () => {
    const trace = handTrace({
      steps: [
        { actor: "tab", notes: ["render frame=r:2 event=token"] },
        { actor: "tab", notes: ["render frame=r:1 event=token"] },
      ],
      outcome: { kind: "violation", property: "in order", message: "r:1 after r:2", steps: 2 },
    });
    const layout = layoutFromTrace(trace);
    expect(layout.violation?.frame).toEqual({ id: "r:1", event: "token", tab: "tab", step: 1 });
    expect(layout.arrows.map((a) => a.tone)).toEqual(["ok", "violation"]);
  });

  it("marks the failing step itself when no frame can be named", () => {
    const trace = handTrace({
      steps: [{ actor: "a" }, { actor: "b" }],
      outcome: { kind: "violation", property: "journal", message: "seq 2 twice", steps: 2 },
    });
    const layout = layoutFromTrace(trace);
    expect(layout.violation?.frame).toBeNull();
    expect(layout.marks.filter((m) => m.kind === "violation").map((m) => m.step)).toEqual([1]);
  });

  it("shows skipped frames and keeps going past a malformed note, with a warning", () => {
    const trace = handTrace({
      steps: [
        { actor: "h", notes: ['skip frame=r:1 event=cancel reason="already delivered"'] },
        { actor: "h", notes: ["send frame=r:1 to=tab", "plain words are fine"] },
      ],
    });
    const layout = layoutFromTrace(trace);
    expect(layout.marks.map((m) => [m.step, m.kind, m.text])).toEqual([
      [0, "skip", "skips cancel r:1 (already delivered)"],
    ]);
    expect(layout.warnings).toEqual([
      `step 1: report note "send frame=r:1 to=tab": 'send' needs event=`,
    ]);
  });
});

describe("layoutFromTrace object states", () => {
  it("adds objects made during the run and never written to a replay's setup snapshot", () => {
    const trace = handTrace({
      objects: ["journal", "conn.broken"],
      steps: [{ actor: "a", after: { journal: [1] } }],
      final_state: { "conn.broken": false },
    });
    const layout = layoutFromTrace(trace, { initial_state: { journal: [] } });
    expect(layout.initial_state).toEqual({ journal: [], "conn.broken": false });
  });

  it("knows never-written objects throughout and the others only from their first write", () => {
    const trace = handTrace({
      objects: ["journal", "streams"],
      steps: [{ actor: "a" }, { actor: "a", after: { journal: [1] } }],
      final_state: { streams: { run: true } },
    });
    const layout = layoutFromTrace(trace);
    expect(objectStatesAt(trace, layout, 0)).toEqual({ streams: { run: true } });
    expect(objectStatesAt(trace, layout, 1)).toEqual({ streams: { run: true }, journal: [1] });
  });
});
