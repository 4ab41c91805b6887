import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ModelError } from "../errors.ts";
import { runOnce } from "../runner.ts";
import type { Scenario } from "../scenario.ts";
import { ChoicesStrategy } from "../strategies/choices.ts";
import type { Actor } from "../types.ts";
import { World } from "../world.ts";
import type { QueueOptions } from "./queue.ts";

const RUNS = Number(process.env.STREAMSIM_RUNS ?? 50);

/** A world outside any execution: accesses are not recorded, objects work as plain ones. */
function bareWorld(): World {
  return new World({ pickChoice: () => 0 }, { tracing: false });
}

describe("queue", () => {
  it("is FIFO and, by default, unbounded", () => {
    const q = bareWorld().queue<number>("q");
    for (let i = 0; i < 100; i++) q.push(i);
    expect(q.size).toBe(100);
    expect(q.peek()).toBe(0);
    const out: (number | undefined)[] = [];
    for (let i = 0; i < 101; i++) out.push(q.shift());
    expect(out).toEqual([...Array.from({ length: 100 }, (_, i) => i), undefined]);
    expect(q.peek()).toBeUndefined();
  });

  it("drops the oldest item when full under drop-oldest", () => {
    const q = bareWorld().queue<number>("q", { capacity: 2, overflow: "drop-oldest" });
    expect(q.push(1)).toBe(true);
    expect(q.push(2)).toBe(true);
    expect(q.push(3)).toBe(true);
    expect(q.toArray()).toEqual([2, 3]);
    expect(q.droppedCount).toBe(1);
    expect(q.inspect()).toEqual({ items: [2, 3], dropped: 1 });
    expect(q.snapshot()).toEqual([2, 3]);
  });

  it("makes drop-oldest the default overflow policy", () => {
    const q = bareWorld().queue<number>("q", { capacity: 1 });
    q.push(1);
    q.push(2);
    expect(q.toArray()).toEqual([2]);
    expect(q.overflow).toBe("drop-oldest");
  });

  it("refuses a push when full under reject", () => {
    const q = bareWorld().queue<number>("q", { capacity: 2, overflow: "reject" });
    q.push(1);
    q.push(2);
    expect(q.push(3)).toBe(false);
    expect(q.toArray()).toEqual([1, 2]);
    expect(q.droppedCount).toBe(0);
    q.shift();
    expect(q.push(3)).toBe(true);
    expect(q.toArray()).toEqual([2, 3]);
  });

  it("fails the execution on a push to a full queue under assert", () => {
    const s: Scenario = {
      name: "t",
      summary: "test",
      defaults: {},
      setup(world) {
        const q = world.queue<number>("acks", { capacity: 1, overflow: "assert" });
        world.spawn(
          "pusher",
          (function* (): Actor {
            q.push(1);
            yield "again";
            q.push(2);
          })(),
        );
      },
    };
    const r = runOnce(s, {}, new ChoicesStrategy([]));
    expect(r?.outcome).toEqual({
      kind: "crash",
      actor: "pusher",
      message: "queue acks is full (capacity 1)",
      steps: 2,
    });
  });

  it("rejects a capacity below 1, and an overflow policy it does not know, as the model's mistakes", () => {
    expect(() => bareWorld().queue("q", { capacity: 0 })).toThrow(ModelError);
    expect(() => bareWorld().queue("q", { capacity: Number.NaN })).toThrow(/capacity/);
    expect(() =>
      bareWorld().queue("q", { capacity: 2, overflow: "drop-newest" as "reject" }),
    ).toThrow(/overflow must be "drop-oldest", "reject", "assert", got "drop-newest"/);
  });

  it("empties on clear", () => {
    const q = bareWorld().queue<number>("q", { capacity: 3 });
    q.push(1);
    q.push(2);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.shift()).toBeUndefined();
  });

  it("behaves like an array model under any sequence of operations", () => {
    const op = fc.oneof(
      fc.record({ push: fc.integer() }),
      fc.constant("shift" as const),
      fc.constant("clear" as const),
    );
    const options = fc.record({
      capacity: fc.integer({ min: 1, max: 40 }),
      overflow: fc.constantFrom("drop-oldest" as const, "reject" as const),
    });
    fc.assert(
      fc.property(options, fc.array(op, { maxLength: 300 }), (opts: QueueOptions, ops) => {
        const q = bareWorld().queue<number>("q", opts);
        const model: number[] = [];
        let dropped = 0;
        const capacity = opts.capacity as number;
        for (const o of ops) {
          if (o === "shift") {
            expect(q.shift()).toBe(model.shift());
          } else if (o === "clear") {
            q.clear();
            model.length = 0;
          } else if (model.length < capacity) {
            expect(q.push(o.push)).toBe(true);
            model.push(o.push);
          } else if (opts.overflow === "reject") {
            expect(q.push(o.push)).toBe(false);
          } else {
            expect(q.push(o.push)).toBe(true);
            model.shift();
            model.push(o.push);
            dropped++;
          }
          expect(q.size).toBe(model.length);
          expect(q.peek()).toBe(model[0]);
        }
        expect(q.toArray()).toEqual(model);
        expect(q.droppedCount).toBe(dropped);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
