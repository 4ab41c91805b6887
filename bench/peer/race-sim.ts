/**
 * The round-2 race as a streamsim scenario: the twin of `race-fc.ts`, step for step (same
 * actors in the same order, same labels, same atomic blocks), with shared state in tracked
 * objects so that every strategy, DPOR included, sees the accesses. Actor 0 is the producer,
 * actor 1 the late tab's handler, as in the fc version.
 */
import { ScenarioParamsError } from "../../sim/errors.ts";
import type { Cell, Log, Queue, Scenario, TrackedMap, World } from "../../sim/index.ts";
import type { Actor } from "../../sim/types.ts";
import {
  defaultRaceOptions,
  type Frame,
  frameFor,
  type RaceVariant,
  raceProperties,
  raceVariants,
  TabOracle,
} from "./race.ts";

export type PeerRaceParams = {
  readonly variant: RaceVariant;
  readonly events: number;
  readonly cap: number;
};

export const peerRaceScenario: Scenario<PeerRaceParams> = {
  name: "peer-race",
  summary: "PROTOCOL.md §3 round 2: one producer, one late tab (twin of bench/peer/race-fc.ts)",
  defaults: { variant: "round2", ...defaultRaceOptions },
  parseParams(raw) {
    const { variant, events, cap } = raw;
    if (typeof variant !== "string" || !(raceVariants as readonly string[]).includes(variant)) {
      throw new ScenarioParamsError(
        `peer-race: variant must be one of ${raceVariants.join(", ")}, got ${JSON.stringify(variant)}`,
      );
    }
    for (const [key, value] of [
      ["events", events],
      ["cap", cap],
    ] as const) {
      if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 64) {
        throw new ScenarioParamsError(
          `peer-race: ${key} must be a whole number from 1 to 64, got ${JSON.stringify(value)}`,
        );
      }
    }
    return { variant: variant as RaceVariant, events: events as number, cap: cap as number };
  },
  setup(world, params) {
    const journal = world.log<Frame>("journal");
    const streams = world.map<string, boolean>("STREAMS");
    streams.set("run1", true);
    const tab = new TabOracle();
    const run: RaceState = {
      params,
      world,
      journal,
      nextSeq: world.cell("journal.next_seq", 1),
      streams,
      buffer: world.queue<Frame>("channel.buffer", { capacity: params.cap }),
      lastSeq: world.cell("channel.last_event_id", 0),
      subscribers: world.cell<readonly Queue<Frame>[]>("channel.subscribers", []),
      q: world.queue<Frame>("tab.Q", { capacity: params.cap }),
      tab,
    };
    world.spawn("producer", producer(run), { label: "reserve" });
    world.spawn("handler", handler(run), { label: "lookup" });
    world.atEnd(raceProperties.noLoss, () => tab.lossCheck(journal.inspect()));
    world.atEnd(raceProperties.terminal, () => tab.terminalCheck(journal.inspect()));
  },
  *shrinkParams(params) {
    if (params.events > 1) yield { ...params, events: params.events - 1 };
  },
};

/** One execution's shared state: the journal, the channel, the tab's queue and the oracle. */
interface RaceState {
  readonly params: PeerRaceParams;
  readonly world: World;
  readonly journal: Log<Frame>;
  readonly nextSeq: Cell<number>;
  readonly streams: TrackedMap<string, boolean>;
  readonly buffer: Queue<Frame>;
  readonly lastSeq: Cell<number>;
  readonly subscribers: Cell<readonly Queue<Frame>[]>;
  readonly q: Queue<Frame>;
  readonly tab: TabOracle;
}

// Actors live at module level, not inside setup, so that an execution does not pay for
// making closures (tsx also wraps every named inner function in a naming helper).

function render(run: RaceState, frame: Frame): void {
  const duplicate = run.tab.render(frame);
  if (duplicate !== null) run.world.fail(raceProperties.exactlyOnce, duplicate);
}

/** The run's worker: P1 reserve + write, then publish A and one publish B per subscriber. */
function* producer(run: RaceState): Actor {
  const { journal, nextSeq, buffer, lastSeq, subscribers } = run;
  const events = run.params.events;
  for (let i = 0; i < events; i++) {
    if (i > 0) yield "reserve";
    const seq = nextSeq.get();
    nextSeq.set(seq + 1);
    yield "write";
    const frame = frameFor(seq, events);
    journal.append(frame);
    yield "publish-A";
    lastSeq.set(seq);
    let targets: readonly Queue<Frame>[] = [];
    const subs = subscribers.get();
    if (subs.length === 0) buffer.push(frame);
    else {
      buffer.clear();
      targets = subs;
    }
    for (const target of targets) {
      yield "publish-B";
      target.push(frame);
    }
  }
  yield "end";
  run.streams.delete("run1");
}

/** The late tab's SSE handler, cursor 0, asking for a replay. */
function* handler(run: RaceState): Actor {
  const { journal, q, subscribers } = run;
  if (!run.streams.has("run1")) {
    // Dead stream: the journal rows after the cursor, then close.
    for (let i = 0; ; i++) {
      yield "replay-dead";
      const row = journal.at(i);
      if (row === undefined) return;
      render(run, row);
      if (row.terminal) return;
    }
  }
  yield "subscribe";
  const fixed = run.params.variant === "fixed";
  let cutoff = Number.POSITIVE_INFINITY;
  if (fixed) {
    for (const f of run.buffer.toArray()) q.push(f);
    cutoff = run.lastSeq.get();
  }
  subscribers.set([...subscribers.get(), q]);
  // Replay: one journal row per step, read lazily (rows written meanwhile are seen).
  for (let i = 0; ; i++) {
    yield "replay";
    const row = journal.at(i);
    if (row === undefined || row.seq > cutoff) break;
    render(run, row);
    if (row.terminal) return unsubscribe(run);
  }
  // Drain: pop one frame per step; `fixed` checks the terminal before deduping.
  for (;;) {
    if (q.isEmpty()) yield run.world.until(() => !q.isEmpty(), { label: "drain", on: "tab.Q" });
    else yield "drain";
    const f = q.shift() as Frame;
    if (fixed && !f.terminal && f.seq <= cutoff) continue;
    render(run, f);
    if (f.terminal) return unsubscribe(run);
  }
}

function unsubscribe(run: RaceState): void {
  run.subscribers.set(run.subscribers.get().filter((x) => x !== run.q));
}
