/**
 * Determinism of the whole engine: for random programs built from every kind of tracked
 * object, wait and data choice, the recorded schedule replays to the identical trace, in
 * this process and in a fresh one.
 *
 * Run with STREAMSIM_TRACE_CHILD=1 (as `npx tsx sim/determinism.test.ts`), this file is
 * the child: it reads schedule texts from stdin, one per line, and prints their traces.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runOnce } from "./runner.ts";
import type { Scenario } from "./scenario.ts";
import { formatSchedule, parseSchedule } from "./schedule.ts";
import { PctStrategy } from "./strategies/pct.ts";
import { RandomStrategy } from "./strategies/random.ts";
import { checkDeterminism, recordTrace, stringifyTrace } from "./trace.ts";
import type { Actor } from "./types.ts";

const RUNS = Number(process.env.STREAMSIM_RUNS ?? 50);
const CELLS = 2;

/** One step of a random actor; the program is plain JSON so that it travels in a schedule. */
type Op =
  | readonly ["get", number]
  | readonly ["set", number, number]
  | readonly ["push", number]
  | readonly ["shift"]
  | readonly ["mset", number, number]
  | readonly ["mget", number]
  | readonly ["append", number]
  | readonly ["until", number, number, number]
  | readonly ["sleep", number]
  | readonly ["choose", number]
  | readonly ["spawn"];

type Program = {
  readonly actors: readonly (readonly Op[])[];
  readonly capacity: number;
  readonly policy: "drop-oldest" | "reject";
};

/** Builds a world from a program: k actors over two cells, a queue, a map and a log. */
const programScenario: Scenario<Program> = {
  name: "random-program",
  summary: "a random program over tracked objects",
  defaults: { actors: [], capacity: 2, policy: "drop-oldest" },
  setup(world, program) {
    const cells = Array.from({ length: CELLS }, (_, i) => world.cell(`c${i}`, 0));
    const cell = (i: number) => cells[i % CELLS] as (typeof cells)[number];
    const queue = world.queue<number>("q", {
      capacity: program.capacity,
      overflow: program.policy,
    });
    const map = world.map<number, number>("m");
    const log = world.log<string>("log");
    function* run(ops: readonly Op[]): Actor {
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i] as Op;
        switch (op[0]) {
          case "get":
            world.note(`c${op[1] % CELLS} is ${cell(op[1]).get()}`);
            break;
          case "set":
            cell(op[1]).set(op[2]);
            break;
          case "push":
            if (!queue.push(op[1])) world.note("queue full");
            break;
          case "shift":
            log.append(`shifted ${queue.shift() ?? "nothing"}`);
            break;
          case "mset":
            map.set(op[1], op[2]);
            break;
          case "mget":
            cell(0).update((v) => v + (map.get(op[1]) ?? 0));
            break;
          case "append":
            log.append(`v${op[1]} at ${world.now()}`);
            break;
          case "until": {
            // timeout_ms 0 means none: such a wait can block forever, so programs deadlock too.
            const [, c, at_least, timeout_ms] = op;
            const r = yield world.until(() => cell(c).get() >= at_least, {
              label: `until${i}`,
              on: `c${c % CELLS} >= ${at_least}`,
              ...(timeout_ms > 0 ? { timeout_ms } : {}),
            });
            log.append(`woke ${r} at ${world.now()}`);
            break;
          }
          case "sleep":
            yield world.sleep(op[1], `slept${i}`);
            break;
          case "choose":
            cell(1).update((v) => v + world.choose(op[1], `pick${i}`));
            break;
          case "spawn":
            world.spawn(
              `child-of-step-${i}`,
              (function* (): Actor {
                cell(1).update((v) => v + 1);
                yield "again";
                log.append("child done");
              })(),
            );
            break;
        }
        yield `op${i + 1}`;
      }
    }
    program.actors.forEach((ops, a) => {
      world.spawn(`p${a}`, run(ops));
    });
    world.invariant("log stays short", () =>
      log.inspect().length <= 1000 ? undefined : "log grew past 1000 rows",
    );
  },
};

const small = fc.nat({ max: 5 });
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(fc.constant("get" as const), small),
  fc.tuple(fc.constant("set" as const), small, small),
  fc.tuple(fc.constant("push" as const), small),
  fc.tuple(fc.constant("shift" as const)),
  fc.tuple(fc.constant("mset" as const), small, small),
  fc.tuple(fc.constant("mget" as const), small),
  fc.tuple(fc.constant("append" as const), small),
  fc.tuple(fc.constant("until" as const), small, fc.nat({ max: 3 }), fc.constantFrom(0, 5, 100)),
  fc.tuple(fc.constant("sleep" as const), fc.constantFrom(0, 1, 5, 100)),
  fc.tuple(fc.constant("choose" as const), fc.integer({ min: 1, max: 4 })),
  fc.tuple(fc.constant("spawn" as const)),
);

const programArbitrary: fc.Arbitrary<Program> = fc.record({
  actors: fc.array(fc.array(opArbitrary, { maxLength: 6 }), { minLength: 1, maxLength: 4 }),
  capacity: fc.integer({ min: 1, max: 3 }),
  policy: fc.constantFrom("drop-oldest" as const, "reject" as const),
});

/** One execution of `program` under a seeded strategy, as schedule text. */
function recordedSchedule(program: Program, seed: number, pct: boolean): string {
  const strategy = pct ? new PctStrategy({ seed, depth: 3 }) : new RandomStrategy(seed);
  const r = runOnce(programScenario, program, strategy);
  if (r === null) throw new Error("strategy refused to start");
  return formatSchedule({
    scenario: programScenario.name,
    params: program,
    decisions: r.decisions,
  });
}

function traceOf(scheduleText: string): string {
  const schedule = parseSchedule(scheduleText);
  return stringifyTrace(recordTrace(programScenario, schedule.params as Program, schedule));
}

const CHILD_SEPARATOR = "\n=== next trace ===\n";

if (process.env.STREAMSIM_TRACE_CHILD === "1") {
  const lines = readFileSync(0, "utf8")
    .split("\n")
    .filter((l) => l.length > 0);
  process.stdout.write(lines.map(traceOf).join(CHILD_SEPARATOR));
} else {
  describe("determinism", () => {
    it("replays random programs' schedules to the identical trace", () => {
      fc.assert(
        fc.property(programArbitrary, fc.nat(), fc.boolean(), (program, seed, pct) => {
          const strategy = pct ? new PctStrategy({ seed, depth: 3 }) : new RandomStrategy(seed);
          const original = runOnce(programScenario, program, strategy, { trace: true });
          if (original === null) throw new Error("strategy refused to start");
          // The schedule goes through its text form, as a user would paste it.
          const text = formatSchedule({
            scenario: programScenario.name,
            params: program,
            decisions: original.decisions,
          });
          const schedule = parseSchedule(text);
          expect(schedule.params).toEqual(program);
          const trace = recordTrace(programScenario, program, schedule);
          expect(trace.steps).toEqual(original.trace);
          expect(trace.outcome).toEqual(original.outcome);
          expect(trace.schedule).toBe(text);
          expect(traceOf(text)).toBe(stringifyTrace(trace));
          expect(checkDeterminism(programScenario, program, schedule)).toBeNull();
        }),
        { numRuns: RUNS * 2 },
      );
    });

    it("covers waits, timers, choices, spawns and every outcome the programs can reach", () => {
      // Guards the generator above: a property over programs that never block or choose
      // would prove little.
      const kinds = new Set<string>();
      const stepKinds = new Set<string>();
      for (const program of fc.sample(programArbitrary, { seed: 11, numRuns: 300 })) {
        const r = runOnce(programScenario, program, new RandomStrategy(1), { trace: true });
        kinds.add(r?.outcome.kind ?? "none");
        for (const s of r?.trace ?? []) {
          stepKinds.add(s.kind);
          if (s.spawned.length > 0) stepKinds.add("spawn");
          if (s.notes.some((n) => n.includes("chose"))) stepKinds.add("choice");
        }
      }
      expect([...kinds].sort()).toEqual(["completed", "deadlock"]);
      expect([...stepKinds].sort()).toEqual(["choice", "spawn", "step", "timer"]);
    });

    it("gives byte-identical traces in a fresh process", () => {
      const programs = fc.sample(programArbitrary, { seed: 2026, numRuns: 25 });
      const schedules = programs.map((p, i) => recordedSchedule(p, i, i % 2 === 1));
      const expected = schedules.map(traceOf).join(CHILD_SEPARATOR);
      const child = spawnSync("npx", ["tsx", fileURLToPath(import.meta.url)], {
        input: `${schedules.join("\n")}\n`,
        encoding: "utf8",
        env: { ...process.env, STREAMSIM_TRACE_CHILD: "1" },
        timeout: 60_000,
      });
      expect(child.stderr).toBe("");
      expect(child.status).toBe(0);
      expect(child.stdout.length).toBeGreaterThan(1000);
      expect(child.stdout).toBe(expected);
    });
  });
}
