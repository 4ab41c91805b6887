import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { verdict } from "../dpor/coverage.ts";
import { type Program, programArbitrary, programScenario } from "../dpor/random-program.ts";
import { searchTraces } from "../dpor/search-traces.ts";
import { exploreSystematic, type SystematicKind } from "../dpor/systematic.ts";
import { counterScenario } from "../examples/counter.ts";
import {
  filesystemScenario,
  lastzeroScenario,
  lostUpdateScenario,
  readersScenario,
} from "../examples/dpor/index.ts";
import { explore } from "../runner.ts";
import type { Scenario } from "../scenario.ts";
import type { Params } from "../types.ts";
import { DporStrategy } from "./dpor.ts";

const RUNS = Number(process.env.STREAMSIM_PROPERTY_RUNS ?? 60);
const SEED = Number(process.env.STREAMSIM_PROPERTY_SEED ?? 20_261_125);
// Wider programs, for sweeps by hand (CI keeps the defaults: 3 actors, 6 steps).
const WIDER = {
  max_actors: Number(process.env.STREAMSIM_PROPERTY_MAX_ACTORS ?? 3),
  max_steps: Number(process.env.STREAMSIM_PROPERTY_MAX_STEPS ?? 6),
};

function traces<P extends Params>(
  scenario: Scenario<P>,
  params: P,
  strategy: SystematicKind,
  max_executions = 20_000,
  seed?: number,
) {
  return searchTraces(scenario, params, strategy, {
    max_executions,
    ...(seed === undefined ? {} : { seed }),
  });
}

/**
 * dpor and plain enumeration on the program `text` (JSON): the same traces, one complete
 * dpor execution per trace, the same final states.
 */
function expectSameTraces(text: string): void {
  const scenario = programScenario(JSON.parse(text) as Program);
  const all = traces(scenario, {}, "exhaustive");
  const dpor = traces(scenario, {}, "dpor");
  expect(new Set(dpor.seen).size).toBe(dpor.seen.length);
  expect(new Set(dpor.seen)).toEqual(new Set(all.seen));
  expect(dpor.coverage.final_states).toBe(all.coverage.final_states);
}

/**
 * dpor reaches exactly the `size` traces that exhaustive enumeration reaches on the
 * program, each once, with the same final states, in the default order and in `seeds`.
 */
function expectEveryOrderReaches(
  text: string,
  size: number,
  seeds: readonly number[],
  horizon_ms?: number,
): void {
  const scenario = programScenario(JSON.parse(text) as Program, horizon_ms);
  const all = traces(scenario, {}, "exhaustive");
  expect(new Set(all.seen).size).toBe(size);
  for (const seed of [undefined, ...seeds]) {
    const dpor = traces(scenario, {}, "dpor", 20_000, seed);
    expect(new Set(dpor.seen).size).toBe(dpor.seen.length);
    expect(new Set(dpor.seen)).toEqual(new Set(all.seen));
    expect(dpor.coverage.final_states).toBe(all.coverage.final_states);
  }
}

describe("dpor", () => {
  // Timeouts are 1–3 ms: under a 2 ms horizon some timers can never fire, and their waits
  // count as untimed (see timedWait in log.ts).
  for (const [timeouts, horizon_ms, what, mutexes] of [
    [false, 1_000, "without timeouts", 0],
    [true, 1_000, "with timeouts", 0],
    [true, 2, "with timeouts past the time horizon", 0],
    // dpor does not reverse the race of a mutex's release with the acquire it made
    // possible (lockHandoff in event.ts), and must still reach every trace.
    [false, 1_000, "without timeouts, with mutexes held across steps", 2],
    [true, 1_000, "with timeouts and mutexes held across steps", 2],
  ] as const) {
    it(`reaches exactly the Mazurkiewicz traces that exhaustive enumeration reaches, once each (${what})`, () => {
      fc.assert(
        fc.property(
          programArbitrary({ timeouts, mutexes, ...WIDER }),
          fc.nat(),
          (program, orderSeed) => {
            const scenario = programScenario(program, horizon_ms);
            const all = traces(scenario, {}, "exhaustive");
            // Plain enumeration of the biggest programs can run long: skip those.
            fc.pre(all.coverage.exhausted);
            // In the first-option order, and in a random one (the seed only reorders).
            for (const seed of [undefined, orderSeed]) {
              // dpor's runs include blocked ones: where timers order nearly every step, it
              // can need more runs than plain enumeration (seeds 1 and 7 at 1,000 runs found
              // such programs with ~19,000 traces and ~12,000 blocked runs).
              const dpor = traces(scenario, {}, "dpor", 100_000, seed);
              expect(dpor.coverage.exhausted).toBe(true);
              // One complete execution per trace: no two dpor executions are equivalent.
              expect(new Set(dpor.seen).size).toBe(dpor.seen.length);
              expect([...new Set(dpor.seen)].sort()).toEqual([...new Set(all.seen)].sort());
              expect(dpor.coverage.final_states).toBe(all.coverage.final_states);
            }
          },
        ),
        // A fixed seed keeps CI deterministic and failures reproducible (other seeds have
        // found misses: see the regression tests below); set
        // STREAMSIM_PROPERTY_SEED and STREAMSIM_PROPERTY_RUNS to explore others.
        { numRuns: RUNS, seed: SEED },
      );
    });
  }

  // Found by the property above (about 1 program in 700): a waiter's resumption in a
  // wakeup tree was taken to cover a sequence, then proved impossible when its branch ran.
  it("reaches every trace of a program where a timeout races with the first steps", () => {
    const program: Program = JSON.parse(
      '{"cells":2,"actors":[[{"wait":1,"timeout_ms":null,"ops":[{"op":"choose","cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1}]},{"wait":0,"timeout_ms":1,"ops":[{"op":"read","cell":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1}]}],[{"wait":1,"timeout_ms":1,"ops":[{"op":"write","cell":1,"value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":0}]}]],"children":[]}',
    );
    const scenario = programScenario(program);
    const all = traces(scenario, {}, "exhaustive");
    const dpor = traces(scenario, {}, "dpor");
    expect(new Set(dpor.seen)).toEqual(new Set(all.seen));
  });

  // Found by the property above with other seeds (STREAMSIM_PROPERTY_SEED=3 and 4, 1,000
  // runs): a sleeping waiter's resumption whose actor is absent from a reversed race's
  // sequence was taken as a weak initial of it, and the sequence was dropped. The second
  // program has no timeouts at all.
  it("reaches every trace when a sleeping waiter's resumption is independent of a race", () => {
    const programs = [
      '{"cells":1,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"copy","from":0,"cell":0}]},{"wait":0,"timeout_ms":null,"ops":[{"op":"read","cell":0}]}],[{"wait":0,"timeout_ms":1,"ops":[{"op":"read","cell":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1}]}]],"children":[]}',
      '{"cells":1,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0},{"op":"choose","cell":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":0}]}]],"children":[[{"wait":0,"timeout_ms":null,"ops":[{"op":"read","cell":0}]},{"wait":0,"timeout_ms":null,"ops":[{"op":"read","cell":0},{"op":"read","cell":0}]}]]}',
    ];
    for (const text of programs) expectSameTraces(text);
  });

  // Found by the property above once timer firings stopped being dependent with every
  // step (they now touch the clock, the deadlines and their waiter's predicate only):
  // 1. the later of two deadlines fires first only if its wait starts before the other's;
  // 2. a waiter woken by a write could instead have timed out first, once another timer
  //    had fired (the race is reversed through the waiter's timer);
  // 3. an earlier wait holds back a child's timer;
  // 4. a disabled timer put in a wakeup tree as a bare leaf was taken to cover sequences
  //    that only start with it, and a sleeping timer to cover traces where it fires late.
  it("reaches every trace where timers hold each other back", () => {
    const programs = [
      '{"cells":1,"actors":[[{"wait":0,"timeout_ms":1,"ops":[{"op":"write","cell":0,"value":1}]}],[{"wait":0,"timeout_ms":2,"ops":[{"op":"read","cell":0}]}]],"children":[]}',
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"copy","from":0,"cell":0}]}],[{"wait":1,"timeout_ms":1,"ops":[{"op":"read","cell":1}]}],[{"wait":0,"timeout_ms":2,"ops":[{"op":"read","cell":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"read","cell":0}]}]],"children":[]}',
      '{"cells":3,"actors":[[{"wait":0,"timeout_ms":1,"ops":[{"op":"spawn","child":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1}]}]],"children":[[{"wait":1,"timeout_ms":2,"ops":[{"op":"read","cell":2},{"op":"read","cell":1}]},{"wait":1,"timeout_ms":null,"ops":[{"op":"copy","from":2,"cell":0}]}]]}',
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":1,"value":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":0}]},{"wait":1,"timeout_ms":1,"ops":[{"op":"now","cell":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"copy","from":1,"cell":1},{"op":"spawn","child":0}]}]],"children":[[{"wait":null,"timeout_ms":2,"ops":[{"op":"write","cell":0,"value":2}]}]]}',
      '{"cells":1,"actors":[[{"wait":0,"timeout_ms":1,"ops":[{"op":"write","cell":0,"value":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1},{"op":"spawn","child":0}]},{"wait":null,"timeout_ms":1,"ops":[{"op":"spawn","child":0}]}]],"children":[[{"wait":0,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1},{"op":"copy","from":0,"cell":0}]}]]}',
    ];
    for (const text of programs) expectSameTraces(text);
  });

  // Found by the property test with seed 7 (before logs were added to the random
  // programs): with several timed waits that hold each other back, dpor missed 4 of 92
  // traces. Closed with the untimed-wait program below: a sleeping event that depends on
  // the race's first event no longer stands for the reversed sequence.
  it("reaches every trace of a program whose timed waits hold each other back", () => {
    expectSameTraces(
      '{"cells":3,"actors":[[{"wait":1,"timeout_ms":3,"ops":[{"op":"push","value":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"pop","cell":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"push","value":1},{"op":"push","value":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":0}]},{"wait":0,"timeout_ms":null,"ops":[{"op":"push","value":1}]},{"wait":0,"timeout_ms":3,"ops":[{"op":"pop","cell":0}]}]],"children":[]}',
    );
  });

  // Found by the property test with seed 24 (before logs were added to the random
  // programs): with several timed waits that hold each other back, dpor missed 6 of 240
  // traces. The cause was a data choice: a race's sequence that starts with a timer firing
  // choosing 1 was hung below a partial node of that timer (a disabled option, its choice
  // still open), whose branch chose 0; the branch for 1 then started with an empty tree.
  for (const [name, text] of [
    [
      "seed 24",
      '{"cells":2,"actors":[[{"wait":1,"timeout_ms":1,"ops":[{"op":"now","cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0},{"op":"now","cell":0}]},{"wait":null,"timeout_ms":2,"ops":[{"op":"choose","cell":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"read","cell":0}]},{"wait":null,"timeout_ms":2,"ops":[{"op":"copy","from":0,"cell":0}]}]],"children":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"read","cell":0}]}]]}',
    ],
  ] as const) {
    it(`reaches every trace where timers hold each other back (${name})`, () => {
      expectSameTraces(text);
    });
  }

  // Found by the property test in a seeded order: the first-option order reached every
  // trace of these programs, some other orders missed a few. Three timed waits: order seed
  // 0 missed 3 of 170 traces, as did seeds 5 and 7. One untimed wait, with a spawn, a log and pops of an
  // empty queue: order seeds 1, 6 and 2,146,418,675 missed 1 of 18. In both, a race e < e'
  // was dropped because a sleeping event absent from notdep(e).e' was taken as a weak
  // initial of it, although it depends on e (it woke at e and ran after it, so it was
  // left out of the sequence as happening after e).
  for (const [name, text, size, seeds] of [
    [
      "three timed waits",
      '{"cells":2,"actors":[[{"wait":1,"timeout_ms":1,"ops":[{"op":"copy","from":0,"cell":0}]}],[{"wait":0,"timeout_ms":1,"ops":[{"op":"pop","cell":0}]},{"wait":0,"timeout_ms":1,"ops":[{"op":"push","value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"read","cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"copy","from":0,"cell":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"pop","cell":1},{"op":"empty","cell":0}]}]],"children":[]}',
      170,
      [0, 5, 7],
    ],
    [
      "an untimed wait",
      '{"cells":2,"actors":[[{"wait":1,"timeout_ms":null,"ops":[{"op":"pop","cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"row","index":0,"cell":1},{"op":"spawn","child":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"append","value":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"pop","cell":1}]}]],"children":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"append","value":2},{"op":"pop","cell":1}]}]]}',
      18,
      [1, 6, 2_146_418_675],
    ],
  ] as const) {
    it(`reaches every trace of a program with ${name} in seeded orders`, () => {
      expectEveryOrderReaches(text, size, seeds);
    });
  }

  // Found by the review of the mutexes (seed 14 of the mutex property test, 1,500 runs; the
  // same with the locks written as cells and waits): at a node where one actor's every
  // choice value was asleep and another's value 0 was not, the seeded order picked the
  // first, whose execution was blocked as soon as its choice was made; the second's step
  // there was never run, and the trace behind it (a deadlock) was lost. An actor whose
  // sleeping events cover all its choice values now counts as asleep (everyChoiceAsleep).
  it("reaches every trace when an actor's every choice value is asleep and another's is not", () => {
    expectEveryOrderReaches(
      '{"cells":3,"actors":[[{"wait":[2,"queue"],"timeout_ms":null,"ops":[{"op":"push","value":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":0},{"op":"write","cell":2,"value":0}],"lock":1},{"wait":[2,1],"timeout_ms":null,"ops":[{"op":"read","cell":2}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"clear","queue":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"read","cell":0}],"lock":0},{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":2},{"op":"unlock","mutex":0}],"lock":1}]],"children":[],"mutexes":2}',
      6,
      [1_244_499_639],
    );
  });

  // Found by the review of the mutexes (seed 19 of the mutex property test, 1,500 runs):
  // a timed acquire's race with the release before it was not reversed, as an acquire
  // cannot come before the release; but its timer can, while the mutex is still held, and
  // the traces where both children's timers fire before the release were lost (8 of 227).
  it("reaches every trace where a timed acquire gives up while the mutex is held", () => {
    expectEveryOrderReaches(
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0}],"lock":0},{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":1},{"op":"unlock","mutex":0}],"lock":1}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"pop","cell":0,"queue":1}]},{"wait":null,"timeout_ms":null,"ops":[],"lock":1}]],"children":[[{"wait":null,"timeout_ms":3,"ops":[{"op":"copy","from":0,"cell":1}],"lock":0}]],"mutexes":2}',
      227,
      [0, 2],
    );
  });

  // Found by the review's sweep of the mutex shape (seed 26, 1,500 programs; with the locks
  // as cells and waits too): a mutex acquire that another actor's acquire disabled was
  // asleep at that node by its choice values (each explored earlier), and went in as a
  // bare branch, blocked at once. The traces where it runs after the waiter's resumption
  // that wakes it were lost (2 of 15). Such an actor now counts as asleep there too
  // (sleepersOf), so its branch starts with the steps up to the one that wakes it.
  it("reaches every trace when a disabled option is asleep by its every choice value", () => {
    expectEveryOrderReaches(
      '{"cells":2,"actors":[[{"wait":"queue","timeout_ms":1,"ops":[{"op":"now","cell":0},{"op":"write","cell":0,"value":2}]},{"wait":1,"timeout_ms":null,"ops":[{"op":"clear"}]},{"wait":null,"timeout_ms":1,"ops":[{"op":"clear","queue":1},{"op":"append","value":1}],"lock":0}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":0}],"lock":0}],[{"wait":null,"timeout_ms":1,"ops":[{"op":"push","value":2}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"read","cell":1},{"op":"append","value":1}],"lock":0}]],"children":[],"mutexes":2}',
      15,
      [108_941_842],
    );
  });

  // Found when the generator learnt `spend` (a choice only while a cell is 0, as the
  // producers share their budget of append failures), which the protocol scope
  // `producers=2, append_failures=1, tabs=a1` had shown first: its seeded orders missed up
  // to 135 of 23,441 traces. Two causes, each a test below.
  // 1. A race reversed to put a step before a write gave it the value that opens its choice:
  //    the planned event made no choice, the step now made one, and its other value was
  //    never branched (the planned event's choices counted as all of them). Order seeds 0,
  //    1 and 3 missed 1 of 9 traces.
  it("reaches every trace when a reversed race opens a data choice the planned event did not make", () => {
    expectEveryOrderReaches(
      '{"cells":1,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"spend","cell":0},{"op":"row","index":0,"cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"read","cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"empty","cell":0,"queue":1}]}]],"children":[]}',
      9,
      [0, 1, 3],
    );
  });

  // 2. A step that made a data choice, its actor absent from a race's sequence and
  //    independent of all of it, was taken as a weak initial of the sequence (asleep, or a
  //    branch already planned): but after the sequence its actor may choose another value,
  //    which that step does not stand for. The first program lost 1 of 6 traces in order
  //    seeds 0 and 844,643,427; the second (a timer and a clock read) in every order, the
  //    default one included.
  for (const [name, text, seeds] of [
    [
      "a queue and a cell",
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":1,"ops":[{"op":"push","value":1,"queue":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"clear","queue":1},{"op":"read","cell":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"spend","cell":1}]}]],"children":[]}',
      [0, 844_643_427],
    ],
    [
      "a timer and the clock",
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"now","cell":0}]}],[{"wait":[1,"queue"],"timeout_ms":1,"ops":[{"op":"append","value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"append","value":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"spend","cell":1}]}]],"children":[]}',
      [0, 1],
    ],
  ] as const) {
    it(`reaches every trace when a step with a data choice is independent of a race's sequence (${name})`, () => {
      expectEveryOrderReaches(text, 6, seeds);
    });
  }

  // 3. Found by the review of the two rules above (STREAMSIM_PROPERTY_SEED=24, 1,000 runs;
  //    shrunk by hand): a race's later step, planned before the step it raced with, was
  //    recorded where its choice did not exist (the cell already written). Without a
  //    choice it looked independent of a sequence without its actor, and stood for it in
  //    the wakeup tree. Run there, it chose, both values were asleep, and its branch was
  //    blocked: the sequence it stood for (a read of the cell before the write) was lost.
  //    14 of order seeds 0..199 missed 2 of 19 traces. Such a planned step (`moved` in
  //    wakeup.ts) now stands for a sequence only when it occurs in it.
  it("reaches every trace when a planned step would make a choice its recorded event did not", () => {
    expectEveryOrderReaches(
      '{"cells":1,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"spend","cell":0}]}],[{"wait":"queue","timeout_ms":1,"ops":[{"op":"spawn","child":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"read","cell":0}]},{"wait":null,"timeout_ms":1,"ops":[]}]],"children":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"size","cell":0}]}]]}',
      19,
      [14, 37],
    );
  });

  // 4. Found when the generator learnt `range` (a choice among 2 values while a cell is 0,
  //    among 3 after): a race reversed to put a step before a write of 0 ran it where its
  //    choice had 3 values, but its planned event, recorded after the write, had 2, and
  //    the third was never branched. The default order and seeds 2 and 3 lost 2 of 16
  //    traces. Values beyond the planned range are now siblings (addWidenedChoices).
  it("reaches every trace when a reversed race widens the range of a planned data choice", () => {
    expectEveryOrderReaches(
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":1,"value":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"range","cell":1}]}]],"children":[]}',
      16,
      [2, 3],
    );
  });

  // Found by the review's sweep (STREAMSIM_PROPERTY_SEED=15, 1,000 runs; this is a smaller
  // program with the same loss): a waiter on "cell or queue" whose wait starts true by the
  // cell reads only the cell. Another actor clears the queue, then a write of 0 to the cell
  // disables the waiter; the trace where the clear comes after that write and the waiter's
  // resumption (by the queue) was reached by no race: 18 of order seeds 0..199 missed 1
  // of 5 traces. A step that disables a waiter of several objects now plans, at each
  // earlier write to them, the steps up to itself and then the waiter
  // (insertEarlierClosers in dpor.ts).
  it("reaches every trace when a step disables a disjunction whose other part an earlier step closed", () => {
    expectEveryOrderReaches(
      '{"cells":1,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1},{"op":"push","value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"clear"}]}],[{"wait":[0,"queue"],"timeout_ms":null,"ops":[{"op":"read","cell":0}]}]],"children":[]}',
      5,
      [23, 28, 39, 88],
    );
  });

  // Found when the generator learnt waits made only in some states (round 22; this program
  // has none, only the new distribution showed it): a timed waiter on "cell or queue" is
  // woken by a timer firing that sets the cell, while another actor's push to the queue
  // could have woken it first. The rule for such later wakers (insertLaterWakers) looked
  // only at untimed waits, and its sequence, whose resumption as recorded read only the
  // cell, was stood for by an infeasible planned leaf of that resumption. Order seeds 5 and
  // 1,272,264,005 lost 1 and 2 of 14 traces. A timed wait that starts false now keeps its
  // predicate's reads (Event.waitReads), and the resumption in that sequence reads them.
  it("reaches every trace when a later write could have woken a timed waiter on a disjunction first", () => {
    expectEveryOrderReaches(
      '{"cells":1,"actors":[[{"wait":[0,"queue"],"timeout_ms":2,"ops":[{"op":"append","value":1}]}],[{"wait":[0,0],"timeout_ms":1,"ops":[{"op":"write","cell":0,"value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"clear"}],"lock":0}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"push","value":1}],"lock":0}]],"children":[],"mutexes":2}',
      14,
      [5, 1_272_264_005],
    );
  });

  // Two timed waits, a spawn, a log row read, a queue pop and a data choice: order seeds 4, 12
  // and 1,065,345,015 (and 12 more of seeds 0..50) missed 2 of 554 traces. A race whose
  // first step may be disabled was inserted as a bare leaf beside an earlier branch that
  // weakly stands for it (its actor absent from the sequence, independent of all of it);
  // each branch then left the traces where the other's step comes later to the other. Such
  // a branch now stands for the sequence when it is also independent of the race's first
  // step (which it then cannot disable), as for sleeping events.
  it("reaches every trace when a bare leaf would sit beside a branch that weakly stands for it (seeded orders)", () => {
    const text =
      '{"cells":3,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0},{"op":"row","index":0,"cell":0}]},{"wait":0,"timeout_ms":2,"ops":[{"op":"pop","cell":2},{"op":"choose","cell":0}]}],[{"wait":1,"timeout_ms":1,"ops":[{"op":"copy","from":0,"cell":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]}]],"children":[[{"wait":2,"timeout_ms":1,"ops":[{"op":"write","cell":2,"value":2},{"op":"read","cell":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"append","value":1}]}]]}';
    const scenario = programScenario(JSON.parse(text) as Program);
    const all = new Set(traces(scenario, {}, "exhaustive").seen);
    expect(all.size).toBe(554);
    for (const seed of [4, 12, 1_065_345_015]) {
      expect(new Set(traces(scenario, {}, "dpor", 20_000, seed).seen)).toEqual(all);
    }
  });

  // Found by running the property test's generator on programs of up to 8 steps with every
  // order seed 0..11 (and, for the last four, writes of 0, so that predicates turn false
  // again): traces missed in some orders (the seeds listed), each closed by one rule.
  // 1. The bare leaf above, without timers: seeds 5 and 29 missed 1 of 6.
  // 2. A wakeup sequence whose step sleeps where it is due (inserted for a race whose first
  //    step may be disabled) left the prefix before it blocked, although that prefix was
  //    new: it now goes on with the next sequence planned there, or afresh. Seeds 3, 20,
  //    35, 37 and 50 missed 1 of 16.
  // 3. A blocked waiter's window was only looked for before the last write to what it
  //    waits on; an earlier window (opened, closed, then written again) was missed. Every
  //    such write is now taken. Seeds 7 and 16 missed 1 of 2.
  // 4. The window's sequence put steps that ran after the wait started, and depend on it,
  //    before it. Seeds 4, 6, 7, 8 and more missed 2 of 5.
  // 5. A sleep-blocked execution's last step disabled a waiter, and that option was not
  //    inserted (only complete executions read the options left at the end). The default
  //    order missed 1 of 5.
  // 6. The window's sequence ended with the wait's start, and a race's sequence that goes
  //    on past it took the waiter's place; it now ends with the waiter's step (opaque, as
  //    a disabled option). Seeds 0, 1, 3, 4 and more missed 1 of 3.
  for (const [name, text, size, seeds] of [
    [
      "1",
      '{"cells":3,"actors":[[{"wait":2,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"append","value":2}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"append","value":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":2,"value":1},{"op":"write","cell":0,"value":1}]},{"wait":0,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]}]],"children":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"read","cell":0}]}]]}',
      6,
      [5, 29],
    ],
    [
      "2",
      '{"cells":3,"actors":[[{"wait":2,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"read","cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":2,"value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":1,"value":1}]}],[{"wait":2,"timeout_ms":null,"ops":[{"op":"choose","cell":2},{"op":"choose","cell":1}]}]],"children":[]}',
      16,
      [3, 20, 35, 37, 50],
    ],
    [
      "3",
      '{"cells":1,"actors":[[{"wait":0,"timeout_ms":null,"ops":[{"op":"read","cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":0}]}]],"children":[]}',
      2,
      [7, 16],
    ],
    [
      "4",
      '{"cells":3,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1}]},{"wait":2,"timeout_ms":null,"ops":[{"op":"read","cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":2,"value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":2,"value":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1}]}]],"children":[]}',
      5,
      [4, 6, 7, 8],
    ],
    [
      "5",
      '{"cells":3,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"read","cell":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"push","value":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"pop","cell":2}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":2,"value":0}]}],[{"wait":2,"timeout_ms":null,"ops":[{"op":"write","cell":1,"value":1}]}]],"children":[]}',
      5,
      [0, 1],
    ],
    [
      "6",
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1},{"op":"write","cell":1,"value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":0}]}],[{"wait":0,"timeout_ms":null,"ops":[{"op":"write","cell":1,"value":0}]}]],"children":[[{"wait":1,"timeout_ms":null,"ops":[{"op":"append","value":1}]}]]}',
      3,
      [0, 1, 3, 4],
    ],
  ] as const) {
    it(`reaches every trace of a program that some orders missed (${name})`, () => {
      expectEveryOrderReaches(text, size, seeds);
    });
  }

  // Actor 1 waits for cell 1 (no timeout); actor 0 sets it, then clears it. Exhaustive
  // enumeration finds the window where actor 1 started waiting before the clear and woke in
  // between. In dpor's first execution actor 1 starts waiting after the clear (default
  // order) and its wake-up never becomes possible: only the blocked waiter's window rule
  // (insertWaitWindows) points at the window. In seeded orders it may start inside the
  // window and be disabled by the clear as the execution's last step: a disabled option
  // that the last step made (read off the world at the end). The random programs above
  // never clear a cell, so they do not meet it.
  it("a waiter that could have woken in a window that later closed", () => {
    const program: Program = {
      cells: 2,
      actors: [
        [
          { wait: null, timeout_ms: null, ops: [{ op: "write", cell: 1, value: 1 }] },
          { wait: null, timeout_ms: null, ops: [{ op: "write", cell: 1, value: 0 }] },
        ],
        [{ wait: 1, timeout_ms: null, ops: [{ op: "copy", from: 0, cell: 0 }] }],
      ],
      children: [],
    };
    const scenario = programScenario(program);
    const all = traces(scenario, {}, "exhaustive");
    for (const seed of [undefined, 0, 1, 2, 3, 4]) {
      const dpor = traces(scenario, {}, "dpor", 20_000, seed);
      expect(new Set(dpor.seen)).toEqual(new Set(all.seen));
      expect(new Set(dpor.seen).size).toBe(dpor.seen.length);
    }
  });

  // Found with a generator that may write 0, so that predicates turn false again (the
  // property test's generator never does): dpor missed 4 of 10 traces (2 in some seeded
  // orders), those where actor 0's timer moves the clock before actor 1 wakes (so that its
  // own sleep ends at 3, not 1), and actor 2 then closes the window. Actor 1's wake-up is a
  // disabled option of actor 2's step where it sleeps (its branch, waking first, was
  // explored), and was dropped there: only its traces that start with it are covered. It
  // never runs in that execution, so no race pairs it with the timer that it depends on.
  // The executions that tried to reach them from elsewhere ended sleep-blocked on actor
  // 2's wait start, rightly: it reads nothing, and its branch holds them. Such an option is
  // now inserted after the first step it depends on (insertAfterWaker).
  it("reaches every trace where a sleep ends while a waiter's window is open", () => {
    const text =
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":0}]},{"wait":null,"timeout_ms":2,"ops":[{"op":"now","cell":1}]}],[{"wait":0,"timeout_ms":null,"ops":[{"op":"empty","cell":0}]},{"wait":null,"timeout_ms":1,"ops":[{"op":"empty","cell":0}]}],[{"wait":0,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":0}]}]],"children":[]}';
    expectEveryOrderReaches(text, 10, [0, 8, 9]);
  });

  // Found by the property above (STREAMSIM_PROPERTY_SEED=27 at 1,000 runs) and shrunk: in
  // the order of seeds 0, 3 and 7, dpor missed 4 of 436 traces. A planned sequence whose
  // first step could not run (deep in a branch) made the search pick a step afresh although
  // other sequences were planned at that node, among them a leaf (actor s0.0). The races of
  // the fresh step's subtree were reversed into sequences that start with that leaf, and
  // the leaf stood for them; in the leaf's branch the fresh step sleeps, and it was taken as
  // a weak initial of the one reversal (s0 < s2) that leads on to the missing traces, where
  // it runs after a step it depends on (s2.0's wait start, whose deadline differs). The
  // search now goes on with the next planned sequence, and picks afresh only where none is
  // left, as in Abdulla et al.
  it("reaches every trace where a planned sequence cannot start (seeded orders)", () => {
    expectEveryOrderReaches(
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":1,"value":1}]}],[{"wait":0,"timeout_ms":1,"ops":[{"op":"write","cell":0,"value":1}]}],[{"wait":0,"timeout_ms":1,"ops":[{"op":"write","cell":0,"value":1}]},{"wait":1,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]}]],"children":[[{"wait":0,"timeout_ms":3,"ops":[{"op":"write","cell":1,"value":1}]}]]}',
      436,
      [0, 3, 7],
    );
  });

  // Found by the property test (STREAMSIM_PROPERTY_SEED=27 at 1,000 runs, run 255, shrunk):
  // in order seeds 0, 1, 4 and 2,029,652,647 (of 0..9), dpor missed 4 of 926 traces. A race
  // s0 < s0.0! (both write cell 1) is reversed at the node after s2's wake-up into
  // s1 s1! s0.0!, which the planned leaf s1 stands for. In s1's branch s0 sleeps (explored
  // before), and the race s2.0 < s1! (s2.0's wait starts before or after s1's timer moves
  // the clock) was dropped, as s0 is a weak initial of s1!.s2.0. But s0 woke at s0.0!, a
  // timer firing that happens after s2.0 (it reads s2.0's deadline), and in the missing
  // traces it still runs after s0.0!: they are not in s0's subtree. In the proof of optimal
  // DPOR such traces are reached through the waker's own races, which move it earlier (here
  // before s1!); a timer due later (s0.0! at 3, s1! at 2) cannot fire earlier, so that
  // route is closed. A sleeper absent from the sequence now stands for it only if it did
  // not wake at a timer firing or a waiter's resumption (which may not be able to run
  // earlier either). Plain wakers keep the weak initial (lastzero needs it: 4,608 blocked
  // runs of lastzero(10) without it). With the rule for timers only, the property test
  // (seed 27) then found the second program, where s2.0 < s1! was dropped for sleeper s0,
  // which woke at s2.0's resumption (after s1! wrote what it waits on): 4 of 536 traces
  // lost in order seeds 1, 9 and 2,029,652,645 (8 in seed 2).
  for (const [name, text, size, seeds] of [
    [
      "at a timer",
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0},{"op":"push","value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"row","index":0,"cell":1}]}],[{"wait":0,"timeout_ms":1,"ops":[{"op":"push","value":1}]}],[{"wait":0,"timeout_ms":1,"ops":[{"op":"write","cell":1,"value":1}]},{"wait":1,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]}]],"children":[[{"wait":0,"timeout_ms":3,"ops":[{"op":"now","cell":1},{"op":"pop","cell":1}]}]]}',
      926,
      [0, 1, 4, 2_029_652_647],
    ],
    [
      "at a waiter's resumption",
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0},{"op":"push","value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"row","index":0,"cell":1}]}],[{"wait":0,"timeout_ms":1,"ops":[{"op":"now","cell":0},{"op":"push","value":1}]}],[{"wait":0,"timeout_ms":1,"ops":[{"op":"write","cell":1,"value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]}]],"children":[[{"wait":0,"timeout_ms":3,"ops":[{"op":"now","cell":1},{"op":"pop","cell":1}]}]]}',
      536,
      [1, 2, 9, 2_029_652_645],
    ],
  ] as const) {
    it(`reaches every trace when a sleeper wakes ${name} after the race's first step (seeded orders)`, () => {
      expectEveryOrderReaches(text, size, seeds);
    });
  }

  // Found by the property test (STREAMSIM_PROPERTY_SEED=18 at 1,000 runs, 2 ms horizon)
  // when the rule above refused every sleeper that woke at a timer, also one that occurs in
  // the race's sequence: order seed 0 lost 6 of 68 and 12 of 48 traces (of order seeds
  // 0..5, also 2 and 3, and 1 and 2). In the 48-trace program, after s0 s1 s1 s0 s0, s0.0
  // sleeps (its branch, appending log row 0 first, was explored) and the race s1.0 < s0.0
  // (both append) was reversed into s0.0 itself; refused, it became a leaf of the wakeup
  // tree there. A later race, s0.1 < s0! (s0's timer reads row 0), was then taken as
  // covered by that leaf (its s0.0, as it ran, appends row 1: independent of s0!), whose
  // branch was blocked at once, as s0.0 sleeps; every trace that starts s0! there was lost.
  // The 68-trace program: the same, at the same node (every refused sequence started with
  // its own sleeper). A sleeper that occurs in the sequence stands for it again, whatever
  // woke it.
  for (const [name, text, size, seeds] of [
    [
      "68 traces",
      '{"cells":3,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]},{"wait":null,"timeout_ms":1,"ops":[{"op":"row","index":0,"cell":0},{"op":"copy","from":0,"cell":0}]}],[{"wait":0,"timeout_ms":1,"ops":[{"op":"spawn","child":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1}]}]],"children":[[{"wait":null,"timeout_ms":3,"ops":[{"op":"append","value":2}]}]]}',
      68,
      [0, 2, 3],
    ],
    [
      "48 traces",
      '{"cells":3,"actors":[[{"wait":0,"timeout_ms":1,"ops":[{"op":"spawn","child":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]},{"wait":null,"timeout_ms":1,"ops":[{"op":"row","index":0,"cell":0},{"op":"copy","from":0,"cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1}]}]],"children":[[{"wait":null,"timeout_ms":3,"ops":[{"op":"append","value":2}]}]]}',
      48,
      [0, 1, 2],
    ],
  ] as const) {
    it(`reaches every trace when a sleeper that woke at a timer occurs in the race's sequence (${name})`, () => {
      expectEveryOrderReaches(text, size, seeds, 2);
    });
  }

  // Found once the generated programs could write 0 (a waiter's predicate turns false
  // again) and wait on the queue. A timer fires only while every waiter due before it is
  // held back by its predicate. In the first two programs the firing did not read those
  // predicates, so the write that made one false (a cell cleared, a queue drained) counted
  // as independent of the firing and stayed asleep after it: 2 of 23 and 8 of 156 traces
  // were lost in most orders. The engine now records those reads (readHeldWaiters in
  // execute.ts). In the third, a waiter's timer is held back by another waiter's shorter
  // wait that starts while the first can still wake; no race pointed before that start,
  // and 1 of 19 traces was lost in four of five orders (insertHeldTimers in dpor.ts). In
  // the fourth the timer is held back only at the node where a sleep-blocked execution
  // stopped, after its last step (1 of 52 traces, seeds 0 and 3).
  for (const [name, text, size] of [
    [
      "a cleared cell",
      '{"cells":3,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"now","cell":0}]},{"wait":null,"timeout_ms":2,"ops":[{"op":"append","value":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":0}]}],[{"wait":0,"timeout_ms":1,"ops":[{"op":"copy","from":0,"cell":0}]}]],"children":[]}',
      23,
    ],
    [
      "a drained queue",
      '{"cells":3,"actors":[[{"wait":null,"timeout_ms":1,"ops":[{"op":"push","value":1}]},{"wait":null,"timeout_ms":2,"ops":[{"op":"choose","cell":0}]}],[{"wait":"queue","timeout_ms":1,"ops":[{"op":"choose","cell":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"empty","cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"pop","cell":1}]}]],"children":[]}',
      156,
    ],
    [
      "a shorter wait that starts later",
      '{"cells":2,"actors":[[{"wait":"queue","timeout_ms":1,"ops":[{"op":"row","index":0,"cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"copy","from":0,"cell":0}]},{"wait":0,"timeout_ms":2,"ops":[{"op":"write","cell":0,"value":0}]}]],"children":[]}',
      19,
    ],
    [
      "a shorter wait, seen where a sleep-blocked run stopped",
      '{"cells":3,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"push","value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"clear"}]}],[{"wait":0,"timeout_ms":1,"ops":[{"op":"append","value":1}]}],[{"wait":null,"timeout_ms":1,"ops":[{"op":"choose","cell":1},{"op":"copy","from":0,"cell":1}]},{"wait":"queue","timeout_ms":2,"ops":[{"op":"empty","cell":1}]}]],"children":[]}',
      52,
    ],
  ] as const) {
    it(`reaches every trace where a timer is held back by an earlier deadline (${name})`, () => {
      expectEveryOrderReaches(text, size, [0, 1, 2, 3]);
    });
  }

  // Found once a step could wait for "cell non-zero or queue not empty" and clear the
  // queue, as the model's handler waits for a frame or a broken connection. A disjunction
  // stops at its first true part, so a waiter's resumption reads only what woke it.
  // First two: a waiter whose predicate was true for a while before its wait started,
  // then made false again, but that was woken later anyway, had its window looked at only
  // when it stayed blocked to the end (insertWaitWindows now looks at every wait that
  // starts false). Next two: a waiter woken by one write could have been woken by another
  // step, after it (third) or between the waker and the resumption (fourth), which its
  // resumption did not read (insertLaterWakers). Last two: a planned waiter's step that
  // the last kept step of a sleep-blocked execution made impossible (a pop, a clear) was
  // not inserted: the options where the execution stopped were not kept when the asleep
  // step was known only once it had run (its data choice). Each lost 1–4 traces in one to
  // all five orders.
  for (const [name, text, size] of [
    [
      "a window before the wait, woken later",
      '{"cells":1,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"push","value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"row","index":0,"cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"clear"}]}],[{"wait":[0,"queue"],"timeout_ms":null,"ops":[{"op":"copy","from":0,"cell":0}]}]],"children":[]}',
      4,
    ],
    [
      "a window before the wait, no timeouts",
      '{"cells":3,"actors":[[{"wait":[2,"queue"],"timeout_ms":null,"ops":[{"op":"copy","from":0,"cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"push","value":1},{"op":"empty","cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"clear"}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":2}]}]],"children":[]}',
      10,
    ],
    [
      "another waker after the resumption",
      '{"cells":1,"actors":[[{"wait":"queue","timeout_ms":1,"ops":[{"op":"push","value":1}]}],[{"wait":[0,"queue"],"timeout_ms":null,"ops":[{"op":"read","cell":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"read","cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":0}]}]],"children":[]}',
      6,
    ],
    [
      "another waker before the resumption",
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":1,"ops":[{"op":"now","cell":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"clear"},{"op":"write","cell":0,"value":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"push","value":1}]}],[{"wait":[1,"queue"],"timeout_ms":null,"ops":[{"op":"copy","from":0,"cell":0}]}]],"children":[]}',
      10,
    ],
    [
      "a pop where a sleep-blocked run stopped",
      '{"cells":3,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0},{"op":"push","value":1}]},{"wait":[1,"queue"],"timeout_ms":null,"ops":[{"op":"choose","cell":1}]}]],"children":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"pop","cell":0}]}]]}',
      8,
    ],
    [
      "a clear where a sleep-blocked run stopped",
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"push","value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"clear"}]}],[{"wait":[0,"queue"],"timeout_ms":null,"ops":[{"op":"read","cell":0}]}]],"children":[[{"wait":null,"timeout_ms":2,"ops":[{"op":"choose","cell":0}]}]]}',
      8,
    ],
  ] as const) {
    it(`reaches every trace of a waiter on either of two things (${name})`, () => {
      expectEveryOrderReaches(text, size, [0, 1, 2, 3]);
    });
  }

  // A planned leaf (a waiter's resumption, infeasible where it was planned) stood for a
  // later sequence that needs a push first: the two events came from executions that had
  // popped different numbers of items, so the resumption read the queue's next slot and
  // the push wrote the first, and they looked independent. A waiter's step or timer is
  // now compared with a sequence object by object (weakInitial in wakeup.ts): the order
  // of seed 657722585 lost 1 of 46 traces.
  it("reaches every trace when a planned resumption met the queue at another slot", () => {
    expectEveryOrderReaches(
      '{"cells":3,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0},{"op":"now","cell":1}]}],[{"wait":0,"timeout_ms":1,"ops":[{"op":"copy","from":0,"cell":0}]},{"wait":[0,"queue"],"timeout_ms":null,"ops":[{"op":"push","value":1},{"op":"clear"}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"push","value":1}]}]],"children":[[{"wait":"queue","timeout_ms":3,"ops":[{"op":"row","index":2,"cell":2},{"op":"copy","from":0,"cell":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":2,"value":0}]}]]}',
      46,
      [0, 1, 2, 657_722_585],
    );
  });

  // The same kind of leaf stood for a sequence that needs a push first, but here the
  // resumption read only the cell that woke it (a disjunction stops at its first true
  // part), so its own accesses could not tell. The waiter's step as the sequence recorded
  // it (woken by the push, it read the queue too) must now move to the front as well
  // (movesToFront in wakeup.ts): the order of seed 560776281 lost 2 of 8 traces.
  it("reaches every trace when a planned resumption woke by the first part of its wait", () => {
    expectEveryOrderReaches(
      '{"cells":1,"actors":[[{"wait":0,"timeout_ms":1,"ops":[{"op":"row","index":0,"cell":0},{"op":"push","value":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"push","value":1}]}],[{"wait":[0,"queue"],"timeout_ms":null,"ops":[{"op":"choose","cell":0}]}]],"children":[]}',
      8,
      [560_776_281],
    );
  });

  it("reaches every trace of two children that wait for either of two things", () => {
    expectEveryOrderReaches(
      '{"cells":3,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"row","index":2,"cell":1},{"op":"read","cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"empty","cell":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0},{"op":"empty","cell":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":1}]}]],"children":[[{"wait":[0,"queue"],"timeout_ms":null,"ops":[{"op":"append","value":1},{"op":"push","value":1}]}]]}',
      24,
      [0, 1, 2, 1_642_185_146],
    );
  });

  // A waiter on "both cells set" that never sees both set: a write clears the first while
  // it waits, then a step independent of that write sets the second. Run the second step
  // first and the waiter wakes in between; no option was disabled and no window rule
  // looked after the wait's start (insertWakesBeforeWrites in dpor.ts). Found with a
  // second queue in the program; the queue had nothing to do with it. (Both programs read
  // both cells of the conjunction before combining them: see `until` in world.ts.)
  it("reaches every trace where a write closes a conjunction before its other part opens", () => {
    expectEveryOrderReaches(
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":1,"value":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":0,"value":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":1,"value":0}]}],[{"wait":[1,0],"timeout_ms":null,"ops":[{"op":"read","cell":0}]}]],"children":[]}',
      3,
      [0, 1, 514_637_572],
    );
    expectEveryOrderReaches(
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"pop","cell":1,"queue":1},{"op":"spawn","child":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"pop","cell":0,"queue":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":1,"value":0}]}],[{"wait":[1,0],"timeout_ms":null,"ops":[{"op":"read","cell":0}]}]],"children":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"pop","cell":0}]}]]}',
      10,
      [1, 4, 5, 514_637_572],
    );
    // The write that closes the conjunction can also come before the wait starts, with
    // the step that opens the other part after it (timed sleep between), or in a child.
    expectEveryOrderReaches(
      '{"cells":2,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"pop","cell":1,"queue":1}]},{"wait":null,"timeout_ms":1,"ops":[{"op":"pop","cell":0,"queue":1}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"now","cell":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":1,"value":0}]}],[{"wait":[0,1],"timeout_ms":null,"ops":[{"op":"push","value":1,"queue":1}]}]],"children":[]}',
      5,
      [1, 2, 3],
    );
    expectEveryOrderReaches(
      '{"cells":3,"actors":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"write","cell":1,"value":0}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"spawn","child":0}]},{"wait":null,"timeout_ms":null,"ops":[{"op":"row","index":0,"cell":0},{"op":"push","value":1}]}],[{"wait":null,"timeout_ms":null,"ops":[{"op":"choose","cell":0}]}]],"children":[[{"wait":null,"timeout_ms":null,"ops":[{"op":"pop","cell":1}]},{"wait":[0,1],"timeout_ms":null,"ops":[{"op":"read","cell":1},{"op":"size","cell":0}]}]]}',
      36,
      [0, 1],
    );
  });

  // Actor 0 waits for cell 1 (no timeout), then reads cell 0; actor 1 writes cell 0, then
  // sets cell 1. In the default order the wait starts first, its predicate false. The
  // wake-up races with the first write (the waker, the second write, adds nothing to its
  // race clock), and reversing that race plans the wake-up before the write, where it can
  // never run: nothing before it sets cell 1. Planned anyway, that branch was infeasible.
  // (Where the wait starts after cell 1 is set, its predicate true, dpor cannot tell: a
  // seeded order then still ends such branches sleep-blocked.)
  it("plans no wake-up where the waiter's predicate stays false (resumptionCannotRun)", () => {
    const program: Program = {
      cells: 2,
      actors: [
        [{ wait: 1, timeout_ms: null, ops: [{ op: "read", cell: 0 }] }],
        [
          { wait: null, timeout_ms: null, ops: [{ op: "write", cell: 0, value: 1 }] },
          { wait: null, timeout_ms: null, ops: [{ op: "write", cell: 1, value: 1 }] },
        ],
      ],
      children: [],
    };
    const scenario = programScenario(program);
    const all = traces(scenario, {}, "exhaustive");
    expect(new Set(all.seen).size).toBe(1);
    const dpor = traces(scenario, {}, "dpor");
    expect(dpor.coverage.executions).toBe(1);
    expect(dpor.coverage.sleep_blocked + dpor.coverage.infeasible).toBe(0);
    for (const seed of [0, 1, 2, 3, 4, 5, 6, 7]) {
      expect(new Set(traces(scenario, {}, "dpor", 20_000, seed).seen)).toEqual(new Set(all.seen));
    }
  });

  it("explores the 4-worker lost update in one execution per trace (576 of 2,520 schedules)", () => {
    const all = traces(counterScenario, { workers: 4 }, "exhaustive");
    const dpor = traces(counterScenario, { workers: 4 }, "dpor");
    expect(all.coverage.executions).toBe(2520);
    expect(new Set(all.seen).size).toBe(576);
    expect(dpor.coverage.executions).toBe(576);
    expect(dpor.coverage.sleep_blocked).toBe(0);
    expect(new Set(dpor.seen).size).toBe(576);
  });

  it("on the classic benchmarks at small N, completes one execution per trace that exhaustive finds", () => {
    const cases: [Scenario<Params>, Params][] = [
      [lastzeroScenario as unknown as Scenario<Params>, { n: 3 }],
      [readersScenario as unknown as Scenario<Params>, { n: 4 }],
      [lostUpdateScenario as unknown as Scenario<Params>, { increments: 2 }],
    ];
    for (const [scenario, params] of cases) {
      const all = traces(scenario, params, "exhaustive");
      const dpor = traces(scenario, params, "dpor");
      expect(dpor.seen.length).toBe(new Set(all.seen).size);
      expect(new Set(dpor.seen)).toEqual(new Set(all.seen));
      expect(dpor.coverage.sleep_blocked + dpor.coverage.infeasible).toBe(0);
    }
  });

  it("explores 2^N traces of readers(N) and 2^(N-13) of filesystem(N)", () => {
    const readers = exploreSystematic({
      scenario: readersScenario,
      params: { n: 10 },
      stop_on_first: false,
    });
    expect(readers.executions).toBe(1024);
    expect(readers.traces).toBe(1024);
    const fs = exploreSystematic({
      scenario: filesystemScenario,
      params: { n: 15 },
      stop_on_first: false,
    });
    expect(fs.executions).toBe(4);
    expect(fs.traces).toBe(4);
    expect(fs.final_states).toBe(4);
    // Its locks are mutexes, whose handoffs dpor does not reverse: 1 blocked execution,
    // where locks written as cells and waits took 9 (README, *locks*).
    expect(fs.sleep_blocked + fs.infeasible).toBe(1);
  });

  it("under a preemption bound says it was bounded and explores fewer traces", () => {
    const c = exploreSystematic({
      scenario: counterScenario,
      params: { workers: 3 },
      preemption_bound: 0,
      stop_on_first: false,
    });
    expect(c.bounds).toEqual(["preemption bound 0"]);
    expect(c.traces).toBeLessThan(36);
    expect(c.exhausted).toBe(true);
  });

  it("finds the lost update and stops at the first failure by default", () => {
    const c = exploreSystematic({ scenario: counterScenario, params: { workers: 2 } });
    expect(c.failures).toHaveLength(1);
    expect(c.failures[0]?.outcome.kind).toBe("violation");
    expect(c.executions_to_first_failure).not.toBeNull();
    expect(c.exhausted).toBe(false);
  });
  it("counts the replayed steps that touched other objects than the first time", () => {
    // State outside the world (here a counter of executions) makes a replayed step take
    // another branch: dpor cannot see it, and says so rather than reduce unsoundly.
    let executions = 0;
    const untracked: Scenario<Params> = {
      name: "untracked",
      summary: "a step whose accesses depend on state the world does not track",
      defaults: {},
      setup(world) {
        executions++;
        const a = world.cell("a", 0);
        const b = world.cell("b", 0);
        const odd = executions % 2 === 1;
        world.spawn(
          "left",
          (function* () {
            (odd ? a : b).set(1);
            yield "again";
            a.get();
          })(),
          { label: "write" },
        );
        world.spawn(
          "right",
          (function* () {
            a.set(2);
            yield "again";
            b.get();
          })(),
          { label: "write" },
        );
      },
    };
    const honest = new DporStrategy();
    explore({
      scenario: counterScenario,
      params: { workers: 2 },
      strategy: honest,
      max_executions: 100,
      stop_on_first: false,
    });
    expect(honest.divergentReplays).toBe(0);
    const fooled = new DporStrategy();
    explore({
      scenario: untracked,
      params: {},
      strategy: fooled,
      max_executions: 100,
      stop_on_first: false,
    });
    expect(fooled.divergentReplays).toBeGreaterThan(0);
    // The coverage report carries it, and the verdict says what it means.
    const c = exploreSystematic({ scenario: untracked, params: {}, stop_on_first: false });
    expect(c.divergent_replays).toBeGreaterThan(0);
    expect(verdict(c)).toContain("the scenario shares state the world does not track");
    const clean = exploreSystematic({ scenario: counterScenario, params: { workers: 2 } });
    expect(clean.divergent_replays).toBe(0);
    expect(verdict(clean)).not.toContain("does not track");
  });
});
