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
 * How a case's fields disagree. A case holds its execution three times over: the exact
 * `schedule`, the lenient `choices` that every variant replays (corpus replay checks
 * verdicts on them), and `params` and `steps`. `corpus add` derives them all from the
 * schedule.
 * - "edited": `params` differ from the parameters written in the schedule. No model change
 *   does that: a field was edited by hand, and the case cannot be trusted.
 * - "stale": the schedule no longer replays, or replays to other choices or another step
 *   count. A hand edit of one field does that, and so does a model change that adds or
 *   removes a step; the lenient choices still run, so the verdicts are still checked.
 */
export interface Disagreement {
  readonly kind: "edited" | "stale";
  readonly message: string;
}

/** How the case's fields disagree, or null (also when its scenario is unknown). */
export function caseDisagreement(catalog: Catalog, c: CorpusCase): Disagreement | null {
  if (!catalog.scenarios.has(c.scenario)) return null;
  const scenario = catalog.scenarios.get(c.scenario);
  const schedule = parseSchedule(c.schedule);
  const params = resolved(scenario, c.params, '"params"');
  if (typeof params === "string") return { kind: "edited", message: params };
  const scheduled = resolved(scenario, schedule.params, "the schedule's parameters");
  if (typeof scheduled === "string") return { kind: "edited", message: scheduled };
  const differing = differingKeys(params, scheduled);
  if (differing.length > 0) {
    const what = differing
      .map((k) => `${k}: ${JSON.stringify(params[k])} against ${JSON.stringify(scheduled[k])}`)
      .join(", ");
    return { kind: "edited", message: `"params" and the schedule's parameters differ (${what})` };
  }
  const stale = (message: string): Disagreement => ({ kind: "stale", message });
  let steps: number;
  let decisions: number;
  let choices: number[];
  try {
    const run = runOnce(scenario, params, new ReplayStrategy(schedule.decisions));
    steps = run?.steps ?? 0;
    decisions = run?.decisions.length ?? 0;
    choices = scheduleToChoices(scenario, params, schedule.decisions);
  } catch (e) {
    if (e instanceof InputError) return stale(`its schedule does not replay: ${e.message}`);
    throw e;
  }
  if (decisions < schedule.decisions.length) {
    return stale(
      `its schedule has ${schedule.decisions.length} decisions, but the execution ends after ${decisions}`,
    );
  }
  const at = firstDifference(c.choices, choices);
  if (at >= 0) return stale(`"choices" are not its schedule's (they differ from choice ${at} on)`);
  if (c.steps !== steps) return stale(`"steps" is ${c.steps}, but its schedule runs ${steps}`);
  return null;
}

/** What to do about a stale case, after the reason. */
export const STALE_ADVICE =
  "its verdicts are checked on its choices; refresh it ('streamsim corpus add --builtin --force' for a minimal case, else 'corpus add' of the schedule meant), then delete the file if the add wrote another";

/**
 * The entries with every case whose `params` were edited by hand turned unreadable, with
 * the reason and the way to fix it: a case is edited by adding the schedule meant.
 */
export function consistentEntries(catalog: Catalog, entries: readonly Entry[]): Entry[] {
  return entries.map((e) => {
    if (!e.ok) return e;
    const d = caseDisagreement(catalog, e.value);
    if (d === null || d.kind !== "edited") return e;
    return { file: e.file, ok: false, error: editedError(e.file, d) };
  });
}

/** The one-line error for a case whose params were edited by hand. */
export function editedError(file: string, d: Disagreement): string {
  return `corpus case '${file}': ${d.message}; params, choices and steps derive from the schedule, so add the schedule you mean with 'streamsim corpus add', then delete this file if the add wrote another`;
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
