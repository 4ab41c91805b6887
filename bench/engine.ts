/**
 * Engine throughput: simulated steps per second on trivial steps, and executions per
 * second on the counter example, one core, access tracking on, no trace recorded.
 *
 *   npm run bench
 */
import {
  ChoicesStrategy,
  counterScenario,
  explore,
  RandomStrategy,
  resolveParams,
  runOnce,
  type Scenario,
} from "../sim/index.ts";

const trivialScenario: Scenario<{ actors: number; steps: number }> = {
  name: "trivial",
  summary: "actors that each take many steps touching a tracked cell",
  defaults: { actors: 4, steps: 25_000 },
  setup(world, { actors, steps }) {
    const cell = world.cell("c", 0);
    for (let a = 0; a < actors; a++) {
      world.spawn(
        `a${a}`,
        (function* () {
          for (let i = 0; i < steps; i++) {
            cell.set(i);
            yield "step";
          }
        })(),
      );
    }
  },
  limits: { max_steps: 10_000_000 },
};

function time<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

function benchTrivial(strategyName: "choices" | "random"): void {
  const params = resolveParams(trivialScenario, {});
  let steps = 0;
  let ms = 0;
  for (let round = 0; round < 6; round++) {
    const strategy =
      strategyName === "random" ? new RandomStrategy(round) : new ChoicesStrategy([]);
    const r = time(() => runOnce(trivialScenario, params, strategy));
    if (round === 0) continue; // warm-up
    steps += r.value?.steps ?? 0;
    ms += r.ms;
  }
  const rate = (steps / ms) * 1000;
  console.log(
    `trivial steps (${strategyName.padEnd(7)})  ${fmt(rate)} steps/s   (${steps} steps in ${ms.toFixed(0)} ms)`,
  );
}

function benchCounter(): void {
  const params = resolveParams(counterScenario, {});
  // Collect all failures so that every execution runs to its end.
  const run = (n: number, seed: number) =>
    explore({
      scenario: counterScenario,
      params,
      strategy: new RandomStrategy(seed),
      max_executions: n,
      stop_on_first: false,
      max_failures: 0,
    });
  run(20_000, 0); // warm-up
  const r = time(() => run(200_000, 1));
  const rate = (r.value.executions / r.ms) * 1000;
  const stepRate = (r.value.steps / r.ms) * 1000;
  console.log(
    `counter executions (random) ${fmt(rate)} executions/s   (${r.value.executions} executions, ${fmt(stepRate)} steps/s, ${r.value.outcomes.violation} lost updates)`,
  );
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US").padStart(11);
}

console.log(`node ${process.version}, one core, access tracking on, no trace`);
benchTrivial("choices");
benchTrivial("random");
benchCounter();
