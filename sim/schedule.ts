import { OptionError, ScheduleSyntaxError, SchemaVersionError } from "./errors.ts";
import type { Scenario } from "./scenario.ts";
import {
  choiceOf,
  type Decision,
  decisionKind,
  decisionSubject,
  type Json,
  type Params,
  stepOf,
  timerOf,
} from "./types.ts";

/**
 * A schedule is a plain value: which scenario, with which parameters, and every decision
 * taken. Any strategy's execution can be handed to replay as one, and it pastes into a
 * shell as one word:
 *
 *   ss1:counter:workers=2:0.2.0.2x3.t1.c0
 *
 * - `ss1` is the format version;
 * - parameters are `key=value` pairs joined by `,` (numbers, booleans and plain words), or
 *   `~` followed by base64url JSON when a value is structured; `-` when there are none;
 * - decisions are joined by `.`: `3` runs actor 3's next step, `t3` fires actor 3's timer,
 *   `c2` is the data value 2, and `3x4` is four steps of actor 3 in a row; `-` for none.
 */
export interface Schedule {
  readonly scenario: string;
  readonly params: Params;
  readonly decisions: readonly Decision[];
}

export const SCHEDULE_VERSION = "ss1";

export function formatDecision(d: Decision): string {
  const subject = decisionSubject(d);
  switch (decisionKind(d)) {
    case 0:
      return String(subject);
    case 1:
      return `t${subject}`;
    default:
      return `c${subject}`;
  }
}

/** What a scenario's name may be: schedule text carries it between colons. */
const SCENARIO_NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Refuses a scenario whose name a schedule cannot carry (a space, a colon, a capital):
 * its schedules would be written, and then refused when read back.
 */
export function checkScenarioName(scenario: { readonly name: unknown }): void {
  if (typeof scenario.name === "string" && SCENARIO_NAME.test(scenario.name)) return;
  throw new OptionError(
    `scenario name ${JSON.stringify(scenario.name)} must be lower-case letters, digits and '-' (it is written into every schedule), e.g. "my-counter"`,
  );
}

export function formatSchedule(s: Schedule): string {
  checkScenarioName({ name: s.scenario });
  return [SCHEDULE_VERSION, s.scenario, formatParams(s.params), formatDecisions(s.decisions)].join(
    ":",
  );
}

export function formatDecisions(decisions: readonly Decision[]): string {
  if (decisions.length === 0) return "-";
  const parts: string[] = [];
  for (let i = 0; i < decisions.length; ) {
    const d = decisions[i] as Decision;
    let run = 1;
    while (decisionKind(d) === 0 && decisions[i + run] === d) run++;
    parts.push(run > 1 ? `${formatDecision(d)}x${run}` : formatDecision(d));
    i += run;
  }
  return parts.join(".");
}

const SAFE_WORD = /^[A-Za-z_][A-Za-z0-9_\-/]*$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isPlainScalar(v: Json): boolean {
  if (typeof v === "number") return /^-?\d+(\.\d+)?$/.test(String(v));
  if (typeof v === "boolean") return true;
  // A word that would read back as a number or boolean must go through JSON.
  return typeof v === "string" && SAFE_WORD.test(v) && v !== "true" && v !== "false";
}

export function formatParams(params: Params): string {
  const keys = Object.keys(params);
  if (keys.length === 0) return "-";
  if (keys.every((k) => KEY.test(k) && isPlainScalar(params[k] as Json))) {
    return keys.map((k) => `${k}=${String(params[k])}`).join(",");
  }
  return `~${Buffer.from(JSON.stringify(params), "utf8").toString("base64url")}`;
}

export function parseParams(text: string): Params {
  if (text === "-" || text === "") return {};
  if (text.startsWith("~")) {
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(text.slice(1), "base64url").toString("utf8"));
    } catch {
      throw new ScheduleSyntaxError("schedule parameters after '~' are not base64url JSON");
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new ScheduleSyntaxError("schedule parameters after '~' must encode a JSON object");
    }
    return value as Params;
  }
  // A Map, then fromEntries: keys such as "constructor" or "__proto__" stay plain own keys.
  const out = new Map<string, Json>();
  for (const pair of text.split(",")) {
    const eq = pair.indexOf("=");
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    if (eq <= 0 || !KEY.test(key)) {
      throw new ScheduleSyntaxError(`schedule parameter '${pair}' is not key=value`);
    }
    if (out.has(key)) throw new ScheduleSyntaxError(`schedule parameter '${key}' is given twice`);
    out.set(
      key,
      raw === "true" ? true : raw === "false" ? false : NUMBER.test(raw) ? Number(raw) : raw,
    );
  }
  return Object.fromEntries(out);
}

const NUMBER = /^-?\d+(\.\d+)?$/;

const DECISION = /^(?:(\d+)(?:x(\d+))?|t(\d+)|c(\d+))$/;

export function parseDecisions(text: string): Decision[] {
  if (text === "-" || text === "") return [];
  const out: Decision[] = [];
  for (const token of text.split(".")) {
    const m = DECISION.exec(token);
    if (m === null) {
      throw new ScheduleSyntaxError(
        `schedule decision '${token}' is not one of N, NxCOUNT, tN or cN (N a whole number)`,
      );
    }
    const subject = Number(m[1] ?? m[3] ?? m[4]);
    if (!Number.isSafeInteger(subject * 3 + 2)) {
      throw new ScheduleSyntaxError(`schedule decision '${token}' is out of range`);
    }
    if (m[1] !== undefined) {
      const count = m[2] === undefined ? 1 : Number(m[2]);
      if (count < 1 || count > 1_000_000) {
        throw new ScheduleSyntaxError(
          `schedule decision '${token}' repeats ${count} times (1 to 1000000)`,
        );
      }
      for (let i = 0; i < count; i++) out.push(stepOf(Number(m[1])));
    } else if (m[3] !== undefined) {
      out.push(timerOf(Number(m[3])));
    } else {
      out.push(choiceOf(Number(m[4])));
    }
  }
  return out;
}

/** Parses schedule text; throws a ScheduleSyntaxError or SchemaVersionError on bad input. */
export function parseSchedule(text: string): Schedule {
  const trimmed = text.trim();
  const parts = trimmed.split(":");
  const version = parts[0] ?? "";
  if (/^ss\d+$/.test(version) && version !== SCHEDULE_VERSION) {
    throw new SchemaVersionError(
      `schedule format '${version}' is not supported by this streamsim (it reads '${SCHEDULE_VERSION}'); re-record it with this version`,
    );
  }
  if (version !== SCHEDULE_VERSION || parts.length !== 4) {
    throw new ScheduleSyntaxError(
      `not a schedule: expected '${SCHEDULE_VERSION}:<scenario>:<params>:<decisions>', got '${abbreviate(trimmed)}'`,
    );
  }
  const [, scenario, params, decisions] = parts as [string, string, string, string];
  if (!SCENARIO_NAME.test(scenario)) {
    throw new ScheduleSyntaxError(
      `schedule names scenario '${scenario}', which is not a scenario name`,
    );
  }
  return { scenario, params: parseParams(params), decisions: parseDecisions(decisions) };
}

function abbreviate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Refuses a schedule of another scenario: its decisions were replayed against this one and
 * the trace labelled with this one's name (review: a lastzero schedule became a counter trace).
 */
export function checkScheduleScenario(scenario: Scenario, schedule: Schedule): void {
  if (schedule.scenario !== scenario.name) {
    throw new OptionError(
      `the schedule is of scenario '${schedule.scenario}', not '${scenario.name}'; replay it against its own scenario`,
    );
  }
}
