import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import type { Scenario } from "../scenario.ts";
import { errorData, errorFamily, type PoolTask, type WorkerMessage } from "./pool.ts";
import type { Shard } from "./shard.ts";
import { exploreSystematic } from "./systematic.ts";

/** One shard of an explorePool run: loads the scenario by module path and export name. */
const { task, shard, failed, units } = workerData as {
  task: PoolTask;
  shard: Shard;
  /** Set by the pool once another worker has ended with a failure (under stop_on_first). */
  failed: Int32Array;
  /** The next unit that no worker of the pool has taken. */
  units: Int32Array;
};

/**
 * Units (dpor's and exhaustive's) go to the first worker that reaches them, not unit u to
 * worker u mod n: the units' sizes differ (on the two-tab protocol scope, dpor's worker 1
 * of 2 had 57% of the traces with u mod n), and a worker busy in a big unit leaves the
 * next ones to the others. Every worker meets the units in the same order, so when a
 * worker reaches unit u, units 0 … u-1 are taken (by it or by another) and the counter
 * is at least u.
 */
function claimUnit(unit: number): boolean {
  for (;;) {
    const next = Atomics.load(units, 0);
    if (unit < next) return false;
    if (unit > next) throw new Error(`pool: unit ${unit} reached before unit ${next} was taken`);
    if (Atomics.compareExchange(units, 0, next, unit + 1) === next) return true;
  }
}
/** Loads the scenario; a module that fails to load fails here, inside the try below. */
async function loadScenario(): Promise<Scenario> {
  const url = task.module.startsWith("file:") ? task.module : pathToFileURL(task.module).href;
  const mod = (await import(url)) as Record<string, unknown>;
  const scenario = mod[task.export_name] as Scenario | undefined;
  if (scenario === undefined || typeof scenario.setup !== "function") {
    throw new Error(`module ${task.module} has no scenario export '${task.export_name}'`);
  }
  return scenario;
}

/**
 * The scenario, with its setups counted: every execution starts with the setup, so the
 * count tells the pool how far this worker has got (a count, not exact complete
 * executions: enough for a progress line).
 */
function counting(scenario: Scenario): Scenario {
  const every = task.progress_every ?? 500;
  let runs = 0;
  return {
    ...scenario,
    setup(world, params) {
      runs++;
      if (runs % every === 0) {
        parentPort?.postMessage({ kind: "progress", executions: runs } satisfies WorkerMessage);
      }
      scenario.setup(world, params);
    },
  };
}

// Errors are posted with their family, the module's own while it loads included: thrown
// out of the worker, any error would reach the pool as a plain Error.
try {
  const counted = counting(await loadScenario());
  const coverage = exploreSystematic({
    scenario: counted,
    params: task.params,
    strategy: task.strategy,
    shard,
    keep_hashes: true,
    ...(task.preemption_bound === undefined ? {} : { preemption_bound: task.preemption_bound }),
    ...(task.max_depth === undefined ? {} : { max_depth: task.max_depth }),
    ...(task.max_executions === undefined ? {} : { max_executions: task.max_executions }),
    ...(task.stop_on_first === undefined ? {} : { stop_on_first: task.stop_on_first }),
    ...(task.split_depth === undefined ? {} : { split_depth: task.split_depth }),
    ...(task.seed === undefined ? {} : { seed: task.seed }),
    claim_unit: claimUnit,
    ...(task.stop_on_first === false
      ? {}
      : {
          halt: {
            now: () => Atomics.load(failed, 0) === 1,
            reason: "stopped: another worker found a failure",
          },
        }),
  });
  // Failures carry their schedules as plain data; the rest of Coverage is plain data too.
  parentPort?.postMessage({ kind: "done", coverage } satisfies WorkerMessage);
} catch (e) {
  const error = e instanceof Error ? e : new Error(String(e));
  parentPort?.postMessage({
    kind: "error",
    name: error.name,
    message: error.message,
    stack: error.stack,
    family: errorFamily(e),
    data: errorData(error),
  } satisfies WorkerMessage);
}
