import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatNote, NOTE_VERBS, NoteSyntaxError, parseNote } from "./notes.ts";

const RUNS = Number(process.env.STREAMSIM_REPORT_RUNS ?? 100);

describe("parseNote", () => {
  it("reads a send note into its fields", () => {
    expect(parseNote("send frame=run:3 event=token to=tab-1 via=replay")).toEqual({
      verb: "send",
      fields: { frame: "run:3", event: "token", to: "tab-1", via: "replay" },
    });
  });

  it("reads quoted values with spaces, quotes and equals signs", () => {
    const n = parseNote('skip frame=- event=cancel reason="seq \\"3\\" <= cutoff=5"');
    expect(n?.fields.reason).toBe('seq "3" <= cutoff=5');
  });

  it("ignores notes that are not report notes", () => {
    expect(parseNote("choice: chose 1 of 2")).toBeNull();
    expect(parseNote("sending soon")).toBeNull();
    expect(parseNote("")).toBeNull();
  });

  it.each([
    ["send frame=run:1 event=token", "'send' needs to="],
    ["render frame=run:1", "'render' needs event="],
    ["render frame=run:1 event=a event=b", "key 'event' given twice"],
    ["render frame=run:1 event", "expected key=value"],
    ['render frame=run:1 event="open', "unterminated quoted value"],
    ["render frame=run:1 event=a=b", "unexpected '='"],
    ["render frame= event=a", "empty value"],
    ['render frame="a"x event=b', "expected a space"],
    ["render Frame=1 event=b", "bad key 'Frame'"],
  ])("rejects %j: %s", (text, why) => {
    expect(() => parseNote(text)).toThrow(NoteSyntaxError);
    expect(() => parseNote(text)).toThrow(why);
  });

  it("reads back whatever formatNote writes", () => {
    const key = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,8}$/);
    fc.assert(
      fc.property(
        fc.constantFrom(...NOTE_VERBS),
        fc.dictionary(key, fc.string({ minLength: 1 }), { maxKeys: 5 }),
        (verb, extra) => {
          const fields = { frame: "run:1", event: "token", to: "tab-1", ...extra };
          expect(parseNote(formatNote(verb, fields))).toEqual({ verb, fields });
        },
      ),
      { numRuns: RUNS },
    );
  });
});
