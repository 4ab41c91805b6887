import { describe, expect, it } from "vitest";
import { World } from "../../sim/index.ts";
import { StreamChannel } from "./channel.ts";
import type { Frame } from "./frame.ts";

function channel(options: { buffer_cap?: number; queue_cap?: number } = {}) {
  const world = new World({ pickChoice: () => 0 }, { tracing: false });
  return new StreamChannel(world, {
    buffer_cap: options.buffer_cap ?? 8,
    queue_cap: options.queue_cap ?? 8,
  });
}

const frame = (seq: number): Frame => ({
  event: "token",
  data: `t${seq}`,
  id: `run1:${seq}`,
  ref: seq,
  horizon: seq - 1,
});

describe("stream channel", () => {
  it("buffers frames published with no subscriber, evicting the oldest and counting it", () => {
    const ch = channel({ buffer_cap: 2 });
    for (const s of [1, 2, 3]) expect(ch.publishA(frame(s))).toEqual([]);
    expect(ch.buffer.inspect().items.map((f) => f.ref)).toEqual([2, 3]);
    expect(ch.offline_dropped.peek()).toBe(1);
    expect(ch.last_event_id.peek()).toBe("run1:3");
  });

  it("subscribes atomically: preloads the buffer, snapshots, and leaves the buffer in place", () => {
    const ch = channel({ buffer_cap: 2 });
    for (const s of [1, 2, 3]) ch.publishA(frame(s));
    const { queue, snapshot } = ch.subscribe("Q", true);
    expect(queue.inspect().items.map((f) => f.ref)).toEqual([2, 3]);
    expect(snapshot).toEqual({
      last_event_id: "run1:3",
      offline_first_event_id: "run1:2",
      offline_dropped: 1,
    });
    expect(ch.buffer.inspect().items).toHaveLength(2);
    expect(ch.subscribe("Q2", false).queue.inspect().items).toEqual([]);
  });

  it("publishes in two steps: A clears the buffer and copies the subscriber list, B enqueues", () => {
    const ch = channel();
    ch.publishA(frame(1));
    const { queue } = ch.subscribe("Q", false);
    const targets = ch.publishA(frame(2));
    expect(targets).toEqual([queue]);
    expect(ch.buffer.inspect().items).toEqual([]);
    expect(queue.inspect().items).toEqual([]);
    ch.unsubscribe(queue);
    // Step B uses the copied list even after the queue left the channel.
    for (const q of targets) ch.enqueue(q, frame(2));
    expect(queue.inspect().items.map((f) => f.ref)).toEqual([2]);
    expect(ch.subscribers.peek()).toEqual([]);
  });

  it("drops the oldest frame of a full subscriber queue", () => {
    const ch = channel({ queue_cap: 1 });
    const { queue } = ch.subscribe("Q", false);
    for (const s of [1, 2]) for (const q of ch.publishA(frame(s))) ch.enqueue(q, frame(s));
    expect(queue.inspect().items.map((f) => f.ref)).toEqual([2]);
  });

  it("lets last_event_id move backwards (there is no monotonic guard)", () => {
    const ch = channel();
    ch.noteEventId("run1:3");
    ch.noteEventId("run1:2");
    expect(ch.last_event_id.peek()).toBe("run1:2");
  });
});
