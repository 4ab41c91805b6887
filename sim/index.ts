/**
 * streamsim's engine: the public API. Everything a scenario author or a tool needs is
 * re-exported here; other modules under sim/ are internal.
 */

export {
  type Coverage,
  mergeCoverage,
  verdict as coverageVerdict,
} from "./dpor/coverage.ts";
export { explorePool, type PoolOptions, type PoolTask } from "./dpor/pool.ts";
export type { ProbeReport } from "./dpor/probe.ts";
export {
  IndexShardedStrategy,
  parseShard,
  type Shard,
  ShardSyntaxError,
  shardExecutionCount,
} from "./dpor/shard.ts";
export {
  BoundError,
  exploreSystematic,
  type SystematicKind,
  type SystematicOptions,
} from "./dpor/systematic.ts";
export * from "./errors.ts";
export { counterScenario } from "./examples/counter.ts";
export * from "./examples/dpor/index.ts";
export {
  defaultLimits,
  type ExecutionLimits,
  type ExecutionResult,
  execute,
} from "./execute.ts";
export { choicesArbitrary } from "./fastcheck.ts";
export type { Cell } from "./objects/cell.ts";
export type { Log } from "./objects/log.ts";
export type { TrackedMap } from "./objects/map.ts";
export type { AcquireOptions, Mutex } from "./objects/mutex.ts";
export type { OverflowPolicy, Queue, QueueOptions } from "./objects/queue.ts";
export { toJson } from "./objects/tracked.ts";
export { plural } from "./plural.ts";
export { executionSeed, Prng } from "./prng.ts";
export {
  type ExploreOptions,
  type ExploreResult,
  explore,
  type Failure,
  hashDecisions,
  type Progress,
  type RunOnceOptions,
  runOnce,
} from "./runner.ts";
export { resolveParams, type Scenario, ScenarioRegistry } from "./scenario.ts";
export {
  formatDecision,
  formatDecisions,
  formatParams,
  formatSchedule,
  parseDecisions,
  parseParams,
  parseSchedule,
  SCHEDULE_VERSION,
  type Schedule,
} from "./schedule.ts";
export {
  runChoices,
  type ShrinkOptions,
  type ShrinkResult,
  sameFailure,
  scheduleToChoices,
  shrinkSchedule,
} from "./shrink.ts";
export { ChoicesStrategy, choiceForIndex, pickByChoice } from "./strategies/choices.ts";
export { type DporExecutionKind, type DporOptions, DporStrategy } from "./strategies/dpor.ts";
export { type ExhaustiveOptions, ExhaustiveStrategy } from "./strategies/exhaustive.ts";
export { type PctOptions, PctStrategy } from "./strategies/pct.ts";
export { RandomStrategy } from "./strategies/random.ts";
export { ReplayStrategy } from "./strategies/replay.ts";
export { ABANDON, type ExecutionSummary, type StepInfo, type Strategy } from "./strategy.ts";
export {
  checkDeterminism,
  type Divergence,
  firstDivergence,
  parseJsonFile,
  parseTrace,
  recordTrace,
  stringifyTrace,
  TRACE_FORMAT,
  TRACE_SCHEMA,
  type Trace,
} from "./trace.ts";
export type { TraceStep } from "./trace-step.ts";
export * from "./types.ts";
export { HARNESS_VERSION } from "./version.ts";
export {
  type Check,
  type SpawnOptions,
  type UntilOptions,
  World,
} from "./world.ts";
