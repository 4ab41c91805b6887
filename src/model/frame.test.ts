import { describe, expect, it } from "vitest";
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
