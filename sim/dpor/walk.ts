import { type ExecutionLimits, execute } from "../execute.ts";
import {
  CLOCK_OBJECT,
  DEADLINE_OBJECTS,
  LIVE_OBJECT,
  PARTS,
  PSEUDO_OBJECTS,
  SUB_OBJECTS,
} from "../objects/tracked.ts";
import { plural } from "../plural.ts";
import type { Scenario } from "../scenario.ts";
import { DporStrategy } from "../strategies/dpor.ts";
import type { ExecutionSummary, StepInfo, Strategy } from "../strategy.ts";
import { type Decision, decisionKind, decisionSubject, type Params } from "../types.ts";
import { World } from "../world.ts";
import type { Event } from "./event.ts";
import { HappensBefore } from "./hb.ts";
import type { ExecutionLog } from "./log.ts";
import { runObserved } from "./systematic.ts";

/**
 * Where a dpor search lost a trace: the trace (a canonical form, as `on_trace` gives it) is
 * replayed to learn its steps and their happens-before order, then the search runs and
 * every execution is matched against it. An execution's *compatible prefix* is its longest
 * prefix that is a prefix of some linearisation of the trace: each step is the next step of
 * its actor in the trace (same name, timer, choices and accesses), and every step that
 * happens before it in the trace has run. The search reached the trace iff some execution
 * is compatible to the end. Otherwise the deepest compatible prefixes say where it turned
 * away: which steps the trace needed next, which were asleep there, and what ran instead.
 * This is how the seeded-order losses in dpor.ts were traced (twice by throw-away scripts
 * before this one).
 */
export interface WalkOptions<P extends Params> {
  readonly scenario: Scenario<P>;
  readonly params: P;
  /** The trace to look for: a canonical form ("s0 s1.0 s0! s2[1]"). */
  readonly trace: string;
  /** dpor's order (DporOptions.seed); default the first-option order. */
  readonly seed?: number;
  /** Stop the search after this many executions. Default none. */
  readonly max_executions?: number;
  /** How many of the deepest compatible prefixes to keep. Default 5. */
  readonly keep?: number;
  /** Called every 100,000 executions with the count so far (long searches). */
  readonly on_progress?: (executions: number) => void;
}

/** One step of the trace, as the search sees it. */
export interface WalkStep {
  /** "s2.1 {o0:w,s2#4:w}": actor, '!' for a timer firing, [choices], accesses by object name. */
  readonly text: string;
  /** Indexes of the trace's steps that happen before this one, not through another. */
  readonly after: readonly number[];
}

/** A maximal compatible prefix: no execution took it further. */
export interface WalkPrefix {
  /** Trace step indexes in the order the executions ran them. */
  readonly path: readonly number[];
  /** Executions whose compatible prefix was exactly this one. */
  readonly executions: number;
  /** How those executions ended: "complete", "sleep-blocked", ... */
  readonly kinds: Readonly<Record<string, number>>;
  /** Trace steps that could run next (all their predecessors have). */
  readonly needed: readonly number[];
  /** What ran at the divergence node instead, as step texts (or why nothing did). */
  readonly taken: readonly string[];
  /** Events asleep at the divergence node (actor names). */
  readonly asleep: readonly string[];
}

export interface WalkResult {
  readonly steps: readonly WalkStep[];
  readonly reached: boolean;
  readonly executions: number;
  /** The deepest maximal compatible prefixes, deepest first. */
  readonly deepest: readonly WalkPrefix[];
}

/** A trace that cannot be replayed in the scenario (a typo, or another scenario's). */
export class WalkError extends Error {
  override readonly name = "WalkError";
}

interface Token {
  readonly name: string;
  readonly timer: boolean;
  readonly choices: readonly number[];
}

/** A trace's steps, and the setup's data choices that come first when it made any. */
interface ParsedTrace {
  readonly setup: readonly number[];
  readonly steps: readonly Token[];
}

function parseTrace(trace: string): ParsedTrace {
  const text = trace.trim();
  if (text === "") throw new WalkError("walk: the trace is empty");
  const words = text.split(/\s+/);
  const setupMatch = /^\[(\d+(?:,\d+)*)\]$/.exec(words[0] as string);
  const setup = setupMatch === null ? [] : (setupMatch[1] as string).split(",").map(Number);
  if (setupMatch !== null) words.shift();
  const steps = words.map((t) => {
    const m = /^([^![\s]+)(!?)(?:\[(\d+(?:,\d+)*)\])?$/.exec(t);
    if (m === null) throw new WalkError(`walk: cannot read trace step '${t}'`);
    const choices = m[3] === undefined ? [] : m[3].split(",").map(Number);
    return { name: m[1] as string, timer: m[2] === "!", choices };
  });
  return { setup, steps };
}

/** An event as text with stable names, so that events of different searches compare. */
class Namer {
  private readonly cache = new WeakMap<Event, string>();
  constructor(private readonly log: ExecutionLog) {}

  text(e: Event): string {
    let s = this.cache.get(e);
    if (s !== undefined) return s;
    const acc = e.acc.map((c) => this.access(c)).sort();
    s = `${this.actor(e)} {${acc.join(",")}}`;
    this.cache.set(e, s);
    return s;
  }

  actor(e: Event): string {
    const choices = e.choices.length > 0 ? `[${e.choices.join(",")}]` : "";
    return `${this.log.keys.names[e.key]}${e.timer ? "!" : ""}${choices}`;
  }

  private access(c: number): string {
    const n = c >> 1;
    const rw = (c & 1) === 1 ? "w" : "r";
    if (n >= PSEUDO_OBJECTS) {
      if (n === CLOCK_OBJECT) return `clock:${rw}`;
      if (n === LIVE_OBJECT) return `live:${rw}`;
      return `deadline(${this.log.keys.names[n - DEADLINE_OBJECTS]}):${rw}`;
    }
    if (n >= SUB_OBJECTS) {
      const part = n - SUB_OBJECTS;
      return `${this.log.objectName(Math.floor(part / PARTS))}.${part % PARTS}:${rw}`;
    }
    return `${this.log.objectName(n)}:${rw}`;
  }
}

/**
 * Replays the trace's canonical form: its steps, and for each the steps that happen
 * before it (all of them, not only the immediate ones).
 */
function replayTrace<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  trace: ParsedTrace,
  limits: ExecutionLimits,
): { steps: WalkStep[]; before: number[][] } {
  const strategy = new DporStrategy();
  const log = strategy.log;
  const tokens = trace.steps;
  let stepping = false;
  let step = 0;
  let choice = 0;
  const choices: number[] = [];
  const ranges: number[] = [];
  const follower: Strategy = {
    name: "walk",
    beginExecution: () => true,
    pickStep(enabled: readonly Decision[]) {
      const t = tokens[step];
      if (t === undefined)
        throw new WalkError(`walk: the trace ends after ${step} steps, the scenario goes on`);
      for (let i = 0; i < enabled.length; i++) {
        const d = enabled[i] as Decision;
        const name = log.keys.names[log.keys.keyOf(decisionSubject(d))];
        if (name === t.name && (decisionKind(d) === 1) === t.timer) {
          if (!stepping) checkSetupMade();
          stepping = true;
          log.beforeStep(d);
          choice = 0;
          return i;
        }
      }
      throw new WalkError(
        `walk: trace step ${step} (${t.name}${t.timer ? "!" : ""}) cannot run there`,
      );
    },
    pickChoice(n: number) {
      if (!stepping) {
        const at = log.setupChoices.length;
        const v = trace.setup[at];
        if (v === undefined)
          throw new WalkError(
            `walk: the trace has ${plural(at, "setup choice")}, the setup makes more`,
          );
        if (v >= n)
          throw new WalkError(`walk: the trace's setup choice ${at} is ${v}, not below ${n}`);
        log.setupChoices.push(v);
        return v;
      }
      const v = tokens[step]?.choices[choice++];
      if (v === undefined || v >= n)
        throw new WalkError(`walk: trace step ${step} has no choice ${choice - 1} below ${n}`);
      choices.push(v);
      ranges.push(n);
      return v;
    },
    onStep(info: StepInfo) {
      const made = tokens[step]?.choices.length ?? 0;
      if (choice < made) {
        throw new WalkError(
          `walk: trace step ${step} has ${made} choices, the step made ${choice}`,
        );
      }
      log.record(info, choices, ranges);
      choices.length = 0;
      ranges.length = 0;
      step++;
    },
  };
  const checkSetupMade = (): void => {
    if (log.setupChoices.length !== trace.setup.length)
      throw new WalkError(
        `walk: the trace has ${plural(trace.setup.length, "setup choice")}, the setup made ${log.setupChoices.length}`,
      );
  };
  log.clear();
  const world = new World(follower, { tracing: false });
  log.observe(world);
  scenario.setup(world, params);
  execute(world, follower, limits);
  if (!stepping) checkSetupMade();
  if (step !== tokens.length) {
    throw new WalkError(
      `walk: the scenario ended after ${step} of the trace's ${tokens.length} steps`,
    );
  }
  const hb = new HappensBefore();
  hb.compute(log);
  const namer = new Namer(log);
  const steps: WalkStep[] = [];
  const before: number[][] = [];
  for (let k = 0; k < log.length; k++) {
    const all: number[] = [];
    for (let i = 0; i < k; i++) if (hb.before(log, i, k)) all.push(i);
    // Printed: only the immediate predecessors, the rest follow from them.
    const after = all.filter((i) => !all.some((j) => j > i && hb.before(log, i, j)));
    steps.push({ text: namer.text(log.events[k] as Event), after });
    before.push(all);
  }
  return { steps, before };
}

/** Runs dpor on the scenario and reports where it met, or turned away from, `trace`. */
export function walkTrace<P extends Params>(options: WalkOptions<P>): WalkResult {
  const trace = parseTrace(options.trace);
  const tokens = trace.steps;
  const limits = options.scenario.limits ?? {};
  const { steps, before: happensBefore } = replayTrace(
    options.scenario,
    options.params,
    trace,
    limits,
  );
  const setupText = trace.setup.join(",");
  const n = steps.length;
  const byActor = new Map<string, number[]>();
  for (let k = 0; k < n; k++) {
    const name = tokens[k]?.name as string;
    byActor.set(name, [...(byActor.get(name) ?? []), k]);
  }
  const prefixes = new Map<
    string,
    {
      path: number[];
      executions: number;
      kinds: Record<string, number>;
      taken: Set<string>;
      asleep: Set<string>;
    }
  >();
  let reached = false;

  class Walker extends DporStrategy {
    private readonly namer = new Namer(this.log);
    override endExecution(summary?: ExecutionSummary): void {
      const kind = this.lastKind;
      // First, so that an abandoned execution's log is cut where it was abandoned.
      super.endExecution(summary);
      const log = this.log;
      const used = new Map<string, number>();
      const done = new Uint8Array(n);
      const path: number[] = [];
      // Another vector of the setup's data choices: nothing in common with the trace.
      const sameSetup = log.setupChoices.join(",") === setupText;
      for (let m = 0; sameSetup && m < log.length; m++) {
        const e = log.events[m] as Event;
        const name = log.keys.names[e.key] as string;
        const j = used.get(name) ?? 0;
        const k = byActor.get(name)?.[j];
        if (k === undefined || steps[k]?.text !== this.namer.text(e)) break;
        if (!(happensBefore[k] as number[]).every((i) => done[i] === 1)) break;
        done[k] = 1;
        used.set(name, j + 1);
        path.push(k);
      }
      const d = path.length;
      if (d === n && kind === "complete") reached = true;
      const key = path.join(",");
      let p = prefixes.get(key);
      if (p === undefined) {
        p = { path, executions: 0, kinds: {}, taken: new Set(), asleep: new Set() };
        prefixes.set(key, p);
      }
      p.executions++;
      const how = d < log.length ? "turned away" : kind;
      p.kinds[how] = (p.kinds[how] ?? 0) + 1;
      p.taken.add(this.divergence(d, kind));
      for (const q of this.nodeAt(d)?.sleep ?? []) p.asleep.add(this.namer.actor(q));
    }

    /** What the execution did at node d, where it stopped agreeing with the trace. */
    private divergence(d: number, kind: string): string {
      const log = this.log;
      if (d < log.length) return this.namer.text(log.events[d] as Event);
      const cur = this.nodeAt(d)?.cur ?? null;
      // Sleep-blocked in its step: the step ran, was found asleep, and the execution ended.
      if (cur !== null) return `${this.namer.text(cur)} (asleep there: the execution stopped)`;
      if (kind === "sleep-blocked") return "nothing: every option was asleep";
      if (kind === "infeasible") return "nothing: the planned step could not run there";
      return `nothing: the execution ended (${kind})`;
    }
  }

  const walker = new Walker(options.seed === undefined ? {} : { seed: options.seed });
  let executions = 0;
  const max = options.max_executions ?? Number.POSITIVE_INFINITY;
  while (
    executions < max &&
    runObserved(options.scenario, options.params, walker, executions, limits) !== null
  ) {
    executions++;
    if (executions % 100_000 === 0) options.on_progress?.(executions);
  }
  const all = [...prefixes.values()];
  const maximal = all.filter(
    (p) =>
      !all.some((o) => o.path.length > p.path.length && p.path.every((k, i) => o.path[i] === k)),
  );
  maximal.sort((a, b) => b.path.length - a.path.length);
  const deepest = maximal.slice(0, options.keep ?? 5).map((p) => {
    const done = new Set(p.path);
    const needed: number[] = [];
    for (let k = 0; k < n; k++) {
      if (!done.has(k) && (happensBefore[k] as number[]).every((i) => done.has(i))) needed.push(k);
    }
    return {
      path: p.path,
      executions: p.executions,
      kinds: p.kinds,
      needed,
      taken: [...p.taken],
      asleep: [...p.asleep],
    };
  });
  return { steps, reached, executions, deepest };
}
