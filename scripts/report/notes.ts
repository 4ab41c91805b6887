import { InputError } from "../../sim/index.ts";

/**
 * The note grammar the HTML report reads: how a model tells the report which frames went
 * where. A model writes these with `world.note(...)` inside the step that did the thing;
 * every other note is shown as plain text in the inspector and otherwise ignored.
 *
 *   note   := verb (" " key "=" value)*
 *   verb   := "send" | "render" | "journal" | "skip"
 *   value  := bare | quoted
 *   bare   := one or more characters other than space, '"' and '='
 *   quoted := a JSON string literal ("tool(\"call 1\")"), for values with spaces or quotes
 *
 * Verbs and their keys (keys in any order; unknown keys are kept and shown, not an error):
 *
 *   send    frame=<event_id|-> event=<name> to=<tab> [id=<id line|->] [via=<replay|live|...>]
 *           On an SSE handler's step: it wrote one frame to the wire of tab <tab> (the tab
 *           actor's name). frame is the journal id of the event the frame carries, whatever
 *           the wire says ("run1:3"; in the model, eventId(frame.ref)), or "-" for an event
 *           that was never journaled (a cancel written straight into the channel). id is the
 *           `id:` line actually written when it differs (borrowed, or "-" for none).
 *   render  frame=<event_id|-> event=<name> [id=<id line|->]
 *           On a browser tab's step: it rendered one frame. The report draws an arrow from
 *           the earliest unmatched `send` to this tab with the same frame and event, and
 *           calls a second render of the same frame (not "-") by the same tab a duplicate.
 *   journal frame=<event_id> event=<name> [seq=<n>]
 *           On a producer's step: it wrote this row to the run journal. Used to link the row
 *           a tab never rendered when a no-loss invariant breaks.
 *   skip    frame=<event_id|-> event=<name> [to=<tab>] [reason=<words>]
 *           On a handler's step: it decided not to send a frame (dedupe, terminal check).
 *
 * A note that starts with one of these verbs but does not parse is a NoteSyntaxError; the
 * report lists it as a warning and still renders (a trace is evidence: never refuse to show
 * it for a cosmetic fault).
 */
export type NoteVerb = "send" | "render" | "journal" | "skip";

export const NOTE_VERBS: readonly NoteVerb[] = ["send", "render", "journal", "skip"];

/** The frame id written for a frame that carries no journal id of its own. */
export const NO_FRAME_ID = "-";

/** One parsed report note. `fields` keeps every key, including ones this report ignores. */
export interface ReportNote {
  readonly verb: NoteVerb;
  readonly fields: Readonly<Record<string, string>>;
}

/** A note that starts with a report verb but breaks the grammar above. */
export class NoteSyntaxError extends InputError {
  override readonly name = "NoteSyntaxError";
}

/** Which keys each verb must have. */
const REQUIRED: Readonly<Record<NoteVerb, readonly string[]>> = {
  send: ["frame", "event", "to"],
  render: ["frame", "event"],
  journal: ["frame", "event"],
  skip: ["frame", "event"],
};

/**
 * Parses one note. Returns null for a note that is not a report note (its first word is not
 * one of the verbs); throws NoteSyntaxError for a report note that does not parse.
 */
export function parseNote(text: string): ReportNote | null {
  const verb = text.split(" ", 1)[0] ?? "";
  if (!isVerb(verb)) return null;
  const fields: Record<string, string> = {};
  let pos = verb.length;
  // Bounded: every iteration consumes at least one character of the text.
  while (pos < text.length) {
    if (text[pos] !== " ") throw syntax(text, `expected a space at column ${pos + 1}`);
    while (text[pos] === " ") pos++;
    if (pos >= text.length) break;
    const eq = text.indexOf("=", pos);
    if (eq < 0) throw syntax(text, `expected key=value at column ${pos + 1}`);
    const key = text.slice(pos, eq);
    if (!/^[a-z_][a-z0-9_-]*$/.test(key)) throw syntax(text, `bad key '${key}'`);
    if (key in fields) throw syntax(text, `key '${key}' given twice`);
    pos = eq + 1;
    const [value, next] = text[pos] === '"' ? readQuoted(text, pos) : readBare(text, pos);
    fields[key] = value;
    pos = next;
  }
  for (const key of REQUIRED[verb]) {
    if (!(key in fields)) throw syntax(text, `'${verb}' needs ${key}=`);
  }
  return { verb, fields };
}

/** Formats a note in the grammar (for models and tests); quotes values that need it. */
export function formatNote(verb: NoteVerb, fields: Readonly<Record<string, string>>): string {
  const parts: string[] = [verb];
  for (const [key, value] of Object.entries(fields)) {
    const bare = value.length > 0 && !/[\s"=]/.test(value);
    parts.push(`${key}=${bare ? value : JSON.stringify(value)}`);
  }
  return parts.join(" ");
}

function isVerb(word: string): word is NoteVerb {
  return (NOTE_VERBS as readonly string[]).includes(word);
}

function readBare(text: string, start: number): [string, number] {
  let end = start;
  while (end < text.length && text[end] !== " ") {
    if (text[end] === '"' || text[end] === "=") {
      throw syntax(text, `unexpected '${text[end]}' at column ${end + 1} (quote the value)`);
    }
    end++;
  }
  if (end === start) throw syntax(text, `empty value at column ${start + 1}`);
  return [text.slice(start, end), end];
}

function readQuoted(text: string, start: number): [string, number] {
  // Find the closing quote: the first '"' not escaped by an odd run of backslashes.
  let end = start + 1;
  while (end < text.length) {
    if (text[end] === "\\") end += 2;
    else if (text[end] === '"') break;
    else end++;
  }
  if (end >= text.length) throw syntax(text, `unterminated quoted value at column ${start + 1}`);
  const literal = text.slice(start, end + 1);
  let value: unknown;
  try {
    value = JSON.parse(literal);
  } catch {
    throw syntax(text, `bad quoted value ${literal}`);
  }
  return [value as string, end + 1];
}

function syntax(text: string, why: string): NoteSyntaxError {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return new NoteSyntaxError(`report note "${shown}": ${why}`);
}
