// The README's "Write your own scenario" example, verbatim: keep the two in step.
import fc from "fast-check";
import { expect, test } from "vitest";
import {
  type Actor,
  choicesArbitrary,
  formatSchedule,
  runChoices,
  type Scenario,
} from "../index.ts";

// Two workers increment a shared counter, each with a read step and a write step.
const counter: Scenario<{ workers: number }> = {
  name: "my-counter",
  summary: "workers increment a shared counter (lost update)",
  defaults: { workers: 2 },
  setup(world, { workers }) {
    const count = world.cell("count", 0); // shared state lives in tracked objects
    function* increment(): Actor {
      const seen = count.get(); // step "read": runs atomically up to the yield
      yield "write"; // a scheduling point; names the next step
      count.set(seen + 1); // step "write"
    }
    for (let i = 0; i < workers; i++) world.spawn(`worker-${i}`, increment(), { label: "read" });
    world.atEnd("no lost update", () =>
      count.peek() === workers ? undefined : `count is ${count.peek()}, expected ${workers}`,
    );
  },
};

test("fast-check finds the lost update and shrinks it to the 4-step interleaving", () => {
  // Every array of naturals is a schedule; the property: every schedule completes.
  const details = fc.check(
    fc.property(choicesArbitrary(), (choices) => {
      return runChoices(counter, { workers: 2 }, choices).outcome.kind === "completed";
    }),
    { seed: 42 },
  );
  expect(details.failed).toBe(true);
  const [choices] = details.counterexample ?? [[]];
  expect(choices).toEqual([0, 1]); // shrunk: one context switch, after the first read

  const run = runChoices(counter, { workers: 2 }, choices, { trace: true });
  expect(run.steps).toBe(4);
  expect(run.outcome).toMatchObject({ kind: "violation", property: "no lost update" });
  expect(run.trace?.map((s) => `${s.name}:${s.label}`)).toEqual([
    "worker-0:read",
    "worker-1:read",
    "worker-1:write",
    "worker-0:write",
  ]);
  // The same interleaving as a schedule value, ready for `streamsim replay`.
  const schedule = { scenario: counter.name, params: { workers: 2 }, decisions: run.decisions };
  expect(formatSchedule(schedule)).toBe("ss1:my-counter:workers=2:0.1x2.0");
});
