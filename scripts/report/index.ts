/**
 * The HTML race report: a trace drawn as swimlanes. One public entry point for the CLI
 * (`replay --html`, `run --html`) and for tests.
 */
export { type ReportHeader, renderHtmlReport } from "./html.ts";
export { inferPreemptions, replayInsight, type TraceInsight } from "./insight.ts";
export {
  type Arrow,
  type ArrowTone,
  type Box,
  type Lane,
  type LaneKind,
  type LayoutExtra,
  layoutFromTrace,
  type Mark,
  type MarkKind,
  objectStatesAt,
  type ReportLayout,
  type Run,
  type ViolationView,
} from "./layout.ts";
export {
  formatNote,
  NO_FRAME_ID,
  NOTE_VERBS,
  NoteSyntaxError,
  type NoteVerb,
  parseNote,
  type ReportNote,
} from "./notes.ts";
export { writeHtmlReport } from "./write.ts";
