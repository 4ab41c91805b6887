import { execute } from "../sim/execute.ts";
import { World } from "../sim/world.ts";
import * as src from "../src/index.ts";
// A strategy that always picks the first option (no dpor bookkeeping), to price the engine + model.
const params = src.boundedScope("fixed") as any;
const scenario = src.protocolScenario as any;
let steps = 0;
const first = { name: "first", beginExecution: () => true, pickStep: () => 0, pickChoice: () => 0 } as any;
const N = Number(process.env.N ?? 20000);
for (let rep = 0; rep < 3; rep++) {
  steps = 0;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const world = new World(first, { tracing: false });
    scenario.setup(world, params);
    const r = execute(world, first, scenario.limits ?? {});
    steps += r.steps;
  }
  const ms = performance.now() - t0;
  console.log(`first-option: ${N} executions, ${(steps / N).toFixed(1)} steps avg, ${(ms * 1000 / N).toFixed(1)} us/exec, ${(ms * 1e6 / steps).toFixed(0)} ns/step`);
}
