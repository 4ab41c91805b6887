/**
 * The benchmark's measurements, one function each. Every function alternates the tools
 * (their order rotates from round to round, so that none always runs first on a warm or a
 * cold process) and returns raw samples by tool name; index.ts turns them into the table.
 */
import { type Decision, explore, PctStrategy } from "../../sim/index.ts";
import type { RaceOptions, RaceVariant } from "./race.ts";
import { fcScheduler, type RunRequest, type Target, type Tool, twinTarget } from "./tools.ts";
import { canonicalTrace, coverage, stepAccesses } from "./traces.ts";

export interface Plan {
  readonly race: RaceOptions;
  readonly target: Target;
  readonly rounds: number;
  /** Executions per throughput sample, for fc.scheduler and for streamsim. */
  readonly throughput_fc: number;
  readonly throughput_sim: number;
  /** Cap on executions while looking for a first failure. */
  readonly max_to_failure: number;
  /** Wall-clock cap on one run of a tool (dpor on a big model). Default none. */
  readonly run_budget_ms?: number;
}

export type Samples = Map<string, number[]>;

const log = (text: string) => process.stderr.write(`${text}\n`);

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function push(map: Samples, key: string, value: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function request(
  plan: Plan,
  tool: Tool,
  variant: RaceVariant,
  extra: Partial<RunRequest>,
): RunRequest {
  return {
    target: plan.target,
    variant,
    race: plan.race,
    seed: 1,
    max_executions: tool === fcScheduler ? plan.throughput_fc : plan.throughput_sim,
    stop_on_first: false,
    ...(plan.run_budget_ms === undefined ? {} : { budget_ms: plan.run_budget_ms }),
    ...extra,
  };
}

/**
 * Executions per second, every execution run to its end (nothing stops at a failure); a
 * search that exhausts its space (dpor) starts again until the sample is big enough.
 * Keyed `tool/variant`; also the failures seen in `fixed`, by tool, and the share of
 * round2's executions that failed, by tool (one sample per round).
 */
export async function measureThroughput(
  tools: readonly Tool[],
  plan: Plan,
): Promise<{ rates: Samples; fixedFailures: Map<string, number>; round2Failing: Samples }> {
  const rates: Samples = new Map();
  const fixedFailures = new Map<string, number>();
  const round2Failing: Samples = new Map();
  for (let round = 0; round < plan.rounds; round++) {
    log(`${plan.target.label}: throughput, round ${round + 1}/${plan.rounds}`);
    for (const tool of rotate(tools, round)) {
      for (const variant of ["round2", "fixed"] as const) {
        const req = request(plan, tool, variant, { seed: 1000 * round + 1 });
        let executions = 0;
        let elapsed_ms = 0;
        let failures = 0;
        for (let restart = 0; executions < req.max_executions && restart < 100_000; restart++) {
          const r = await tool.run({ ...req, seed: req.seed + restart });
          executions += r.executions;
          elapsed_ms += r.elapsed_ms;
          failures += r.failures;
          if (!r.exhausted || r.executions === 0) break;
        }
        push(rates, `${tool.name}/${variant}`, (executions / elapsed_ms) * 1000);
        if (variant === "round2" && executions > 0)
          push(round2Failing, tool.name, failures / executions);
        if (variant === "fixed")
          fixedFailures.set(tool.name, (fixedFailures.get(tool.name) ?? 0) + failures);
      }
    }
  }
  return { rates, fixedFailures, round2Failing };
}

/**
 * Executions and wall-clock time until the first failure of round2, one sample per seed
 * (a deterministic tool gets one sample per round). Infinity when the cap was reached.
 */
export async function measureFirstFailures(
  tools: readonly Tool[],
  plan: Plan,
  seeds: number,
): Promise<{ executions: Samples; time_ms: Samples; properties: Map<string, Set<string>> }> {
  const executions: Samples = new Map();
  const time_ms: Samples = new Map();
  const properties = new Map<string, Set<string>>();
  const perRound = Math.ceil(seeds / plan.rounds);
  for (let round = 0; round < plan.rounds; round++) {
    log(`${plan.target.label}: first failures, round ${round + 1}/${plan.rounds}`);
    for (const tool of rotate(tools, round)) {
      const count = tool.deterministic ? 1 : perRound;
      for (let k = 0; k < count; k++) {
        const r = await tool.run(
          request(plan, tool, "round2", {
            seed: 1 + round * perRound + k,
            max_executions: plan.max_to_failure,
            stop_on_first: true,
          }),
        );
        push(executions, tool.name, r.first?.execution ?? Number.POSITIVE_INFINITY);
        push(time_ms, tool.name, r.first === null ? Number.POSITIVE_INFINITY : r.elapsed_ms);
        if (r.first !== null) {
          const set = properties.get(tool.name) ?? new Set<string>();
          set.add(r.first.property);
          properties.set(tool.name, set);
        }
      }
    }
  }
  return { executions, time_ms, properties };
}

/**
 * The size of the counterexample each tool reports for round2: fc.scheduler's as printed
 * (it does not shrink a schedule), streamsim's after shrinking.
 */
export async function measureCounterexamples(
  tools: readonly Tool[],
  plan: Plan,
  seeds: number,
): Promise<{ reported: Samples; until_violation: Samples; preemptions: Samples }> {
  const reported: Samples = new Map();
  const until_violation: Samples = new Map();
  const preemptions: Samples = new Map();
  log(`${plan.target.label}: counterexamples`);
  for (const tool of tools) {
    const count = tool.deterministic ? 1 : seeds;
    for (let seed = 1; seed <= count; seed++) {
      const r = await tool.run(
        request(plan, tool, "round2", {
          seed,
          max_executions: plan.max_to_failure,
          stop_on_first: true,
          shrink: true,
        }),
      );
      if (r.first === null) continue;
      push(reported, tool.name, r.first.reported_steps);
      push(until_violation, tool.name, r.first.steps_until_violation);
      push(preemptions, tool.name, r.first.preemptions);
    }
  }
  return { reported, until_violation, preemptions };
}

export interface Coverage {
  readonly executions: number;
  readonly interleavings: number;
  readonly traces: number;
}

/** Distinct interleavings and traces of `fixed` that each tool reached in a budget. */
export async function measureCoverage(
  tools: readonly Tool[],
  plan: Plan,
  budget: { readonly executions: number } | { readonly ms: number },
): Promise<Map<string, Coverage>> {
  const out = new Map<string, Coverage>();
  const params = twinTarget.params("fixed", plan.race);
  log(
    `coverage of fixed in ${"ms" in budget ? `${budget.ms} ms` : `${budget.executions} executions`}`,
  );
  for (const tool of tools) {
    const r = await tool.run(
      request(plan, tool, "fixed", {
        seed: 7,
        keep_decisions: true,
        ...("ms" in budget
          ? { max_executions: 100_000_000, budget_ms: budget.ms }
          : { max_executions: budget.executions }),
      }),
    );
    out.set(tool.name, {
      executions: r.executions,
      ...coverage(twinTarget.scenario, params, r.decisions),
    });
  }
  return out;
}

/**
 * Executions until every Mazurkiewicz trace of `fixed` had been reached at least once (the
 * space is `total` traces), one sample per seed; Infinity when `cap` executions did not.
 */
export async function measureFullCoverage(
  tools: readonly Tool[],
  plan: Plan,
  total: number,
  seeds: number,
  cap: number,
): Promise<Samples> {
  const out: Samples = new Map();
  const params = twinTarget.params("fixed", plan.race);
  const formOf = new Map<string, string>();
  const form = (decisions: readonly Decision[]): string => {
    const key = decisions.join(".");
    let f = formOf.get(key);
    if (f === undefined) {
      f = canonicalTrace(stepAccesses(twinTarget.scenario, params, decisions));
      formOf.set(key, f);
    }
    return f;
  };
  log(`executions until all ${total} traces of fixed are reached`);
  for (const tool of tools) {
    const count = tool.deterministic ? 1 : seeds;
    for (let seed = 1; seed <= count; seed++) {
      const r = await tool.run(
        request(plan, tool, "fixed", { seed, max_executions: cap, keep_decisions: true }),
      );
      const seen = new Set<string>();
      let reachedAt = Number.POSITIVE_INFINITY;
      for (let i = 0; i < r.decisions.length; i++) {
        const decisions = r.decisions[i];
        if (decisions === null || decisions === undefined) continue;
        seen.add(form(decisions));
        if (seen.size === total) {
          reachedAt = i + 1;
          break;
        }
      }
      push(out, tool.name, reachedAt);
    }
  }
  return out;
}

export interface PctDepthShare {
  readonly depth: number;
  /** Share of round2's executions that failed. */
  readonly failing: number;
  /** k: the scheduling points pct learnt an execution has (change points fall in [1, k]). */
  readonly steps_estimate: number;
}

/**
 * pct's chance to fail one execution of round2, for each bug depth d: pct draws every
 * execution afresh, so this share alone sets its executions to the first failure (a median
 * of 1 needs a share above one half).
 */
export function measurePctDepths(
  plan: Plan,
  depths: readonly number[],
  executions: number,
): PctDepthShare[] {
  const params = plan.target.params("round2", plan.race);
  log(`${plan.target.label}: pct by depth`);
  return depths.map((depth) => {
    const strategy = new PctStrategy({ seed: 1, depth });
    const r = explore({
      scenario: plan.target.scenario,
      params,
      strategy,
      max_executions: executions,
      stop_on_first: false,
      max_failures: 1,
    });
    const failing = (r.executions - r.outcomes.completed) / r.executions;
    return { depth, failing, steps_estimate: strategy.steps_estimate };
  });
}
