import { OptionError } from "../errors.ts";
import { NumberSet } from "../hash-collections.ts";
import { plural } from "../plural.ts";
import type { Failure } from "../runner.ts";
import type { OutcomeKind } from "../types.ts";
import type { ProbeReport } from "./probe.ts";
import type { Shard } from "./shard.ts";

/** What a systematic exploration covered. Every field is a count unless said otherwise. */
export interface Coverage {
  readonly strategy: string;
  /** Executions run to their end and counted (not blocked, not another shard's). */
  readonly executions: number;
  /** Executions dpor abandoned: sleep-set blocked (0 for optimal DPOR without data choices). */
  readonly sleep_blocked: number;
  /** Executions abandoned because a reversed race proved impossible on replay. */
  readonly infeasible: number;
  /**
   * Executions dpor abandoned because they would exceed the preemption bound. (exhaustive
   * never starts one: it enumerates only the options within the bound, so this is 0.)
   */
  readonly pruned_by_bound: number;
  /** Executions cut at the depth bound (counted in `executions`, never failures). */
  readonly cut_by_depth: number;
  /** Executions run only to find where another shard's subtree starts. */
  readonly other_shard: number;
  /** Distinct Mazurkiewicz traces among counted executions; null when not counted. */
  readonly traces: number | null;
  /** Distinct final states (tracked objects' snapshots); null when not counted. */
  readonly final_states: number | null;
  /** True when the strategy ran out of things to explore (no execution bound stopped it). */
  readonly exhausted: boolean;
  /** Which bounds applied; empty when none did. */
  readonly bounds: readonly string[];
  /**
   * True when dpor explored executions in which an actor resumed from a wait or a timer
   * fired. dpor's completeness there rests on rules found by testing (losses found so far
   * are fixed, none is proven impossible), so such a run is not reported as a proof.
   */
  readonly known_gap?: boolean;
  /**
   * dpor: replayed steps that touched other objects than when their path was first run.
   * Not 0 means the scenario shares state the world does not track (a module variable,
   * the wall clock): dpor's reduction rests on the tracked accesses, so it is unsound here.
   */
  readonly divergent_replays?: number;
  readonly outcomes: Readonly<Record<OutcomeKind, number>>;
  readonly failures: readonly Failure[];
  /** 1-based count of executions run (all kinds) when the first failure was found; null if none. */
  readonly executions_to_first_failure: number | null;
  /** Reachability probes (world.reach) with the number of counted executions that hit each. */
  readonly reached: Readonly<Record<string, number>>;
  readonly elapsed_ms: number;
  /** What the probe after the search found (SystematicOptions.probe), when one ran. */
  readonly probe?: ProbeReport;
  /** Hashes of the traces and states seen, for merging shards (only when asked for). */
  readonly trace_hashes?: readonly number[];
  readonly state_hashes?: readonly number[];
  /** The shard explored, when only one was (see shard.ts); a merged coverage has none. */
  readonly shard?: Shard;
}

/**
 * The one-line verdict. Only an exploration that was exhausted, unbounded, unsharded and
 * failure-free may say "all interleavings".
 */
export function verdict(c: Coverage, sharded = (c.shard?.count ?? 1) > 1): string {
  // Counted from the outcomes: `failures` keeps at most max_failures of them, and a
  // deadlock, a step budget or a time horizon reached is a failure as a violation is (a
  // deadlock alone was said "no failure over all interleavings": review).
  const failing = failingExecutions(c.outcomes);
  const failed = failing > 0 || c.failures.length > 0;
  const scope = failed
    ? plural(Math.max(failing, c.failures.length), "failing execution")
    : !c.exhausted
      ? "no failure, but the search was stopped before it was exhausted"
      : c.bounds.length > 0
        ? `no failure within the bounds (${c.bounds.join(", ")}): not a proof for all interleavings`
        : sharded
          ? "no failure in this shard's part of the space"
          : c.known_gap === true
            ? "no failure in any interleaving dpor explored; it met waits or timers, where dpor's completeness is tested, not proven, so confirm with --strategy exhaustive"
            : "no failure over all interleavings";
  const traces = c.traces === null ? "" : `, ${plural(c.traces, "Mazurkiewicz trace")}`;
  const divergentSteps = c.divergent_replays ?? 0;
  const divergent =
    divergentSteps > 0
      ? `; but ${plural(divergentSteps, "replayed step")} touched other objects than the first time: the scenario shares state the world does not track, so dpor may have skipped interleavings (use --strategy exhaustive, or track that state)`
      : "";
  const missed =
    !failed && c.exhausted && c.bounds.length === 0 && !sharded && (c.probe?.unmatched ?? 0) > 0;
  const probe =
    c.probe !== undefined && (c.probe.differing > 0 || missed)
      ? `; ${probeWarning(c.probe, missed)}`
      : "";
  return `${c.strategy}: ${plural(c.executions, "execution")}${traces}; ${scope}${divergent}${probe}`;
}

/** Executions that ended in a failure: any outcome but completed (and abandoned). */
function failingExecutions(o: Readonly<Record<OutcomeKind, number>>): number {
  return o.violation + o.crash + o.deadlock + o.budget + o.horizon;
}

/**
 * What a probe means, in one clause: executions that ended otherwise than the search's of
 * the same trace; or (`missed`: the search was exhausted, unbounded and found nothing)
 * executions of traces the search never ran.
 */
export function probeWarning(p: ProbeReport, missed = false): string {
  if (p.differing > 0) {
    return `but ${p.differing} of ${plural(p.executions, "random execution")} ended otherwise than the search's execution of the same trace: the scenario shares state the world does not track, which dpor's reduction cannot see (track that state, or use --strategy exhaustive)`;
  }
  return missed
    ? `but ${p.unmatched} of ${plural(p.executions, "random execution")} ran traces the search did not: it missed interleavings here (untracked state that changes which steps run, or a gap in dpor; confirm with --strategy exhaustive)`
    : `${p.unmatched} of ${plural(p.executions, "random execution")} ran traces the search did not reach`;
}

/**
 * Parts that are shards must be all n shards of one split, each once: merged, a missing
 * shard's part of the space would read as covered (review: shards 2/2 and 2/2 merged into
 * "no failure over all interleavings" with half of the executions).
 */
function checkShardsComplete(parts: readonly Coverage[]): void {
  const shards = parts.map((c) => c.shard);
  if (shards.every((s) => s === undefined)) return;
  const count = shards[0]?.count;
  const seen = new Set(shards.map((s) => (s === undefined || s.count !== count ? -1 : s.index)));
  if (count === undefined || seen.has(-1) || seen.size !== count || parts.length !== count) {
    const named = shards.map((s) => (s === undefined ? "unsharded" : `${s.index + 1}/${s.count}`));
    throw new OptionError(
      `mergeCoverage needs every shard of one split once; got ${named.join(", ")}`,
    );
  }
}

/** Merges the coverage of the shards of one exploration, as if run unsharded. */
export function mergeCoverage(parts: readonly Coverage[]): Coverage {
  const first = parts[0];
  if (first === undefined) throw new OptionError("mergeCoverage needs at least one part");
  checkShardsComplete(parts);
  const sum = (f: (c: Coverage) => number): number => parts.reduce((a, c) => a + f(c), 0);
  const union = (f: (c: Coverage) => readonly number[] | undefined): number[] | undefined => {
    if (parts.some((c) => f(c) === undefined)) return undefined;
    const s = new NumberSet();
    for (const c of parts) for (const h of f(c) ?? []) s.add(h);
    return s.toArray();
  };
  const traceHashes = union((c) => c.trace_hashes);
  const stateHashes = union((c) => c.state_hashes);
  const outcomes = { ...first.outcomes };
  const reached: Record<string, number> = {};
  for (const c of parts.slice(1)) {
    for (const k of Object.keys(outcomes) as OutcomeKind[]) outcomes[k] += c.outcomes[k];
  }
  for (const c of parts) {
    for (const [k, v] of Object.entries(c.reached)) reached[k] = (reached[k] ?? 0) + v;
  }
  const firsts = parts.map((c) => c.executions_to_first_failure).filter((x) => x !== null);
  return {
    strategy: first.strategy.replace(/, shard \d+\/\d+/, ""),
    executions: sum((c) => c.executions),
    sleep_blocked: sum((c) => c.sleep_blocked),
    infeasible: sum((c) => c.infeasible),
    pruned_by_bound: sum((c) => c.pruned_by_bound),
    cut_by_depth: sum((c) => c.cut_by_depth),
    other_shard: sum((c) => c.other_shard),
    traces: traceHashes === undefined ? null : traceHashes.length,
    final_states: stateHashes === undefined ? null : stateHashes.length,
    exhausted: parts.every((c) => c.exhausted),
    // Every part's: one part may have hit the execution bound while another finished.
    bounds: [...new Set(parts.flatMap((c) => c.bounds))],
    known_gap: parts.some((c) => c.known_gap === true),
    divergent_replays: sum((c) => c.divergent_replays ?? 0),
    outcomes,
    failures: parts.flatMap((c) => c.failures),
    executions_to_first_failure: firsts.length === 0 ? null : Math.min(...firsts),
    reached,
    elapsed_ms: Math.max(...parts.map((c) => c.elapsed_ms)),
    ...(traceHashes === undefined ? {} : { trace_hashes: traceHashes }),
    ...(stateHashes === undefined ? {} : { state_hashes: stateHashes }),
  };
}
