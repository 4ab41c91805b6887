import fc from "fast-check";
import type { Cell } from "../objects/cell.ts";
import type { Scenario } from "../scenario.ts";
import type { Actor } from "../types.ts";
import type { World } from "../world.ts";

/**
 * Small random concurrent programs over tracked cells, for testing partial-order reduction
 * against plain enumeration. A program is data (so fast-check can generate and shrink it);
 * `programScenario` turns it into a scenario whose steps read, write and increment cells,
 * make data choices, read the clock, push to and pop from a bounded queue, append to and
 * read rows of a log, wait on a cell or the queue (with or without a timeout), sleep, and
 * spawn children.
 */
export type Op =
  | { readonly op: "read"; readonly cell: number }
  | { readonly op: "write"; readonly cell: number; readonly value: number }
  /** Writes the value read from `from` plus one into `cell`: data flows between objects. */
  | { readonly op: "copy"; readonly from: number; readonly cell: number }
  | { readonly op: "choose"; readonly cell: number }
  /**
   * A choice only while `cell` is 0: the step reads it and, while it is 0, chooses; choosing
   * 1 writes 1 into it. One actor's choice takes the others' away, as the producers' shared
   * budget of injected append failures does (src/model/producer.ts).
   */
  | { readonly op: "spend"; readonly cell: number }
  /**
   * A choice whose range depends on `cell`: among 2 values while it is 0, among 3 after;
   * the value chosen is written into it. What a step can choose depends on what ran before
   * it, as which rows a reader may see depends on what the journal holds.
   */
  | { readonly op: "range"; readonly cell: number }
  /**
   * Ends the step here when `cell` is non-zero: the ops after it run in a step of their own.
   * How many steps an actor takes depends on what it reads, as the handler's replay takes
   * one more step for each row the journal holds.
   */
  | { readonly op: "split"; readonly cell: number }
  /**
   * Waits until `cell` is non-zero (or `timeout_ms` passes), only when it is 0 (no wait at
   * all otherwise): whether an actor waits depends on what it reads, as the handler's gap
   * check waits for a reserved journal row only while the row is not written yet.
   */
  | { readonly op: "await"; readonly cell: number; readonly timeout_ms?: number }
  /** Writes the virtual time plus one into `cell`: the step reads the clock. */
  | { readonly op: "now"; readonly cell: number }
  /**
   * Pushes `value` into the program's queue (capacity 2, the oldest item dropped when full).
   * `queue: 1` names a second queue, which no step waits on, for every queue op: steps on
   * different queues commute.
   */
  | { readonly op: "push"; readonly value: number; readonly queue?: 1 }
  /** Pops the queue's head plus one into `cell` (1 when empty). */
  | { readonly op: "pop"; readonly cell: number; readonly queue?: 1 }
  /** Writes 1 into `cell` when the queue is empty, else 2 (or its size plus one, for "size"). */
  | { readonly op: "empty" | "size"; readonly cell: number; readonly queue?: 1 }
  /** Appends `value` to the program's log. */
  | { readonly op: "append"; readonly value: number }
  /** Writes log row `index` plus one (1 when there is none yet) into `cell`. */
  | { readonly op: "row"; readonly index: number; readonly cell: number }
  /**
   * Spawns body `child`; with `when`, only while that cell is non-zero, so that which actors
   * exist depends on what ran before (as a tab spawns another handler when it reconnects).
   */
  | { readonly op: "spawn"; readonly child: number; readonly when?: number }
  /** Empties the queue (as the channel drops its offline buffer once a tab listens). */
  | { readonly op: "clear"; readonly queue?: 1 }
  /** Releases mutex `mutex`, if the actor holds it (a timed acquire may have given up). */
  | { readonly op: "unlock"; readonly mutex: number };

export type Wait =
  | number
  | "queue"
  | "log"
  | readonly [number, "queue"]
  | readonly [number, number];

export interface ProgramStep {
  /**
   * Before the step: wait until cell `wait` is non-zero (a number), until the queue is not
   * empty ("queue", as a tab's handler waits to drain its queue), until either holds
   * ([cell, "queue"], as the handler waits for a frame or a broken connection), until both
   * cells are non-zero ([cell, cell]; both are read, then combined), or until the log has
   * a row ("log", as a late reader waits for the journal); null: no wait.
   */
  readonly wait: Wait | null;
  /** Timeout of that wait in virtual ms (null: none). */
  readonly timeout_ms: number | null;
  /**
   * Before the step, instead of `wait`: acquire mutex `lock` (with `timeout_ms`, if any),
   * as a thread takes a lock it holds across later steps. Absent: none.
   */
  readonly lock?: number;
  readonly ops: readonly Op[];
}

export interface Program {
  readonly cells: number;
  /** Actors spawned by the setup. */
  readonly actors: readonly (readonly ProgramStep[])[];
  /** Bodies that `spawn` ops start (a child never spawns, so programs stay finite). */
  readonly children: readonly (readonly ProgramStep[])[];
  /**
   * Data choices the setup makes, before any step: the first `setup_choices` cells start
   * at a chosen value, the first among 2 and each next one among 2 plus the value before
   * it (so that a choice's range depends on an earlier one). Default none.
   */
  readonly setup_choices?: number;
  /**
   * The last `daemons` actors are daemons: the execution completes when the others have
   * finished, wherever the daemons are. Default none.
   */
  readonly daemons?: number;
  /** Children are spawned as daemons (by a step, not by the setup). Default false. */
  readonly daemon_children?: boolean;
  /** Mutexes that steps `lock` and `unlock` (see withMutexes). Default none. */
  readonly mutexes?: number;
}

function opArb(cells: number, children: number, timeouts: boolean): fc.Arbitrary<Op> {
  const cell = fc.nat({ max: cells - 1 });
  const ops: fc.Arbitrary<Op>[] = [
    cell.map((c) => ({ op: "read" as const, cell: c })),
    // Writing 0 makes a waiter's predicate ("cell is non-zero") false again: a window in
    // which it could have woken closes, as when a lock is taken or a queue drained. Only
    // `write` does it; with it the property test checks insertWaitWindows in dpor.ts
    // (programs that never wrote 0 did not: that rule could be switched off unnoticed).
    fc
      .record({ cell, value: fc.integer({ min: 0, max: 2 }) })
      .map((r) => ({ op: "write" as const, ...r })),
    fc.record({ from: cell, cell }).map((r) => ({ op: "copy" as const, ...r })),
    cell.map((c) => ({ op: "choose" as const, cell: c })),
    cell.map((c) => ({ op: "spend" as const, cell: c })),
    cell.map((c) => ({ op: "range" as const, cell: c })),
    cell.map((c) => ({ op: "split" as const, cell: c })),
    cell.map((c) => ({ op: "await" as const, cell: c })),
  ];
  if (timeouts) {
    ops.push(cell.map((c) => ({ op: "now" as const, cell: c })));
    // A wait made only in some states that can also time out.
    ops.push(
      fc
        .record({ cell, timeout_ms: fc.integer({ min: 1, max: 3 }) })
        .map((r) => ({ op: "await" as const, ...r })),
    );
  }
  ops.push(
    onSomeQueue(fc.integer({ min: 1, max: 2 }).map((value) => ({ op: "push" as const, value }))),
    onSomeQueue(cell.map((c) => ({ op: "pop" as const, cell: c }))),
    onSomeQueue(fc.record({ op: fc.constantFrom("empty" as const, "size" as const), cell })),
    onSomeQueue(fc.constant({ op: "clear" as const })),
    fc.integer({ min: 1, max: 2 }).map((value) => ({ op: "append" as const, value })),
    fc.record({ op: fc.constant("row" as const), index: fc.nat({ max: 2 }), cell }),
  );
  if (children > 0)
    ops.push(
      fc.nat({ max: children - 1 }).map((c) => ({ op: "spawn" as const, child: c })),
      fc
        .record({ child: fc.nat({ max: children - 1 }), when: cell })
        .map((r) => ({ op: "spawn" as const, ...r })),
    );
  return fc.oneof(...ops);
}

/** A queue op on the first queue, or (one time in four) on the second. */
function onSomeQueue<T extends object>(op: fc.Arbitrary<T>): fc.Arbitrary<T | (T & { queue: 1 })> {
  return fc
    .tuple(op, fc.nat({ max: 3 }))
    .map(([o, q]) => (q === 0 ? { ...o, queue: 1 as const } : o));
}

function stepArb(cells: number, children: number, timeouts: boolean): fc.Arbitrary<ProgramStep> {
  return fc.record({
    wait: fc.option(
      fc.oneof(
        fc.nat({ max: cells - 1 }),
        fc.constant("queue" as const),
        fc.tuple(fc.nat({ max: cells - 1 }), fc.constant("queue" as const)),
        fc.tuple(fc.nat({ max: cells - 1 }), fc.nat({ max: cells - 1 })),
        fc.constant("log" as const),
      ),
      { freq: 5 },
    ),
    timeout_ms: timeouts
      ? fc.option(fc.integer({ min: 1, max: 3 }), { freq: 2 })
      : fc.constant(null),
    ops: fc.array(opArb(cells, children, timeouts), { minLength: 1, maxLength: 2 }),
  });
}

/**
 * Programs of 2–3 actors (waits with timeouts and sleeps only when `timeouts`, default true) with 1–3 steps each, over 1–3 cells, at most 6 steps and 2 data
 * choices in all (so that plain enumeration stays in the thousands of executions).
 * `max_actors` (default 3) and `max_steps` (default 6) widen them, for sweeps by hand.
 */
export function programArbitrary(
  options: {
    readonly timeouts?: boolean;
    readonly max_actors?: number;
    readonly max_steps?: number;
    /** Programs whose setup makes 0 to this many data choices (see Program). Default 0. */
    readonly max_setup_choices?: number;
    /** Programs with 0 to this many daemons among their actors (see Program). Default 0. */
    readonly max_daemons?: number;
    /** Programs whose steps lock and unlock this many mutexes (see withMutexes). Default 0. */
    readonly mutexes?: number;
  } = {},
): fc.Arbitrary<Program> {
  const max_steps = options.max_steps ?? 6;
  const sized = programsOfAnySize(options.timeouts ?? true, options.max_actors ?? 3).filter(
    (p) => size(p).steps <= max_steps && size(p).choices <= 2,
  );
  const programs = (options.mutexes ?? 0) > 0 ? withMutexes(sized, options.mutexes ?? 0) : sized;
  const max_setup = options.max_setup_choices ?? 0;
  const max_daemons = options.max_daemons ?? 0;
  if (max_setup === 0 && max_daemons === 0) return programs;
  return fc
    .tuple(programs, fc.nat({ max: max_setup }), fc.nat({ max: max_daemons }), fc.boolean())
    .map(([p, setup, daemons, daemonChildren]) => ({
      ...p,
      ...(setup > 0 ? { setup_choices: Math.min(setup, p.cells) } : {}),
      // At least one actor keeps the execution alive.
      ...(daemons > 0 ? { daemons: Math.min(daemons, p.actors.length - 1) } : {}),
      ...(max_daemons > 0 && daemonChildren ? { daemon_children: true } : {}),
    }));
}

/**
 * The programs of `programs` with locks: each step may instead of its wait acquire one of
 * `mutexes` mutexes, and may release one after its ops. Per body, a step never acquires a
 * mutex it may already hold (it would wait on itself forever), and releases only one it
 * may hold (at run time only if it does: a timed acquire may have given up). A body may
 * end holding one, and then whoever waits for it deadlocks, which the search reports
 * like any other outcome.
 */
function withMutexes(programs: fc.Arbitrary<Program>, mutexes: number): fc.Arbitrary<Program> {
  const perStep = fc.record({
    lock: fc.nat({ max: mutexes * 2 }),
    unlock: fc.nat({ max: mutexes }),
  });
  return programs.chain((p) => {
    const bodies = [...p.actors, ...p.children];
    const steps = bodies.reduce((n, body) => n + body.length, 0);
    return fc.array(perStep, { minLength: steps, maxLength: steps }).map((extras) => {
      let next = 0;
      const lockBody = (body: readonly ProgramStep[]): ProgramStep[] => {
        const held = new Set<number>();
        return body.map((step) => {
          const { lock, unlock } = extras[next++] as { lock: number; unlock: number };
          let out: ProgramStep = step;
          // Half the draws take no lock, so that locked steps and plain waits mix.
          if (lock < mutexes && !held.has(lock)) {
            held.add(lock);
            out = { ...out, wait: null, lock };
          }
          const m = unlock - 1;
          if (m >= 0 && held.has(m)) {
            held.delete(m);
            out = { ...out, ops: [...out.ops, { op: "unlock", mutex: m }] };
          }
          return out;
        });
      };
      return {
        ...p,
        mutexes,
        actors: p.actors.map(lockBody),
        children: p.children.map(lockBody),
      };
    });
  });
}

function size(p: Program): { steps: number; choices: number } {
  const all = [...p.actors, ...p.children];
  let steps = 0;
  let choices = 0;
  for (const body of all) {
    steps += body.length;
    for (const step of body) {
      // A split or a wait inside a step can make one step more.
      for (const o of step.ops) {
        if (o.op === "split" || o.op === "await") steps++;
        else if (o.op === "choose" || o.op === "spend" || o.op === "range") choices++;
      }
    }
  }
  return { steps, choices };
}

function programsOfAnySize(timeouts: boolean, max_actors: number): fc.Arbitrary<Program> {
  return fc.integer({ min: 1, max: 3 }).chain((cells) =>
    fc
      .array(fc.array(stepArb(cells, 0, timeouts), { minLength: 1, maxLength: 2 }), {
        maxLength: 1,
      })
      .chain((children) =>
        fc.record({
          cells: fc.constant(cells),
          actors: fc.array(
            fc.array(stepArb(cells, children.length, timeouts), { minLength: 1, maxLength: 3 }),
            {
              minLength: 2,
              maxLength: max_actors,
            },
          ),
          children: fc.constant(children),
        }),
      ),
  );
}

/**
 * One part of a generated invariant: a cell holds `value` (read with `get`, or with `peek`
 * as checks mostly do), the queue holds `size` items (`inspectSize`), or the log has
 * `length` rows (`inspect`).
 */
export type Atom =
  | { readonly of: "cell"; readonly cell: number; readonly value: number; readonly get: boolean }
  | { readonly of: "queue"; readonly size: number }
  | { readonly of: "log"; readonly length: number };

/**
 * An invariant over a program's objects, broken when all its atoms hold. The atoms are read
 * lazily (one only while those before it hold), so what the invariant reads depends on
 * the state, as it does in checks written by hand.
 */
export type Invariant = readonly Atom[];

export function invariantArbitrary(cells: number): fc.Arbitrary<Invariant> {
  const atom: fc.Arbitrary<Atom> = fc.oneof(
    fc.record({
      of: fc.constant("cell" as const),
      cell: fc.nat({ max: cells - 1 }),
      value: fc.nat({ max: 3 }),
      get: fc.boolean(),
    }),
    fc.record({ of: fc.constant("queue" as const), size: fc.nat({ max: 2 }) }),
    fc.record({ of: fc.constant("log" as const), length: fc.nat({ max: 3 }) }),
  );
  return fc.array(atom, { minLength: 1, maxLength: 3 });
}

/**
 * The scenario that runs `program`, with `invariant` checked after every step if given.
 * With a `horizon_ms` below some of its timeouts, those timers can never fire
 * (partial-order reduction then treats their waits as untimed).
 */
export function programScenario(
  program: Program,
  horizon_ms = 1_000,
  invariant?: Invariant,
): Scenario<Record<string, never>> {
  return {
    name: "random-program",
    summary: "a generated program over tracked cells",
    defaults: {},
    limits: { max_steps: 200, horizon_ms },
    setup(world: World) {
      const cells: Cell<number>[] = [];
      let chosen = 0;
      for (let i = 0; i < program.cells; i++) {
        if (i < (program.setup_choices ?? 0)) chosen = world.choose(2 + chosen, "initial");
        else chosen = 0;
        cells.push(world.cell(`c${i}`, chosen));
      }
      const cell = (i: number) => cells[i] as (typeof cells)[number];
      const mutexes = Array.from({ length: program.mutexes ?? 0 }, (_, i) => world.mutex(`m${i}`));
      const mutex = (i: number) => mutexes[i] as (typeof mutexes)[number];
      const queue = world.queue<number>("q", { capacity: 2 });
      const log = world.log<number>("log");
      const otherQueue = world.queue<number>("q1", { capacity: 2 });
      const queueOf = (op: { readonly queue?: 1 }) => (op.queue === 1 ? otherQueue : queue);
      function readiness(wait: Wait): () => boolean {
        if (wait === "queue") return () => !queue.isEmpty();
        if (wait === "log") return () => log.length > 0;
        const c = cell(typeof wait === "number" ? wait : wait[0]);
        if (typeof wait === "number") return () => c.get() !== 0;
        const other = wait[1];
        if (other === "queue") return () => c.get() !== 0 || !queue.isEmpty();
        const d = cell(other);
        // Both cells are read before they are combined: `c.get() !== 0 && d.get() !== 0`
        // would not read d while c is 0, and dpor sees a predicate only through its reads
        // (see `until` in world.ts). Such a lazy conjunction loses traces.
        return () => {
          const first = c.get();
          const second = d.get();
          return first !== 0 && second !== 0;
        };
      }
      function* body(steps: readonly ProgramStep[]): Actor {
        for (let s = 0; s < steps.length; s++) {
          const step = steps[s] as ProgramStep;
          if (s > 0 || step.wait !== null || step.lock !== undefined) {
            if (step.lock !== undefined) {
              const timeout_ms = step.timeout_ms ?? undefined;
              yield mutex(step.lock).acquire({ label: `step ${s}`, timeout_ms });
            } else if (step.wait !== null) {
              yield world.until(readiness(step.wait), {
                label: `step ${s}`,
                timeout_ms: step.timeout_ms ?? Number.POSITIVE_INFINITY,
              });
            } else if (step.timeout_ms !== null) {
              yield world.sleep(step.timeout_ms, `step ${s}`);
            } else {
              yield `step ${s}`;
            }
          }
          for (const op of step.ops) {
            if (op.op === "read") cell(op.cell).get();
            else if (op.op === "write") cell(op.cell).set(op.value);
            else if (op.op === "copy") cell(op.cell).set(cell(op.from).get() + 1);
            else if (op.op === "choose") cell(op.cell).set(world.choose(2, "value") + 1);
            else if (op.op === "spend") {
              if (cell(op.cell).get() === 0 && world.choose(2, "spend") === 1) cell(op.cell).set(1);
            } else if (op.op === "range") {
              const range = cell(op.cell).get() === 0 ? 2 : 3;
              cell(op.cell).set(world.choose(range, "range"));
            } else if (op.op === "split") {
              if (cell(op.cell).get() !== 0) yield "split";
            } else if (op.op === "await") {
              const c = cell(op.cell);
              if (c.get() === 0) {
                const timeout_ms = op.timeout_ms ?? Number.POSITIVE_INFINITY;
                yield world.until(() => c.get() !== 0, { label: "await", timeout_ms });
              }
            } else if (op.op === "now") cell(op.cell).set(world.now() + 1);
            else if (op.op === "push") queueOf(op).push(op.value);
            else if (op.op === "pop") cell(op.cell).set((queueOf(op).shift() ?? 0) + 1);
            else if (op.op === "empty") cell(op.cell).set(queueOf(op).isEmpty() ? 1 : 2);
            else if (op.op === "size") cell(op.cell).set(queueOf(op).size + 1);
            else if (op.op === "append") log.append(op.value);
            else if (op.op === "row") cell(op.cell).set((log.at(op.index) ?? 0) + 1);
            else if (op.op === "clear") queueOf(op).clear();
            else if (op.op === "unlock") {
              if (mutex(op.mutex).heldByMe()) mutex(op.mutex).release();
            } else if (op.op === "spawn") {
              if (op.when === undefined || cell(op.when).get() !== 0)
                world.spawn(`child-${op.child}`, body(program.children[op.child] ?? []), {
                  daemon: program.daemon_children === true,
                });
            }
          }
        }
      }
      const daemonsFrom = program.actors.length - (program.daemons ?? 0);
      program.actors.forEach((steps, i) => {
        world.spawn(`actor-${i}`, body(steps), { daemon: i >= daemonsFrom });
      });
      if (invariant !== undefined) {
        const holds = (a: Atom): boolean => {
          if (a.of === "queue") return queue.inspectSize() === a.size;
          if (a.of === "log") return log.inspect().length === a.length;
          const c = cell(a.cell);
          return (a.get ? c.get() : c.peek()) === a.value;
        };
        world.invariant("generated", () =>
          invariant.every(holds) ? JSON.stringify(invariant) : undefined,
        );
      }
    },
  };
}
