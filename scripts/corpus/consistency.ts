import {
  InputError,
  type Params,
  parseSchedule,
  ReplayStrategy,
  resolveParams,
  runOnce,
  type Scenario,
  scheduleToChoices,
} from "../../sim/index.ts";
import type { Catalog } from "../catalog.ts";
import type { CorpusCase } from "./case.ts";
import type { Entry } from "./store.ts";

/**
 * A case holds its execution three times over: the exact `schedule`, the lenient `choices`
 * that every variant replays (corpus replay checks verdicts on them alone), and `params` and
 * `steps` (read by replay and by prune). `corpus add` derives all of them from the schedule,
 * so a hand edit of one field would otherwise be checked against the others' stale values
 * without a word. Returns how the fields disagree, or null when they describe one execution
 * (or the scenario is unknown: the checks then report its variants as gone).
 */
export function caseDisagreement(catalog: Catalog, c: CorpusCase): string | null {
  if (!catalog.scenarios.has(c.scenario)) return null;
  const scenario = catalog.scenarios.get(c.scenario);
  const schedule = parseSchedule(c.schedule);
  const params = resolved(scenario, c.params, '"params"');
  if (typeof params === "string") return params;
  const scheduled = resolved(scenario, schedule.params, "the schedule's parameters");
  if (typeof scheduled === "string") return scheduled;
  const differing = differingKeys(params, scheduled);
  if (differing.length > 0) {
    const what = differing
      .map((k) => `${k}: ${JSON.stringify(params[k])} against ${JSON.stringify(scheduled[k])}`)
      .join(", ");
    return `"params" and the schedule's parameters differ (${what})`;
  }
  let steps: number;
  let decisions: number;
  let choices: number[];
  try {
    const run = runOnce(scenario, params, new ReplayStrategy(schedule.decisions));
    steps = run?.steps ?? 0;
    decisions = run?.decisions.length ?? 0;
    choices = scheduleToChoices(scenario, params, schedule.decisions);
  } catch (e) {
    if (e instanceof InputError) return `its schedule does not replay: ${e.message}`;
    throw e;
  }
  if (decisions < schedule.decisions.length) {
    return `its schedule has ${schedule.decisions.length} decisions, but the execution ends after ${decisions}`;
  }
  const at = firstDifference(c.choices, choices);
  if (at >= 0) return `"choices" are not its schedule's (they differ from choice ${at} on)`;
  if (c.steps !== steps) return `"steps" is ${c.steps}, but its schedule runs ${steps}`;
  return null;
}

/**
 * The entries with every case whose fields disagree turned unreadable, with the reason and
 * the way to fix it: a case is edited by adding the schedule meant, from which the rest is
 * derived.
 */
export function consistentEntries(catalog: Catalog, entries: readonly Entry[]): Entry[] {
  return entries.map((e) => {
    if (!e.ok) return e;
    const why = caseDisagreement(catalog, e.value);
    if (why === null) return e;
    return {
      file: e.file,
      ok: false,
      error: `corpus case '${e.file}': ${why}; params, choices and steps derive from the schedule, so add the schedule you mean with 'streamsim corpus add' and delete this file`,
    };
  });
}

function resolved(scenario: Scenario, raw: Params, what: string): Params | string {
  try {
    return resolveParams(scenario, raw);
  } catch (e) {
    if (e instanceof InputError) return `${what}: ${e.message}`;
    throw e;
  }
}

function differingKeys(a: Params, b: Params): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** The first index where the two lists differ (one ending early counts), or -1. */
function firstDifference(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}
