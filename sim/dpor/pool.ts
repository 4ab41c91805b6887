import { Worker } from "node:worker_threads";
import * as errors from "../errors.ts";
import { InputError, ModelError, NondeterminismError } from "../errors.ts";
import type { Json, Params } from "../types.ts";
import { wallNow_ms } from "../wallclock.ts";
import { type Coverage, mergeCoverage } from "./coverage.ts";
import { ShardSyntaxError } from "./shard.ts";
import { BoundError, checkSystematicKind } from "./systematic.ts";

/** What a worker needs to run its shard: everything is plain data (structured-cloneable). */
export interface PoolTask {
  /** Path or file: URL of the module that exports the scenario. */
  readonly module: string;
  /** Name of the export holding the scenario. */
  readonly export_name: string;
  readonly params: Params;
  readonly strategy: "exhaustive" | "dpor";
  /** dpor only: explore in a random order from this seed (see DporOptions.seed). */
  readonly seed?: number;
  readonly preemption_bound?: number;
  readonly max_depth?: number;
  readonly max_executions?: number;
  readonly stop_on_first?: boolean;
  readonly split_depth?: number;
  /** Each worker reports its executions to onProgress every this many. Default 500. */
  readonly progress_every?: number;
}

/**
 * Which family of error a worker's search stopped with: the classes a caller tells apart
 * (the CLI exits 2 on input, names nondeterminism), which a thread boundary would lose.
 */
export type ErrorFamily = "input" | "nondeterminism" | "model" | "other";

/** What a worker posts: its executions so far now and then, its coverage or its error. */
export type WorkerMessage =
  | { readonly kind: "progress"; readonly executions: number }
  | { readonly kind: "done"; readonly coverage: Coverage }
  | {
      readonly kind: "error";
      readonly name: string;
      readonly message: string;
      readonly stack: string | undefined;
      readonly family: ErrorFamily;
      /** The error's own fields (ReplayDivergenceError's step, ...), see errorData. */
      readonly data: ErrorData;
    };

/** An error's own data fields, as plain data that crosses a thread boundary. */
export type ErrorData = Readonly<Record<string, Json>>;

export interface PoolOptions extends PoolTask {
  /** Worker threads, each exploring shard k of `workers`. Default 2. */
  readonly workers?: number;
  /**
   * Called with the executions of all workers so far: a pool runs to its end with no
   * budget, for minutes on a large scope, and would otherwise show nothing meanwhile.
   */
  readonly onProgress?: (executions: number, elapsed_ms: number) => void;
}

/**
 * Explores one scenario on a pool of worker_threads, one shard each (each unit goes to the
 * first worker that reaches it: see claimUnit in worker.ts), and merges their
 * coverage (trace and state hashes are unioned, so the merged counts equal an unsharded
 * run's, and so do the complete executions; dpor shards pay other sleep-blocked ones).
 * Workers load the scenario themselves, by module path and export name, through tsx
 * (worker-boot.mjs registers it in the worker). `max_executions` applies per worker.
 */
export async function explorePool(options: PoolOptions): Promise<Coverage> {
  checkSystematicKind(options.strategy, "explorePool");
  const workers = options.workers ?? 2;
  if (!(Number.isInteger(workers) && workers >= 1 && workers <= 256)) {
    throw new BoundError(`workers must be a whole number from 1 to 256, got ${workers}`);
  }
  const every = options.progress_every;
  if (every !== undefined && !(Number.isInteger(every) && every >= 1)) {
    // Checked here: a worker would report at no count (0, 0.5) and fail only inside.
    throw new BoundError(`progress_every must be a whole number of at least 1, got ${every}`);
  }
  // onProgress is a function: it stays here, the task is cloned into each worker.
  const { workers: _unused, onProgress, ...task } = options;
  const started = wallNow_ms();
  const done = new Array<number>(workers).fill(0);
  const report = (index: number, executions: number) => {
    done[index] = executions;
    onProgress?.(
      done.reduce((a, b) => a + b, 0),
      wallNow_ms() - started,
    );
  };
  // The first worker to fail stops the others: their shards' results would be dropped,
  // and a search on a big scope would hold the process for minutes before it could exit.
  const threads: Worker[] = [];
  // Raised when a worker ends with a failure under stop_on_first: the others stop at their
  // next check (every 64 executions) instead of searching their shards to the end.
  const failed = new Int32Array(new SharedArrayBuffer(4));
  // The next unit no worker has taken (see claimUnit in worker.ts).
  const units = new Int32Array(new SharedArrayBuffer(4));
  try {
    const parts = await Promise.all(
      Array.from({ length: workers }, (_, index) =>
        runWorker(task, { index, count: workers }, threads, { failed, units }, (n) =>
          report(index, n),
        ),
      ),
    );
    return mergeCoverage(parts);
  } catch (e) {
    await Promise.all(threads.map((t) => t.terminate()));
    throw e;
  }
}

/** The engine's own error classes by name: a revived error keeps its class, not only its family. */
const KNOWN_ERRORS = new Map<string, { prototype: Error }>();
for (const c of [...Object.values(errors), BoundError, ShardSyntaxError, ModelError] as unknown[]) {
  if (typeof c === "function" && c.prototype instanceof Error) {
    KNOWN_ERRORS.set(c.name, c as { prototype: Error });
  }
}

/**
 * A worker's error as the caller would have met it in one thread: of its own class when
 * that is one of the engine's, else of its family's (InputError, NondeterminismError,
 * ModelError), with its name, message, stack and the data fields its constructor set.
 */
export function reviveError(
  name: string,
  message: string,
  family: ErrorFamily,
  stack?: string,
  data: ErrorData = {},
): Error {
  // A name's class only when its family agrees: a model's own error named "OptionError"
  // (family "other") must not come back as bad input.
  const known = KNOWN_ERRORS.get(name);
  const base =
    known !== undefined && errorFamily(Object.create(known.prototype)) === family
      ? known
      : family === "input"
        ? InputError
        : family === "nondeterminism"
          ? NondeterminismError
          : family === "model"
            ? ModelError
            : Error;
  const e = Object.create(base.prototype) as Error;
  // As an Error's own: writable, and the worker's stack (STREAMSIM_DEBUG=1 prints it).
  const own = { writable: true, configurable: true };
  Object.defineProperties(e, {
    name: { value: name, enumerable: true, ...own },
    message: { value: message, ...own },
    stack: { value: stack ?? `${name}: ${message}\n    (thrown in a worker thread)`, ...own },
  });
  for (const [key, value] of Object.entries(data)) {
    // Defined, not assigned: a class's getter of that name would refuse an assignment.
    if (!ERROR_TEXT.has(key)) Object.defineProperty(e, key, { value, enumerable: true, ...own });
  }
  return e;
}

/** Posted on their own (see WorkerMessage): never taken from, or written as, data. */
const ERROR_TEXT = new Set(["name", "message", "stack"]);

/**
 * How many values, all fields together, errorData takes from one error: a field holding a
 * whole trace is still posted, a cyclic or runaway structure is not followed forever.
 */
const ERROR_DATA_MAX_VALUES = 100_000;

/**
 * An error's own enumerable data fields that are plain data (numbers, strings, booleans,
 * null, and plain arrays and objects of those), which structured clone keeps as they are:
 * a thread boundary would otherwise drop the fields its constructor set. Accessors,
 * functions and any other value (a Map, a class instance, a cycle) are left out.
 */
export function errorData(e: Error): ErrorData {
  const data: Record<string, Json> = {};
  const budget = { values: ERROR_DATA_MAX_VALUES };
  for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(e))) {
    if (ERROR_TEXT.has(key) || !d.enumerable || !("value" in d)) continue;
    if (isPlainData(d.value, budget, new Set())) data[key] = d.value as Json;
  }
  return data;
}

function isPlainData(v: unknown, budget: { values: number }, open: Set<object>): boolean {
  if (--budget.values < 0) return false;
  if (v === null || typeof v === "string" || typeof v === "boolean" || typeof v === "number") {
    return true;
  }
  if (typeof v !== "object" || open.has(v) || !isPlainContainer(v)) return false;
  open.add(v);
  // Own data properties only: an accessor would run code, and a clone reads only own ones.
  const plain = Object.values(Object.getOwnPropertyDescriptors(v)).every(
    (d) => !d.enumerable || ("value" in d && isPlainData(d.value, budget, open)),
  );
  open.delete(v);
  return plain;
}

/** An array or an object literal's kind of object: not a Map, a Date, a class instance. */
function isPlainContainer(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  if (Array.isArray(v)) return proto === Array.prototype;
  return proto === Object.prototype || proto === null;
}

/** The family of an error, as a worker reports it (see reviveError). */
export function errorFamily(e: unknown): ErrorFamily {
  if (e instanceof InputError) return "input";
  if (e instanceof NondeterminismError) return "nondeterminism";
  if (e instanceof ModelError) return "model";
  return "other";
}

function runWorker(
  task: PoolTask,
  shard: { readonly index: number; readonly count: number },
  threads: Worker[],
  shared: { readonly failed: Int32Array; readonly units: Int32Array },
  onProgress: (executions: number) => void,
): Promise<Coverage> {
  const { failed, units } = shared;
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./worker-boot.mjs", import.meta.url), {
      workerData: { task, shard, failed, units },
    });
    threads.push(worker);
    let result: Coverage | null = null;
    worker.on("message", (m: WorkerMessage) => {
      if (m.kind === "progress") onProgress(m.executions);
      else if (m.kind === "error") {
        reject(reviveError(m.name, m.message, m.family, m.stack, m.data));
      } else {
        result = m.coverage;
        if ((task.stop_on_first ?? true) && result.failures.length > 0) Atomics.store(failed, 0, 1);
      }
    });
    // Only an error outside the worker's try (worker.ts itself failing to load) comes this
    // way: the engine's bug, reported as one.
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (result !== null) resolve(result);
      else
        reject(
          new Error(`worker for shard ${shard.index + 1}/${shard.count} exited with code ${code}`),
        );
    });
  });
}
