import { describe, expect, it } from "vitest";
import { resolveCursor } from "./cursor.ts";
import { seqOfId } from "./frame.ts";

describe("cursor resolution (SSE handler step 1)", () => {
  it("takes after_seq first, then after_event_id, then Last-Event-ID", () => {
    expect(resolveCursor({ after_seq: 2, after_event_id: "run1:5" })).toBe(2);
    expect(resolveCursor({ after_event_id: "run1:5", last_event_id: "run1:7" })).toBe(5);
    expect(resolveCursor({ last_event_id: "run1:7" })).toBe(7);
  });

  it("treats an id of another run as no cursor at all", () => {
    expect(resolveCursor({ after_event_id: "run2:5" })).toBeNull();
    expect(resolveCursor({ last_event_id: "run10:1" })).toBeNull();
  });

  it("treats a missing or malformed cursor as no cursor", () => {
    expect(resolveCursor({})).toBeNull();
    expect(resolveCursor({ after_seq: -1 })).toBeNull();
    expect(resolveCursor({ after_event_id: "run1:x" })).toBeNull();
    expect(seqOfId("run1")).toBeNull();
    expect(seqOfId("run1:0")).toBe(0);
  });
});
