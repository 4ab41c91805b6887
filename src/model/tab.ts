import type { Actor, Cell, Yielded } from "../../sim/index.ts";
import type { Persisted, Rendered, TabRecord } from "../oracle/tab-record.ts";
import { type Connection, openConnection } from "./connection.ts";
import { MAX_LOOP, type ModelContext, PERSIST_EVERY_MS } from "./context.ts";
import type { ResumeRequest } from "./cursor.ts";
import { describeEvent, eventId, isTerminal, RUN_ID } from "./frame.ts";
import { refId, sseHandler } from "./handler.ts";

/**
 * What happens to a tab's connection, in order, each at a moment the scheduler picks:
 * `d` a transport error (then status probe and reconnect with the cursor), `n` the same but
 * the tab has lost its cursor and starts over (clears the page, asks from the start), `r` a
 * reload (restore the persisted text and cursor, then reconnect).
 */
export type TabAction = "d" | "n" | "r";

export interface TabPlan {
  /** e.g. "tab-1". */
  readonly name: string;
  /** The tab attaches once the journal has this many rows (0: at once), or the run ended. */
  readonly attach_after: number;
  readonly actions: readonly TabAction[];
}

/** Tracked state the tab shares with its network and persistence actors. */
export interface TabShared {
  /** The tab's current connection, null between connections and once it is done. */
  readonly connection: Cell<Connection | null>;
  /** The action that broke the current connection. */
  readonly action: Cell<TabAction | null>;
  readonly done: Cell<boolean>;
  /** The page's text length and cursor (what the periodic persistence reads). */
  readonly page: Cell<number>;
  /** localStorage: the persisted text and cursor. */
  readonly storage: Cell<Persisted>;
}

/** At most this many connections per tab; more is a model bug (a reconnect loop). */
const MAX_CONNECTIONS = 32;

export function makeTabShared(ctx: ModelContext, name: string): TabShared {
  const { world } = ctx;
  return {
    connection: world.cell<Connection | null>(`${name}.connection`, null),
    action: world.cell<TabAction | null>(`${name}.action`, null),
    done: world.cell(`${name}.done`, false),
    page: world.cell(`${name}.page`, 0),
    storage: world.cell<Persisted>(`${name}.storage`, { cursor: null, transcript: [] }),
  };
}

/**
 * A browser tab (static/messages.js): attaches, renders every frame it reads (token text is
 * appended with no id check), moves its cursor on `id:` lines, and on a transport error,
 * reload or recovery signal reconnects with its cursor; when its connection closes without a
 * terminal and the status endpoint says the run is over, it loads the settled transcript.
 */
export function* browserTab(
  ctx: ModelContext,
  plan: TabPlan,
  tab: TabRecord,
  shared: TabShared,
): Actor {
  const { world, journal, streams } = ctx;
  if (plan.attach_after > 0) {
    yield world.until(() => journal.hasRows(plan.attach_after) || !streams.has(RUN_ID), {
      label: "attach",
      on: `${plan.attach_after} journal rows`,
    });
  }
  let request: ResumeRequest = { after_seq: 0 };
  for (let c = 1; c <= MAX_CONNECTIONS; c++) {
    const conn = openConnection(world, `${plan.name}#${c}`);
    shared.connection.set(conn);
    world.spawn(`sse-${plan.name}#${c}`, sseHandler(ctx, tab, conn, request), {
      label: "resolve cursor",
    });
    const ending = yield* readFrames(ctx, conn, tab, shared);
    shared.connection.set(null);
    if (ending === "terminal") {
      shared.done.set(true);
      return;
    }
    if (ending === "broken") {
      const action = shared.action.get();
      if (action === "r") {
        yield "reload: restore persisted";
        const saved = shared.storage.get();
        tab.resetPage(saved.transcript, saved.cursor);
        world.reach("tab: reloaded from persisted state");
        world.note(
          () => `reloaded ${saved.transcript.length} rendered frames, cursor ${saved.cursor}`,
        );
      } else if (action === "n") {
        tab.resetPage([], null);
      }
    } else if (ending === "recover") {
      yield "recovery: reload settled transcript";
      reloadTranscript(ctx, tab);
      tab.recoveries++;
      if (tab.terminalCount > 0) {
        // The settled transcript already ends the run: nothing to reconnect for.
        tab.finished = "settled";
        shared.done.set(true);
        return;
      }
    }
    yield "status probe";
    const active = streams.has(RUN_ID);
    if (ending === "closed" && !active) {
      yield "settle: reload settled transcript";
      reloadTranscript(ctx, tab);
      tab.finished = "settled";
      world.reach("tab: settled from the transcript");
      shared.done.set(true);
      return;
    }
    request = tab.cursor === null ? { after_seq: 0 } : { after_event_id: tab.cursor };
  }
  throw new Error(`${plan.name} opened ${MAX_CONNECTIONS} connections (a reconnect loop)`);
}

/** Reads and renders frames until the connection ends; says how it ended. */
function* readFrames(
  ctx: ModelContext,
  conn: Connection,
  tab: TabRecord,
  shared: TabShared,
): Generator<Yielded, "terminal" | "closed" | "broken" | "recover", unknown> {
  const { world } = ctx;
  for (let i = 0; i < MAX_LOOP; i++) {
    yield world.until(() => !conn.wire.isEmpty() || conn.closed.get() || conn.broken.get(), {
      label: "read frame",
      on: `${conn.name}.wire`,
    });
    if (conn.broken.get()) {
      // A transport error: whatever was in flight is lost.
      conn.wire.clear();
      return "broken";
    }
    const w = conn.wire.shift();
    if (w === undefined) return "closed";
    if (w.kind === "heartbeat") continue;
    if (w.kind === "recover") return "recover";
    tab.render(w.frame, w.id);
    shared.page.set(tab.transcript.length);
    world.note(() => `rendered ${describeEvent(w.frame)}${w.id === null ? "" : ` id ${w.id}`}`);
    world.note(() => `render frame=${refId(w.frame)} event=${w.frame.event} id=${w.id ?? "-"}`);
    if (isTerminal(w.frame.event)) {
      tab.finishWithTerminal(w.frame, ctx.journal.rows.inspect());
      return "terminal";
    }
  }
  throw new Error(`${conn.name}: more than ${MAX_LOOP} frames`);
}

/** The transcript endpoint: the journal sorted by seq up to its first hole. */
function reloadTranscript(ctx: ModelContext, tab: TabRecord): void {
  const rows = ctx.journal.settled();
  const transcript: Rendered[] = rows.map((r) => ({ event: r.event, data: r.data, ref: r.seq }));
  const last = rows[rows.length - 1];
  tab.resetPage(transcript, last === undefined ? null : eventId(last.seq));
}

/**
 * The network under a tab: each planned action breaks the tab's current connection at a
 * moment the scheduler picks, then waits for the tab to move on to the next one.
 */
export function* network(ctx: ModelContext, plan: TabPlan, shared: TabShared): Actor {
  const { world } = ctx;
  let last: Connection | null = null;
  for (const action of plan.actions) {
    // Each action hits a connection the previous action did not already break.
    yield world.until(
      () => {
        const c = shared.connection.get();
        return (c !== null && c !== last) || shared.done.get();
      },
      { label: `break (${action})`, on: `${plan.name}'s next connection` },
    );
    const conn = shared.connection.get();
    if (conn === null || conn === last) return;
    last = conn;
    shared.action.set(action);
    conn.broken.set(true);
    world.note(`${action === "r" ? "reload" : "transport error"} on ${conn.name}`);
  }
}

/** The tab's periodic persistence of its text and cursor (a daemon: it keeps nothing alive). */
export function* persistence(ctx: ModelContext, tab: TabRecord, shared: TabShared): Actor {
  const { world } = ctx;
  for (let i = 0; i < MAX_LOOP; i++) {
    yield world.sleep(PERSIST_EVERY_MS, "persist");
    if (shared.done.get()) return;
    shared.page.get();
    tab.persist();
    shared.storage.set(tab.persisted);
  }
}
