import { describe, expect, it } from "vitest";
import { runOnce } from "../runner.ts";
import type { Scenario } from "../scenario.ts";
import { ChoicesStrategy } from "../strategies/choices.ts";
import type { StepInfo, Strategy } from "../strategy.ts";
import type { TraceStep } from "../trace-step.ts";
import type { Actor } from "../types.ts";
import type { World } from "../world.ts";
import { toJson } from "./tracked.ts";

/** One actor whose steps each do one kind of access, named after the step. */
function oneActor(body: (world: World) => Actor): Scenario {
  return {
    name: "t",
    summary: "test",
    defaults: {},
    setup(world) {
      world.spawn("a", body(world));
    },
  };
}

function traceOf(s: Scenario): readonly TraceStep[] {
  const r = runOnce(s, {}, new ChoicesStrategy([]), { trace: true });
  return r?.trace ?? [];
}

function accessesByLabel(s: Scenario): Record<string, TraceStep["accesses"]> {
  return Object.fromEntries(traceOf(s).map((t) => [t.label, t.accesses]));
}

describe("tracked objects record every access against the running step", () => {
  it("records cell get as a read, set as a write, update as both", () => {
    const s = oneActor(function* (world) {
      const c = world.cell("c", 1);
      c.get();
      yield "set";
      c.set(2);
      yield "update";
      c.update((v) => v * 10);
      yield "peek";
      c.peek();
      yield "get-set";
      c.set(c.get() + 1);
    });
    expect(accessesByLabel(s)).toEqual({
      start: [["c", "r"]],
      set: [["c", "w"]],
      update: [["c", "rw"]],
      peek: [],
      "get-set": [["c", "rw"]],
    });
  });

  it("records queue reads (size, peek, isEmpty, toArray, droppedCount) and writes (push, shift, clear)", () => {
    const s = oneActor(function* (world) {
      const q = world.queue<number>("q", { capacity: 1 });
      q.push(1);
      yield "size";
      q.size;
      yield "peek";
      q.peek();
      yield "isEmpty";
      q.isEmpty();
      yield "toArray";
      q.toArray();
      yield "dropped";
      q.droppedCount;
      yield "shift";
      q.shift();
      yield "clear";
      q.clear();
      yield "inspect";
      q.inspect();
    });
    expect(accessesByLabel(s)).toEqual({
      start: [["q", "w"]],
      size: [["q", "r"]],
      peek: [["q", "r"]],
      isEmpty: [["q", "r"]],
      toArray: [["q", "r"]],
      dropped: [["q", "r"]],
      shift: [["q", "w"]],
      clear: [["q", "w"]],
      inspect: [],
    });
  });

  it("records map and log accesses", () => {
    const s = oneActor(function* (world) {
      const m = world.map<string, number>("m");
      const log = world.log<string>("journal");
      m.set("k", 1);
      yield "map-reads";
      m.get("k");
      m.has("k");
      m.size;
      m.keys();
      yield "map-delete";
      m.delete("k");
      yield "append";
      log.append("row");
      yield "log-reads";
      log.length;
      log.at(0);
      log.slice();
      yield "both";
      log.append(String(m.get("k")));
      yield "unrecorded";
      m.inspect();
      log.inspect();
    });
    expect(accessesByLabel(s)).toEqual({
      start: [["m", "w"]],
      "map-reads": [["m", "r"]],
      "map-delete": [["m", "w"]],
      append: [["journal", "w"]],
      "log-reads": [["journal", "r"]],
      // First-access order: the map is read before the log is written.
      both: [
        ["m", "r"],
        ["journal", "w"],
      ],
      unrecorded: [],
    });
  });

  it("shows, after each step, the state of every object it wrote", () => {
    const s = oneActor(function* (world) {
      const c = world.cell("c", 0);
      const q = world.queue<number>("q");
      const log = world.log<string>("log");
      c.set(5);
      q.push(7);
      yield "read-only";
      log.length;
    });
    const [first, second] = traceOf(s);
    expect(first?.after).toEqual({ c: 5, q: [7] });
    expect(second?.after).toEqual({});
  });

  it("does not record accesses made during setup or in checks", () => {
    const seen: number[][] = [];
    const spy: Strategy = {
      name: "spy",
      beginExecution: () => true,
      pickStep: () => 0,
      pickChoice: () => 0,
      onStep(info: StepInfo) {
        seen.push([...info.accesses]);
      },
    };
    const s: Scenario = {
      name: "t",
      summary: "test",
      defaults: {},
      setup(world) {
        const a = world.cell("a", 0);
        const b = world.cell("b", 0);
        a.set(1);
        b.get();
        world.invariant("reads b", () => (b.get() >= 0 ? undefined : "negative"));
        world.spawn(
          "x",
          // biome-ignore lint/correctness/useYield: a one-step actor has no scheduling point
          (function* (): Actor {
            b.set(a.get());
          })(),
        );
      },
    };
    runOnce(s, {}, spy);
    // Raw codes: objectId * 2 + (write ? 1 : 0): read a (0), then write b (3).
    expect(seen).toEqual([[0, 3]]);
  });

  it("converts held values to JSON for traces", () => {
    expect(toJson(new Map([["k", { n: 1 }]]))).toEqual([["k", { n: 1 }]]);
    expect(toJson([1, undefined, Number.NaN, Number.POSITIVE_INFINITY, 2n])).toEqual([
      1,
      null,
      "NaN",
      "Infinity",
      "2",
    ]);
    expect(toJson({ f: () => 1 })).toEqual({ f: "[function]" });
    let deep: unknown = 0;
    for (let i = 0; i < 10; i++) deep = [deep];
    expect(JSON.stringify(toJson(deep))).toContain("[…]");
  });
});
