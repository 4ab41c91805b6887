import { describe, expect, it } from "vitest";
import { dependent, type Event, normaliseAccesses } from "../dpor/event.ts";
import { exploreSystematic, type SystematicKind } from "../dpor/systematic.ts";
import type { Scenario } from "../scenario.ts";
import type { Actor } from "../types.ts";
import { World } from "../world.ts";
import type { Queue, QueueOptions } from "./queue.ts";

// A queue records its accesses per part (head, tail, each slot), so that partial-order
// reduction lets a push and a pop of different items commute. These tests pin down which
// queue operations are dependent, and check on tiny scenarios that dpor still reaches
// every Mazurkiewicz trace and final state that plain enumeration reaches.

/** A scenario whose setup builds `build`'s world; final object states go to `finals`. */
function scenario(build: (world: World) => void, finals: Set<string>): Scenario {
  return {
    name: "queue-parts",
    summary: "test",
    defaults: {},
    setup(world) {
      build(world);
      world.atEnd("record final state", () => {
        finals.add(JSON.stringify(world.snapshotObjects()));
        return undefined;
      });
    },
  };
}

/** Explores `build` systematically; returns each execution's trace and the final states. */
function explore(build: (world: World) => void, strategy: SystematicKind) {
  const seen: string[] = [];
  const finals = new Set<string>();
  const coverage = exploreSystematic({
    scenario: scenario(build, finals),
    params: {},
    strategy,
    stop_on_first: false,
    max_executions: 20_000,
    on_trace: (t) => seen.push(t),
  });
  return { seen, traces: [...new Set(seen)].sort(), finals: [...finals].sort(), coverage };
}

/**
 * Runs both systematic strategies and checks what must hold whatever the scenario: both are
 * exhausted, every execution completes, dpor runs one execution per trace, and it reaches
 * exactly exhaustive's traces and final states.
 */
function compare(build: (world: World) => void) {
  const dpor = explore(build, "dpor");
  const all = explore(build, "exhaustive");
  for (const r of [dpor, all]) {
    expect(r.coverage.exhausted).toBe(true);
    expect(r.coverage.outcomes.completed).toBe(r.coverage.executions);
    expect(r.coverage.traces).toBe(r.traces.length);
    expect(r.coverage.final_states).toBe(r.finals.length);
  }
  expect(dpor.seen.length).toBe(dpor.traces.length);
  expect(dpor.coverage.executions).toBe(dpor.traces.length);
  expect(dpor.traces).toEqual(all.traces);
  expect(dpor.finals).toEqual(all.finals);
  return { dpor, all };
}

/** A producer pushing `items`, one per step. */
function producer<T>(q: Queue<T>, items: readonly T[]): Actor {
  return (function* (): Actor {
    for (let i = 0; i < items.length; i++) {
      if (i > 0) yield `push ${i}`;
      q.push(items[i] as T);
    }
  })();
}

/** A consumer taking `n` items, each once the queue is non-empty, and logging them. */
function consumer<T>(world: World, q: Queue<T>, n: number, got: { append(item: T): void }) {
  return (function* (): Actor {
    for (let i = 0; i < n; i++) {
      yield world.until(() => !q.isEmpty(), { label: `pop ${i}`, on: "q" });
      got.append(q.shift() as T);
    }
  })();
}

describe("queue accesses per part under dpor", () => {
  it("(a) lets a producer and a consumer of different items commute: one trace", () => {
    const { dpor, all } = compare((world) => {
      const q = world.queue<string>("q");
      const got = world.log<string>("got");
      world.spawn("consumer", consumer(world, q, 3, got));
      world.spawn("producer", producer(q, ["x1", "x2", "x3"]));
    });
    // s0 is the consumer, s1 the producer. Every pop is ordered after the push of its item
    // (the canonical form, least actor first, shows it), and nothing else is ordered: with
    // whole-object accesses the pop of x1 and the push of x2 (and so on) would be ordered
    // too, giving 5 traces; with a push that did not conflict with the emptiness test and
    // pop of its item, the form would read "s0 s0 s0 s0 s1 s1 s1".
    expect(dpor.traces).toEqual(["s0 s1 s0 s1 s0 s1 s0"]);
    expect(dpor.finals).toEqual([JSON.stringify({ q: [], got: ["x1", "x2", "x3"] })]);
    expect(all.coverage.executions).toBe(14);
  });

  it("(b) orders the pushes of two producers: one trace per order", () => {
    const { dpor, all } = compare((world) => {
      const q = world.queue<string>("q");
      const got = world.log<string>("got");
      world.spawn("consumer", consumer(world, q, 1, got));
      world.spawn("a", producer(q, ["a1", "a2"]));
      world.spawn("b", producer(q, ["b1", "b2"]));
    });
    // s0 is the consumer, s1 and s2 the producers: the 6 orders of their pushes. The pop
    // of the first item is ordered after its push only, and commutes with the pushes
    // after it, so it adds no trace (with whole-object accesses there would be 24).
    expect(dpor.traces).toEqual([
      "s0 s1 s0 s1 s2 s2",
      "s0 s1 s0 s2 s1 s2",
      "s0 s1 s0 s2 s2 s1",
      "s0 s2 s0 s1 s1 s2",
      "s0 s2 s0 s1 s2 s1",
      "s0 s2 s0 s2 s1 s1",
    ]);
    expect(dpor.finals.length).toBe(6);
    expect(all.coverage.executions).toBe(84);
  });

  // Which actor is spawned first changes the order of dpor's search, and so which races it
  // meets first. With the producer first, a bounded push that did not read the slot whose
  // item makes the queue full (the one it would evict) fails this test: two of dpor's
  // three executions then have the same canonical trace.
  it.each([
    ["consumer", ["s0 s1 s0 s1 s1", "s0 s1 s1 s0 s1", "s0 s1 s1 s1 s0"]],
    ["producer", ["s0 s0 s0 s1 s1", "s0 s0 s1 s1 s0", "s0 s1 s1 s0 s0"]],
  ])(
    "(c) orders a bounded push that can evict against the pop of the evicted item (%s first)",
    (first, expected) => {
      const { dpor, all } = compare((world) => {
        const q = world.queue<string>("q", { capacity: 1, overflow: "drop-oldest" });
        const got = world.log<string>("got");
        const spawnConsumer = () => world.spawn("consumer", consumer(world, q, 1, got));
        if (first === "consumer") spawnConsumer();
        world.spawn("producer", producer(q, ["x1", "x2", "x3"]));
        if (first === "producer") spawnConsumer();
      });
      // The consumer takes x1 before x2 evicts it, x2 before x3 evicts it, or x3.
      expect(dpor.traces).toEqual(expected);
      expect(dpor.finals).toEqual(
        [
          { q: ["x3"], got: ["x1"] },
          { q: ["x3"], got: ["x2"] },
          { q: [], got: ["x3"] },
        ]
          .map((s) => JSON.stringify(s))
          .sort(),
      );
      expect(all.coverage.executions).toBe(9);
    },
  );

  it("(d) orders a push against an emptiness test it changes the answer of", () => {
    const { dpor, all } = compare((world) => {
      const q = world.queue<string>("q");
      const seen = world.cell("seen", "");
      world.spawn("producer", producer(q, ["x1", "x2"]));
      world.spawn(
        "poller",
        // biome-ignore lint/correctness/useYield: a one-step actor has no scheduling point
        (function* (): Actor {
          seen.set(q.isEmpty() ? "empty" : "item");
        })(),
      );
    });
    // The poller (s1) tests before x1 or after it; the push of x2 does not change the
    // answer, so testing before or after it is one trace, not two.
    expect(dpor.traces).toEqual(["s0 s0 s1", "s1 s0 s0"]);
    expect(dpor.finals).toEqual(
      [
        { q: ["x1", "x2"], seen: "item" },
        { q: ["x1", "x2"], seen: "empty" },
      ]
        .map((s) => JSON.stringify(s))
        .sort(),
    );
    expect(all.coverage.executions).toBe(3);
  });
});

describe("queue accesses per part, as dpor's dependency relation sees them", () => {
  type Op = (q: Queue<string>) => unknown;

  /**
   * The event of actor `key` running `op` on a fresh queue made by `init` (whose own
   * accesses, made outside any step, are not recorded), with its normalised accesses.
   */
  function event(key: number, init: Op, op: Op, options: QueueOptions = {}): Event {
    const world = new World({ pickChoice: () => 0 }, { tracing: false });
    const q = world.queue<string>("q", options);
    init(q);
    world.recording = true;
    try {
      op(q);
    } finally {
      world.recording = false;
    }
    return { key, timer: false, choices: [], ranges: [], acc: normaliseAccesses(world.accesses) };
  }

  /** Whether `a` and `b`, by two actors on the same queue state, are dependent (checked both ways). */
  function dependentOn(init: Op, a: Op, b: Op, options: QueueOptions = {}): boolean {
    const x = event(0, init, a, options);
    const y = event(1, init, b, options);
    expect(x.acc.length).toBeGreaterThan(0);
    expect(y.acc.length).toBeGreaterThan(0);
    const result = dependent(x, y);
    expect(dependent(y, x)).toBe(result);
    return result;
  }

  const holdsX: Op = (q) => q.push("x");
  const empty: Op = () => undefined;
  const push: Op = (q) => q.push("y");
  const shift: Op = (q) => q.shift();
  const isEmpty: Op = (q) => q.isEmpty();

  it("records a push and a pop of different items as independent", () => {
    expect(dependentOn(holdsX, push, shift)).toBe(false);
  });

  it("records two pushes, two pops, and a push and size or toArray, as dependent", () => {
    expect(dependentOn(holdsX, push, (q) => q.push("z"))).toBe(true);
    expect(dependentOn(holdsX, shift, shift)).toBe(true);
    expect(dependentOn(holdsX, push, (q) => q.size)).toBe(true);
    expect(dependentOn(holdsX, push, (q) => q.toArray())).toBe(true);
  });

  it("orders an emptiness test only against the operations that change its answer", () => {
    // On an empty queue, the first push makes it non-empty.
    expect(dependentOn(empty, push, isEmpty)).toBe(true);
    expect(dependentOn(empty, push, (q) => q.peek())).toBe(true);
    // On a non-empty queue, a further push does not; the pop of the head and clear do.
    expect(dependentOn(holdsX, push, isEmpty)).toBe(false);
    expect(dependentOn(holdsX, shift, isEmpty)).toBe(true);
    expect(dependentOn(holdsX, (q) => q.clear(), isEmpty)).toBe(true);
  });

  it("orders a push that evicts under drop-oldest against the pop of the evicted item", () => {
    const full: QueueOptions = { capacity: 1, overflow: "drop-oldest" };
    expect(dependentOn(holdsX, push, shift, full)).toBe(true);
    expect(dependentOn(holdsX, push, isEmpty, full)).toBe(true);
    expect(dependentOn(holdsX, push, (q) => q.droppedCount, full)).toBe(true);
    // With room left (capacity 2) the same push evicts nothing and commutes with both.
    const roomy: QueueOptions = { capacity: 2, overflow: "drop-oldest" };
    expect(dependentOn(holdsX, push, shift, roomy)).toBe(false);
    expect(dependentOn(holdsX, push, (q) => q.droppedCount, roomy)).toBe(false);
  });
});
