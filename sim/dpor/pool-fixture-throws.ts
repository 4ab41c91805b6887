import { ReplayDivergenceError } from "../errors.ts";

/**
 * For sim/dpor/shard.test.ts: a scenario module that fails to load, with one of the engine's
 * errors (a field of its own included), which the worker posts with its family like any
 * other. Nothing imports it but a pool worker in that test.
 */
throw new ReplayDivergenceError("pool-fixture-throws: thrown while the module loads", 5);
