/** The classic DPOR benchmarks as scenarios, each with its size parameter. */
export { filesystemScenario } from "./filesystem.ts";
export { indexerScenario } from "./indexer.ts";
export { lastzeroScenario } from "./lastzero.ts";
export { lostUpdateScenario } from "./lost-update.ts";
export { readersScenario } from "./readers.ts";
