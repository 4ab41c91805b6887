import { describe, expect, it } from "vitest";
import { defaultParams, shapeOf } from "../scenario/params.ts";
import { eventId, seqOfId } from "./frame.ts";

describe("event ids, made once and read back by lookup", () => {
  it("reads an id it made, and the same text made elsewhere, as the same seq", () => {
    for (const seq of [0, 1, 7, 1023, 1024, 5000]) {
      expect(eventId(seq)).toBe(`run1:${seq}`);
      expect(seqOfId(eventId(seq))).toBe(seq);
      expect(seqOfId(["run1", String(seq)].join(":"))).toBe(seq);
    }
  });

  it("still scopes a known id to its run", () => {
    const id = eventId(3);
    expect(seqOfId(id)).toBe(3);
    expect(seqOfId(id, "run2")).toBeNull();
    expect(seqOfId(id, "run1")).toBe(3);
  });
});

describe("the scenario shape, parsed once for a search's parameters", () => {
  it("is the same frozen shape for the same text, and a new one for other text", () => {
    const a = shapeOf({ ...defaultParams, events: "tool1/the", tabs: "a0d/a2" });
    const b = shapeOf({ ...defaultParams, events: "tool1/the", tabs: "a0d/a2" });
    expect(b).toBe(a);
    expect(Object.isFrozen(a.events[0])).toBe(true);
    expect(Object.isFrozen(a.tabs[0])).toBe(true);
    const c = shapeOf({ ...defaultParams, events: "tool1/the", tabs: "a0" });
    expect(c).not.toBe(a);
    expect(c.tabs.map((t) => t.name)).toEqual(["tab-1"]);
    const d = shapeOf({ ...defaultParams, events: "the", tabs: "a0" });
    expect(d.events).toEqual([{ event: "token", data: "the" }]);
  });
});
