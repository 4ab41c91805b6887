import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import type { Scenario } from "../scenario.ts";
import type { PoolTask } from "./pool.ts";
import type { Shard } from "./shard.ts";
import { exploreSystematic } from "./systematic.ts";

/** One shard of an explorePool run: loads the scenario by module path and export name. */
const { task, shard } = workerData as { task: PoolTask; shard: Shard };
const url = task.module.startsWith("file:") ? task.module : pathToFileURL(task.module).href;
const mod = (await import(url)) as Record<string, unknown>;
const scenario = mod[task.export_name] as Scenario | undefined;
if (scenario === undefined || typeof scenario.setup !== "function") {
  throw new Error(`module ${task.module} has no scenario export '${task.export_name}'`);
}
const coverage = exploreSystematic({
  scenario,
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
});
// Failures carry their schedules as plain data; the rest of Coverage is plain data too.
parentPort?.postMessage(coverage);
