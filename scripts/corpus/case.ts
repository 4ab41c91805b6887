import { createHash } from "node:crypto";
import { dirname } from "node:path";
import {
  HARNESS_VERSION,
  InputError,
  type Params,
  parseJsonFile,
  parseSchedule,
  SchemaVersionError,
  TraceFormatError,
} from "../../sim/index.ts";
import { isVerdict, type Verdict } from "../cli/verdict.ts";

export const CASE_FORMAT = "streamsim.corpus-case";
/** Bump when the case shape changes, and say in parseCase how to migrate older cases. */
export const CASE_SCHEMA = 1;

/**
 * One regression case: a schedule and the verdict each variant is expected to give on it.
 * The exact `schedule` replays the execution on the variant it was found on; `choices` is
 * the same execution in the lenient encoding, which runs on every variant of the scenario
 * (a variant with other steps cannot follow the exact schedule, but can follow the choices).
 */
export interface CorpusCase {
  readonly format: typeof CASE_FORMAT;
  readonly schema: typeof CASE_SCHEMA;
  readonly harness: string;
  readonly id: string;
  readonly scenario: string;
  /** The variant the schedule was found on, or null for a plain scenario. */
  readonly found_on: string | null;
  readonly params: Params;
  readonly schedule: string;
  readonly choices: readonly number[];
  readonly steps: number;
  /** The verdict expected from each variant it is checked against, by variant name. */
  readonly expected: { readonly [variant: string]: Verdict };
  readonly note: string;
}

export function makeCase(fields: Omit<CorpusCase, "format" | "schema" | "harness">): CorpusCase {
  return { format: CASE_FORMAT, schema: CASE_SCHEMA, harness: HARNESS_VERSION, ...fields };
}

/**
 * A case's id: the variant it was found on (or its scenario) and a hash of its schedule,
 * so that adding one schedule again names the same file.
 */
export function caseIdOf(foundOn: string, schedule: string): string {
  return `${foundOn}-${createHash("sha256").update(schedule).digest("hex").slice(0, 8)}`;
}

export function stringifyCase(c: CorpusCase): string {
  return `${JSON.stringify(c, null, 2)}\n`;
}

/**
 * Parses and validates a case file's text; every problem is a one-line InputError.
 * `builtinIds`: the ids of the built-in minimal cases, which an older schema's case is
 * migrated to by making it again (corpus add --builtin), not by adding its schedule.
 */
export function parseCase(
  text: string,
  file: string,
  builtinIds: ReadonlySet<string> = new Set(),
): CorpusCase {
  const source = `corpus case '${file}'`;
  const value = parseJsonFile(text, source);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TraceFormatError(`${source} is not a corpus case: expected a JSON object`);
  }
  const c = value as Record<string, unknown>;
  if (c.format !== CASE_FORMAT) {
    throw new TraceFormatError(`${source} is not a corpus case: "format" must be "${CASE_FORMAT}"`);
  }
  if (typeof c.schema !== "number") throw new TraceFormatError(`${source} has no schema version`);
  const schedule = typeof c.schedule === "string" ? c.schedule : "<its schedule>";
  if (c.schema < CASE_SCHEMA) {
    // A built-in minimal case is made again under its own id (a case added from its
    // schedule would get another id, and `npm test` looks the minimal cases up by id).
    // Added again, a schedule usually keeps its id, and so its file (--force writes over
    // it); the advice to delete the old file afterwards then deleted the migrated case
    // (fresh-user audit). Whether it does depends on today's variants and the schedule's
    // normal form, which `corpus add` knows, not this hint: it names the file it wrote.
    const how =
      typeof c.id === "string" && builtinIds.has(c.id)
        ? `npx streamsim corpus add --builtin --force --dir '${dirname(file)}' (it is a built-in minimal case: this makes it again under its id)`
        : `npx streamsim corpus add '${schedule}' --dir '${dirname(file)}' --force (with the --expect and --note it had), then delete ${file} if the add wrote another file`;
    throw new SchemaVersionError(
      `${source} has schema ${c.schema}, older than this streamsim's ${CASE_SCHEMA}; migrate it: ${how}`,
    );
  }
  if (c.schema > CASE_SCHEMA) {
    throw new SchemaVersionError(
      `${source} has schema ${c.schema}, newer than this streamsim's ${CASE_SCHEMA}; upgrade streamsim to read it`,
    );
  }
  const fail = (what: string): never => {
    throw new TraceFormatError(`${source}: ${what}`);
  };
  if (typeof c.id !== "string") fail(`"id" must be a string`);
  if (typeof c.scenario !== "string") fail(`"scenario" must be a string`);
  if (c.found_on !== null && typeof c.found_on !== "string")
    fail(`"found_on" must be a string or null`);
  if (typeof c.schedule !== "string") fail(`"schedule" must be a string`);
  if (
    !Array.isArray(c.choices) ||
    !c.choices.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)
  ) {
    fail(`"choices" must be an array of whole numbers`);
  }
  if (c.params === null || typeof c.params !== "object" || Array.isArray(c.params)) {
    fail(`"params" must be an object`);
  }
  // Checked too, though replay does not read them: a hand-edited "steps": "x" was taken
  // for a stale case (its step count differs), and a bad note or harness printed as is.
  if (!Number.isSafeInteger(c.steps) || (c.steps as number) < 0) {
    fail(`"steps" must be a whole number`);
  }
  if (typeof c.harness !== "string") fail(`"harness" must be a string`);
  if (typeof c.note !== "string") fail(`"note" must be a string`);
  const expected = c.expected;
  if (
    expected === null ||
    typeof expected !== "object" ||
    Array.isArray(expected) ||
    !Object.values(expected).every(isVerdict) ||
    Object.keys(expected).length === 0
  ) {
    fail(
      `"expected" must map variant names to verdicts ("pass", "violation: <invariant>", "deadlock", "budget", "horizon" or "crash")`,
    );
  }
  let named: string;
  try {
    named = parseSchedule(c.schedule as string).scenario;
  } catch (e) {
    // The schedule's own message does not say which case it is in.
    if (e instanceof InputError) fail(`"schedule" is bad: ${e.message}`);
    throw e;
  }
  if (named !== c.scenario) {
    fail(`"scenario" does not match the scenario its schedule names`);
  }
  return value as CorpusCase;
}
