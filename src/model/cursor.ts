import { RUN_ID, seqOfId } from "./frame.ts";

/** The resume parameters of an SSE request, as the tab or EventSource sends them. */
export interface ResumeRequest {
  readonly after_seq?: number;
  readonly after_event_id?: string;
  /** The Last-Event-ID header of an EventSource auto-reconnect. */
  readonly last_event_id?: string;
}

/**
 * SSE handler step 1: the client's cursor, from `after_seq`, else `after_event_id`, else
 * `Last-Event-ID`. A cursor is scoped to its run: an id of another run is no cursor at all,
 * and null means "do not resume".
 */
export function resolveCursor(request: ResumeRequest, run: string = RUN_ID): number | null {
  if (request.after_seq !== undefined) {
    return Number.isSafeInteger(request.after_seq) && request.after_seq >= 0
      ? request.after_seq
      : null;
  }
  if (request.after_event_id !== undefined) return seqOfId(request.after_event_id, run);
  if (request.last_event_id !== undefined) return seqOfId(request.last_event_id, run);
  return null;
}
