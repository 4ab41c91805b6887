import { execFile, execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { NondeterminismError } from "../sim/index.ts";
import { runProgram } from "./cli/main.ts";
import { capture, runMain } from "./testing/in-process.ts";
import { type CliResult, lastLine, streamsim } from "./testing/spawn-cli.ts";

/**
 * Every bad input the issue lists, through the real CLI: exit code 2, exactly one line on
 * stderr that names the problem (and the fix), no stack trace, nothing on stdout, and no
 * file written. Each case runs in its own empty working directory, checked afterwards.
 */
const execFileAsync = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), "streamsim-bad-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fixtures = join(root, "fixtures");
mkdirSync(fixtures);

const GOOD_SCHEDULE = "ss1:counter:workers=2:0.1x2.0";
const trace = (fields: Record<string, unknown>) =>
  JSON.stringify({
    format: "streamsim.trace",
    schema: 1,
    harness: "0.1.0",
    scenario: "counter",
    params: { workers: 2 },
    schedule: GOOD_SCHEDULE,
    outcome: { kind: "completed", steps: 0 },
    steps: [],
    ...fields,
  });
const file = (name: string, text: string) => {
  const path = join(fixtures, name);
  writeFileSync(path, text);
  return path;
};
const notJson = file("not-json.json", "{ this is not json");
const newer = file("newer.json", trace({ schema: 99 }));
const older = file("older.json", trace({ schema: 0 }));
const misfit = file("misfit.json", trace({ schedule: "ss1:counter:workers=2:0.0.0.0.0.0.0" }));
const notATrace = file("array.json", "[1, 2, 3]");
const badStep = file("bad-step.json", trace({ steps: [{ i: "x" }] }));
// Fits its scenario, but records no steps where today's execution takes four.
const diverged = file("diverged.json", trace({}));
// A symlink to nothing is in the way of a write as much as a file is.
const dangling = join(fixtures, "dangling.json");
symlinkSync(join(fixtures, "nowhere"), dangling);
// The fixtures' directory under another name: the trace replayed, reached another way.
const linkedFixtures = join(root, "linked-fixtures");
symlinkSync(fixtures, linkedFixtures);
// A named pipe stands for /dev/null and other non-files that a rename would replace.
const fifo = join(fixtures, "fifo");
execFileSync("mkfifo", [fifo]);
const corpusCaseFile = fileURLToPath(new URL("../corpus/round1-minimal.json", import.meta.url));
const emptyDir = join(root, "empty-corpus");
mkdirSync(emptyDir);
const corpusDir = join(root, "corpus");
mkdirSync(corpusDir);
writeFileSync(
  join(corpusDir, "old-case.json"),
  JSON.stringify({ format: "streamsim.corpus-case", schema: 0, schedule: GOOD_SCHEDULE }),
);

/** `run` of the counter race with this strategy and these further arguments. */
function runCounterRace(strategy: string, ...rest: string[]): string[] {
  return ["run", "--variant", "counter-race", "--strategy", strategy, ...rest];
}

/** `corpus add` of the counter race's schedule with these `--expect` values. */
function addExpecting(...expectations: string[]): string[] {
  return [
    "corpus",
    "add",
    GOOD_SCHEDULE,
    "--dir",
    corpusDir,
    ...expectations.flatMap((e) => ["--expect", e]),
  ];
}

interface BadCase {
  readonly name: string;
  readonly args: readonly string[];
  /** What the one stderr line must say. */
  readonly says: RegExp;
}

/** The bad inputs the issue names: each through a spawned CLI, as a user meets them. */
const spawned: readonly BadCase[] = [
  {
    name: "unknown variant",
    args: ["run", "--variant", "nope"],
    says: /unknown variant 'nope'; known variants: .*counter-race/,
  },
  {
    name: "unknown strategy",
    args: ["run", "--variant", "counter-race", "--strategy", "nope"],
    says: /unknown strategy 'nope'; known strategies: random, pct, choices/,
  },
  {
    name: "unknown scenario",
    args: ["run", "--scenario", "nope"],
    says: /unknown scenario 'nope'/,
  },
  {
    name: "budget that does not parse",
    args: ["run", "--variant", "counter-race", "--budget", "3x"],
    says: /--budget '3x' is not a duration; write .*30s/,
  },
  {
    name: "bad seed, named as the option (the engine's own message says only 'seed')",
    args: ["run", "--variant", "counter-race", "--seed", "-1"],
    says: /^streamsim: --seed '-1' must be a whole number from 0 to 9,007,199,254,740,991$/,
  },
  {
    name: "missing trace file",
    args: ["replay", "missing.json"],
    says: /trace file 'missing.json' does not exist/,
  },
  { name: "trace that is not JSON", args: ["replay", notJson], says: /is not JSON/ },
  {
    name: "trace of a newer schema",
    args: ["replay", newer],
    says: /schema 99, newer than .* upgrade streamsim/,
  },
  {
    name: "trace of an older schema",
    args: ["replay", older],
    says: /schema 0, older than .* re-record it/,
  },
  {
    name: "trace that does not fit the scenario",
    args: ["shrink", misfit],
    says: /schedule diverges/,
  },
  // Commander's own errors, its suggestion and the hint on the same line as the rest.
  {
    name: "misspelt command",
    args: ["rn"],
    says: /^streamsim: unknown command 'rn' \(Did you mean run\?\) \(add --help for usage and examples\)$/,
  },
  {
    name: "missing argument",
    args: ["replay"],
    says: /^streamsim: missing required argument 'schedule-or-trace' \(add --help/,
  },
  {
    name: "unknown command",
    args: ["frobnicate"],
    says: /^streamsim: unknown command 'frobnicate' \(add --help for usage and examples\)$/,
  },
  // Refused before the pipe is opened: the case would hang if it were read first.
  {
    name: "shrink of a pipe without --out",
    args: ["shrink", fifo],
    says: /^streamsim: '.*fifo' is a pipe or a device: there is no file to write the shrunk trace beside; name one with --out$/,
  },
];

/** More bad input, through the same `main` in this process (no start-up cost). */
const inProcess: readonly BadCase[] = [
  {
    name: "an --out file that exists, without --force",
    args: ["replay", GOOD_SCHEDULE, "--out", misfit],
    says: /--out '.*misfit\.json' already exists; pass --force to replace it/,
  },
  {
    name: "an --html file that exists, without --force",
    args: ["run", "--variant", "counter-race", "--strategy", "random", "--html", misfit],
    says: /--html '.*misfit\.json' already exists; pass --force to replace it/,
  },
  {
    name: "a trace step of the wrong shape",
    args: ["replay", badStep],
    says: /step 0 has "i" "x"/,
  },
  { name: "nothing to explore", args: ["run"], says: /--variant NAME or --scenario NAME/ },
  {
    name: "runs that is not a number",
    args: ["run", "--variant", "counter-race", "--runs", "lots"],
    says: /--runs 'lots' must be a whole number/,
  },
  {
    name: "bad shard, named as the option",
    args: ["run", "--variant", "counter-race", "--strategy", "random", "--shard", "3/2"],
    says: /^streamsim: --shard '3\/2' must be k\/n with 1 <= k <= n, e\.g\. 2\/4$/,
  },
  {
    name: "verdicts with a bad seed, named as the option",
    args: ["verdicts", "--seed", "x"],
    says: /^streamsim: --seed 'x' must be a whole number from 0 to /,
  },
  {
    name: "option the strategy ignores",
    args: ["run", "--variant", "counter-race", "--strategy", "random", "--depth", "2"],
    says: /strategy 'random' does not use --depth/,
  },
  {
    name: "--workers with --shard, refused before the run prints anything",
    args: runCounterRace("exhaustive", "--workers", "2", "--shard", "1/2"),
    says: /^streamsim: --workers shards the search itself; drop --shard$/,
  },
  {
    name: "an option given twice, whose first value commander would drop",
    args: ["replay", GOOD_SCHEDULE, "--out", join(root, "a.json"), "--out", join(root, "b.json")],
    says: /^streamsim: --out is given twice; give it once$/,
  },
  {
    name: "--strategy given twice",
    args: ["run", "--variant", "counter-race", "--strategy", "random", "--strategy", "pct"],
    says: /^streamsim: --strategy is given twice; give it once$/,
  },
  {
    name: "one parameter in two --param options",
    args: ["run", "--scenario", "counter", "--param", "workers=2", "--param", "workers=3"],
    says: /^streamsim: --param 'workers' is given twice; give it once$/,
  },
  {
    name: "one parameter twice in one --param, named as an option, not a schedule",
    args: ["run", "--scenario", "counter", "--param", "workers=2,workers=3"],
    says: /^streamsim: --param 'workers=2,workers=3': parameter 'workers' is given twice$/,
  },
  {
    name: "--workers 1 with --shard: one worker is a pool too",
    args: runCounterRace("dpor", "--workers", "1", "--shard", "2/2"),
    says: /^streamsim: --workers shards the search itself; drop --shard$/,
  },
  {
    name: "a split dpor with --preemption-bound, refused before the run prints anything",
    args: runCounterRace("dpor", "--shard", "1/2", "--preemption-bound", "1"),
    says: /dpor split by --shard or --workers cannot take --preemption-bound/,
  },
  {
    name: "--preemption-bound without --strategy (the help says dpor runs first; pct gets it)",
    args: ["run", "--variant", "fixed", "--preemption-bound", "2"],
    says: /^streamsim: --preemption-bound needs --strategy \(without it, --preemption-bound would go to pct, which does not use it\); name one that does, e\.g\. --strategy dpor/,
  },
  {
    name: "--shard without --strategy (dpor runs first, then pct: a shard of neither)",
    args: ["run", "--variant", "counter-race", "--shard", "1/2"],
    says: /--shard splits the search of one strategy; name it with --strategy/,
  },
  {
    name: "--param that contradicts the variant (it would explore another design under its name)",
    args: ["run", "--variant", "round2", "--param", "variant=fixed"],
    says: /--param variant=fixed contradicts variant 'round2', which sets variant=round2/,
  },
  {
    name: "--out and --html naming the same file (the report would replace the trace)",
    args: ["replay", GOOD_SCHEDULE, "--out", join(root, "same"), "--html", join(root, "same")],
    says: /--out and --html both name '.*same'; give the report its own file/,
  },
  {
    name: "--param without a key",
    args: ["run", "--scenario", "counter", "--param", "=3"],
    says: /--param '=3' is not key=value/,
  },
  {
    name: "an --out that is a dangling symlink, refused before the work (not kept aside after it)",
    args: ["replay", GOOD_SCHEDULE, "--out", dangling],
    says: /--out '.*dangling\.json' already exists; pass --force to replace it/,
  },
  {
    name: "an --out that is not a regular file (as /dev/null), even with --force",
    args: ["replay", GOOD_SCHEDULE, "--out", fifo, "--force"],
    says: /--out '.*fifo' is not a regular file \(a device or a pipe\); give a file name/,
  },
  {
    name: "replay --force without --out or --html, where it would do nothing",
    args: ["replay", GOOD_SCHEDULE, "--force"],
    says: /^streamsim: --force needs --out or --html: it lets an output file replace an existing one; drop --force or name a file$/,
  },
  {
    name: "run --force without --out or --html",
    args: ["run", "--variant", "counter-race", "--force"],
    says: /^streamsim: --force needs --out or --html: /,
  },
  {
    name: "shrink --force of a schedule without --out (its shrunk trace is only printed)",
    args: ["shrink", GOOD_SCHEDULE, "--force"],
    says: /^streamsim: --force needs --out: /,
  },
  {
    name: "an empty --out (an unset shell variable), refused before the work, not at the write",
    args: ["replay", GOOD_SCHEDULE, "--out", ""],
    says: /^streamsim: --out is empty; give a file name$/,
  },
  {
    name: "--out followed by an option (its name left out): no file named --json",
    args: ["run", "--variant", "counter-race", "--out", "--json"],
    says: /^streamsim: --out '--json' looks like an option, not a file name; give the file name after --out \(\.\/--json for a file of that name\)$/,
  },
  {
    name: "--html followed by an option",
    args: ["replay", GOOD_SCHEDULE, "--html", "-q"],
    says: /^streamsim: --html '-q' looks like an option/,
  },
  {
    name: "an empty --html",
    args: ["run", "--variant", "counter-race", "--strategy", "random", "--html", ""],
    says: /^streamsim: --html is empty; give a file name$/,
  },
  {
    name: "replay's --html naming the trace it replays, even with --force",
    args: ["replay", diverged, "--html", diverged, "--force"],
    says: /^streamsim: --html '.*diverged\.json' is the trace being replayed; give another file$/,
  },
  {
    name: "replay's --html naming the trace it replays through a symlinked directory",
    args: ["replay", diverged, "--html", join(linkedFixtures, "diverged.json"), "--force"],
    says: /^streamsim: --html '.*diverged\.json' is the trace being replayed; give another file$/,
  },
  {
    name: "replay's --out naming the trace it replays, even with --force",
    args: ["replay", diverged, "--out", diverged, "--force"],
    says: /^streamsim: --out '.*diverged\.json' is the trace being replayed; give another file$/,
  },
  {
    name: "an --out name too long for the file system, refused as input, not an internal error",
    args: ["replay", GOOD_SCHEDULE, "--out", `${"a".repeat(300)}.json`],
    says: /^streamsim: --out 'a+\.json' cannot be written: the name is too long; give another name$/,
  },
  {
    name: "an --html name too long for the file system",
    args: runCounterRace("random", "--html", `${"b".repeat(300)}.html`),
    says: /^streamsim: --html 'b+\.html' cannot be written: the name is too long; give another name$/,
  },
  {
    name: "--out two levels inside a file: no directory to create",
    args: ["replay", GOOD_SCHEDULE, "--out", join(notJson, "sub", "x.json")],
    says: /--out '.*not-json\.json\/sub\/x\.json': '.*not-json\.json' is a file, not a directory$/,
  },
  {
    name: "--out inside a file, as if it were a directory",
    args: ["replay", GOOD_SCHEDULE, "--out", join(notJson, "x.json")],
    says: /--out '.*not-json\.json\/x\.json': '.*not-json\.json' is a file, not a directory$/,
  },
  {
    name: "shrink's --out naming the trace it shrinks, even with --force",
    args: ["shrink", diverged, "--out", diverged, "--force"],
    says: /^streamsim: --out '.*diverged\.json' is the trace being shrunk; give another file$/,
  },
  {
    name: "--out naming a directory that does not exist yet",
    args: ["replay", GOOD_SCHEDULE, "--out", join(root, "new-dir/")],
    says: /--out '.*new-dir\/' names a directory; give a file name/,
  },
  {
    name: "corpus --dir naming a file",
    args: ["corpus", "list", "--dir", notJson],
    says: /corpus directory '.*not-json\.json' is not a directory; pass --dir a directory/,
  },
  {
    name: "unknown parameter",
    args: ["run", "--scenario", "counter", "--param", "speed=3"],
    says: /has no parameter 'speed'/,
  },
  {
    name: "parameter that is not key=value",
    args: ["run", "--scenario", "counter", "--param", "speed"],
    says: /--param 'speed' is not key=value/,
  },
  {
    name: "output into a missing directory",
    args: ["run", "--variant", "counter-race", "--out", join(root, "no/such/t.json")],
    says: /directory '.*no\/such' does not exist/,
  },
  {
    name: "html into a missing directory",
    args: ["replay", GOOD_SCHEDULE, "--html", join(root, "no/such/r.html")],
    says: /--html .* does not exist/,
  },
  {
    name: "JSON that is not a trace",
    args: ["replay", notATrace],
    says: /is not a streamsim trace/,
  },
  { name: "trace file that is a directory", args: ["replay", fixtures], says: /is a directory/ },
  // Refused before it is opened: a read of /dev/zero would not end, nor one of a terminal.
  {
    name: "trace file that is a device",
    args: ["replay", "/dev/null"],
    says: /^streamsim: trace file '\/dev\/null' is a device or a socket, not a file; give the path of a JSON file, or a pipe$/,
  },
  // Without --out, shrink's result would go beside its input: /dev/null.shrunk.json.
  {
    name: "shrink of a device, or of /dev/stdin, without --out",
    args: ["shrink", "/dev/stdin"],
    says: /^streamsim: '\/dev\/stdin' is a pipe or a device: there is no file to write the shrunk trace beside; name one with --out$/,
  },
  {
    name: "shrink of a device with --out",
    args: ["shrink", "/dev/null", "--out", join(root, "never-written.json")],
    says: /is a device or a socket/,
  },
  // Not internal errors: a schedule too long for a file name, a path through a file.
  {
    name: "shrink of a schedule longer than a file name may be",
    args: ["shrink", `ss1:counter:workers=2:${"0.".repeat(150)}0`],
    says: /^streamsim: schedule diverges at step 2: /,
  },
  {
    name: "shrink of a path through a file",
    args: ["shrink", join(notJson, "x")],
    says: /^streamsim: trace file '.*not-json\.json\/x' does not exist/,
  },
  {
    name: "corpus add of a device",
    args: ["corpus", "add", "/dev/null", "--dir", corpusDir],
    says: /is a device or a socket/,
  },
  {
    name: "schedule that does not fit the scenario",
    args: ["replay", "ss1:counter:workers=2:7.7"],
    says: /schedule diverges at step 0: .*cannot run now/,
  },
  {
    name: "schedule with decisions left over",
    args: ["replay", "ss1:counter:workers=2:0.1x2.0.0"],
    says: /schedule diverges: the execution ended .* unused/,
  },
  {
    name: "schedule with a bad decision",
    args: ["replay", "ss1:counter:workers=2:zz"],
    says: /decision 'zz' is not one of/,
  },
  {
    name: "schedule of an unknown format version",
    args: ["replay", "ss9:counter:-:0"],
    says: /schedule format 'ss9' is not supported/,
  },
  {
    name: "schedule of an unknown scenario",
    args: ["replay", "ss1:nope:-:0"],
    says: /unknown scenario 'nope'/,
  },
  {
    name: "shrink of a trace whose recorded steps today's execution no longer matches",
    args: ["shrink", diverged],
    says: /trace file '.*diverged\.json' diverges from today's execution at step 0 \(the model or the harness changed/,
  },
  {
    name: "corpus add of a trace whose recorded steps today's execution no longer matches",
    args: ["corpus", "add", diverged, "--dir", corpusDir],
    says: /trace file '.*diverged\.json' diverges from today's execution at step 0 \(the model or the harness changed/,
  },
  {
    name: "shrink of an execution that does not fail",
    args: ["shrink", "ss1:counter:workers=1:0x2"],
    says: /completes with every check held: there is no failure to shrink/,
  },
  {
    name: "corpus add of a scenario without variants",
    args: ["corpus", "add", "ss1:lastzero:n=1:0x4", "--dir", corpusDir],
    says: /no built-in variants|unknown scenario|diverges/,
  },
  {
    name: "--expect with something that is not a verdict",
    args: addExpecting("counter-race=maybe"),
    says: /--expect 'counter-race=maybe' must be variant=verdict/,
  },
  {
    name: "--expect naming a variant of another scenario",
    args: addExpecting("fixed=pass"),
    says: /--expect names 'fixed', which is not a variant of scenario 'counter'/,
  },
  {
    name: "--expect naming an invariant the scenario does not have",
    args: addExpecting("counter-race=violation: nope"),
    says: /scenario 'counter' has no invariant 'nope' \(invariants: no lost update\)/,
  },
  {
    name: "--expect naming an object's own method, not a variant given before",
    args: addExpecting("constructor=pass"),
    says: /^streamsim: --expect names 'constructor', which is not a variant of scenario 'counter'/,
  },
  {
    name: "--expect giving one variant two verdicts",
    args: addExpecting("counter-race=pass", "counter-race=deadlock"),
    says: /--expect gives variant 'counter-race' two verdicts/,
  },
  {
    name: "--expect giving one variant the same verdict twice, refused as a repeated --param key is",
    args: addExpecting("counter-race=pass", "counter-race=pass"),
    says: /^streamsim: --expect 'counter-race' is given twice; give it once$/,
  },
  {
    name: "one parameter given twice with the same value",
    args: ["run", "--scenario", "counter", "--param", "workers=2", "--param", "workers=2"],
    says: /^streamsim: --param 'workers' is given twice; give it once$/,
  },
  {
    name: "corpus add --builtin with --expect or --note, which it would ignore",
    args: ["corpus", "add", "--builtin", "--dir", corpusDir, "--note", "why"],
    says: /--builtin writes each minimal case with its own note .*; drop --expect and --note/,
  },
  {
    name: "corpus add without input",
    args: ["corpus", "add", "--dir", corpusDir],
    says: /give a trace file or schedule to add, or --builtin/,
  },
  {
    name: "corpus replay of a directory with no case (a gate that checks nothing must not pass)",
    args: ["corpus", "replay", "--dir", emptyDir],
    says: /^streamsim: corpus directory '.*empty-corpus' holds no case \(no \*\.json file\): nothing to replay; /,
  },
  {
    name: "replay of an empty argument (an unset shell variable)",
    args: ["replay", ""],
    says: /^streamsim: the trace file or schedule is empty; give the path of a trace written with --out, or a schedule 'ss1:\.\.\.'$/,
  },
  {
    name: "replay of a corpus case file, which holds a schedule, not a trace",
    args: ["replay", corpusCaseFile],
    says: /^streamsim: trace file '.*round1-minimal\.json' is a corpus case, not a trace: replay its schedule \(streamsim replay 'ss1:protocol:.*'\), or every case \(streamsim corpus replay\)$/,
  },
  {
    name: "corpus in a missing directory",
    args: ["corpus", "replay", "--dir", join(root, "no-such-corpus")],
    says: /corpus directory '.*no-such-corpus' does not exist/,
  },
  {
    name: "verdicts of an unknown variant",
    args: ["verdicts", "--variant", "nope"],
    says: /unknown variant 'nope'/,
  },
  {
    name: "help of an unknown command, said as for the command itself (not the general help)",
    args: ["help", "frobnicate"],
    says: /^streamsim: unknown command 'frobnicate' \(add --help for usage and examples\)$/,
  },
  {
    name: "help of a mistyped command, with commander's suggestion",
    args: ["help", "rn"],
    says: /^streamsim: unknown command 'rn' \(Did you mean run\?\) \(add --help for usage and examples\)$/,
  },
  {
    name: "help of a mistyped corpus subcommand, with a suggestion",
    args: ["help", "corpus", "ad"],
    says: /^streamsim: unknown command 'ad' \(Did you mean add\?\) \(add --help for usage and examples\)$/,
  },
  {
    name: "help of an unknown corpus subcommand, asked of corpus",
    args: ["corpus", "help", "frobnicate"],
    says: /^streamsim: unknown command 'frobnicate' \(add --help for usage and examples\)$/,
  },
  {
    name: "help of a command's subcommand, where it has none",
    args: ["help", "run", "extra"],
    says: /^streamsim: unknown command 'extra' \('run' has no subcommands\) \(add --help/,
  },
  {
    name: "help of an unknown corpus subcommand, asked of streamsim",
    args: ["help", "corpus", "frobnicate"],
    says: /^streamsim: unknown command 'frobnicate' \(add --help for usage and examples\)$/,
  },
  {
    name: "unknown option",
    args: ["run", "--variant", "counter-race", "--frobnicate"],
    says: /unknown option '--frobnicate'/,
  },
];

function expectOneLine(r: CliResult, says: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  const own = r.stderr.trimEnd().split("\n");
  expect(own).toHaveLength(1);
  expect(own[0]).toMatch(says);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe.concurrent("bad input, spawned: one line on stderr, exit 2, nothing written", () => {
  for (const c of spawned) {
    it(c.name, async () => {
      const cwd = mkdtempSync(join(root, "cwd-"));
      // Killed if it blocks (on a FIFO, say): the case fails instead of hanging the suite.
      expectOneLine(await streamsim(c.args, { cwd, timeout_ms: 60_000 }), c.says);
      expect(readdirSync(cwd)).toEqual([]);
    });
  }

  // As a shell's <(...) or `... | streamsim replay /dev/stdin` gives it.
  it("a trace from a pipe is read as a file", async () => {
    const cwd = mkdtempSync(join(root, "pipe-"));
    const saved = join(cwd, "race.json");
    // The counter race: the replay breaks the invariant (exit 1) whichever way it is read.
    const fromFile = await streamsim(["replay", GOOD_SCHEDULE, "--out", saved], { cwd });
    expect(fromFile.code).toBe(1);
    const pipe = join(cwd, "named-pipe");
    execFileSync("mkfifo", [pipe]);
    // The writer opens the pipe when the CLI opens it to read (each waits for the other). A
    // child, killed after the time limit: a CLI that never opened the pipe fails the test
    // and leaves no write blocked in this process.
    const [fromPipe] = await Promise.all([
      streamsim(["replay", pipe], { cwd, timeout_ms: 60_000 }),
      execFileAsync("sh", ["-c", 'cat "$1" > "$2"', "sh", saved, pipe], { timeout: 60_000 }),
    ]);
    expect(fromPipe.stderr).toBe("");
    expect(fromPipe.code).toBe(1);
    expect(fromPipe.stdout).toMatch(/✗ invariant 'no lost update' broken after step 3/);
  });

  // Listing a directory must not wait on a pipe that nobody writes to.
  it("a corpus case that is a FIFO is an unreadable case, refused before it is opened", async () => {
    const corpus = mkdtempSync(join(root, "corpus-with-fifo-"));
    execFileSync("mkfifo", [join(corpus, "pipe.json")]);
    const r = await streamsim(["corpus", "replay", "--dir", corpus], { timeout_ms: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /^✗ corpus case '.*pipe\.json' is not a regular file \(a device or a pipe\)$/m,
    );
    expect(lastLine(r.stdout)).toBe("1 case, 0 checks: 0 changed, 1 unreadable");
  });

  // Permissions do not stop root (CI runs as root): there the CLI runs as nobody, which
  // needs to reach the repository and node through directories others may enter.
  const asRoot = process.getuid?.() === 0;
  const othersReach = (path: string): boolean =>
    (statSync(path).mode & 0o005) === 0o005 &&
    (path === dirname(path) || othersReach(dirname(path)));
  const nobodyCanRun =
    !asRoot ||
    (othersReach(fileURLToPath(new URL("..", import.meta.url))) && othersReach(process.execPath));
  it.runIf(nobodyCanRun)(
    "an --out in a directory it cannot write to, refused before the work (the write came after it)",
    async () => {
      const cwd = mkdtempSync(join(root, "cwd-"));
      const readOnly = join(cwd, "read-only");
      mkdirSync(readOnly, { mode: 0o555 });
      for (const d of [root, cwd]) chmodSync(d, 0o755);
      try {
        const r = await streamsim(["replay", GOOD_SCHEDULE, "--out", "read-only/t.json", "-q"], {
          cwd,
          ...(asRoot ? { uid: 65534 } : {}),
        });
        expectOneLine(r, /--out 'read-only\/t\.json': directory 'read-only' is not writable/);
        expect(readdirSync(readOnly)).toEqual([]);
      } finally {
        chmodSync(readOnly, 0o755); // so that afterAll can remove it, as any user
      }
    },
  );

  it.runIf(nobodyCanRun)(
    "corpus add and prune in a directory the user cannot write to (an internal error at the write)",
    async () => {
      const cwd = mkdtempSync(join(root, "cwd-"));
      const readOnly = join(cwd, "read-only");
      mkdirSync(readOnly);
      // One case with an expectation for a variant that does not exist: prune would rewrite it.
      const added = await runMain([
        "corpus",
        "add",
        "ss1:counter:workers=2:0.1.0.1",
        "--dir",
        readOnly,
      ]);
      expect(added.code).toBe(0);
      const [name] = readdirSync(readOnly);
      const file = join(readOnly, name ?? "");
      const text = readFileSync(file, "utf8").replace(
        '"expected": {',
        '"expected": {"gone": "pass", ',
      );
      writeFileSync(file, text);
      for (const d of [root, cwd]) chmodSync(d, 0o755);
      chmodSync(readOnly, 0o555);
      try {
        for (const args of [
          ["corpus", "add", GOOD_SCHEDULE, "--dir", "read-only"],
          ["corpus", "prune", "--dir", "read-only"],
        ]) {
          const r = await streamsim(args, { cwd, ...(asRoot ? { uid: 65534 } : {}) });
          expectOneLine(r, /^streamsim: corpus directory 'read-only' is not writable/);
        }
        expect(readdirSync(readOnly)).toEqual([name]);
        expect(readFileSync(file, "utf8")).toBe(text);
      } finally {
        chmodSync(readOnly, 0o755); // so that afterAll can remove it, as any user
      }
    },
  );

  it("corpus replay names an older-schema case and says how to migrate it", async () => {
    const r = await streamsim(["corpus", "replay", "--dir", corpusDir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /old-case\.json' has schema 0, older than this streamsim's 1; migrate it: npx streamsim corpus add 'ss1:counter:workers=2:0\.1x2\.0' --dir '.*corpus' --force \(with the --expect and --note it had\), then delete .*old-case\.json if the add wrote another file$/m,
    );
    expect(readdirSync(corpusDir)).toEqual(["old-case.json"]);
  });
});

describe("bad input, in process: one line on stderr, exit 2, nothing written", () => {
  for (const c of inProcess) {
    it(c.name, async () => {
      const before = readdirSync(root, { recursive: true });
      expectOneLine(await runMain(c.args), c.says);
      expect(readdirSync(root, { recursive: true })).toEqual(before);
    });
  }

  it("an older-schema built-in minimal case is migrated by making it again under its id", async () => {
    const corpus = mkdtempSync(join(root, "corpus-old-minimal-"));
    const file = join(corpus, "round1-minimal.json");
    const repoCase = fileURLToPath(new URL("../corpus/round1-minimal.json", import.meta.url));
    const old = JSON.parse(readFileSync(repoCase, "utf8")) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...old, schema: 0 }));
    const replay = await runMain(["corpus", "replay", "--dir", corpus]);
    expect(replay.code).toBe(2);
    expect(replay.stdout).toContain(
      `has schema 0, older than this streamsim's 1; migrate it: npx streamsim corpus add --builtin --force --dir '${corpus}' (it is a built-in minimal case: this makes it again under its id)`,
    );
    // Doing what it says gives the case back under its id, and the corpus replays clean.
    expect((await runMain(["corpus", "add", "--builtin", "--force", "--dir", corpus])).code).toBe(
      0,
    );
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({
      id: "round1-minimal",
      schema: 1,
    });
    expect((await runMain(["corpus", "replay", "--dir", corpus])).code).toBe(0);
    // A case that only looks like one (no built-in variant's) gets the advice of any case.
    const gone = mkdtempSync(join(root, "corpus-old-gone-"));
    writeFileSync(
      join(gone, "gone-minimal.json"),
      JSON.stringify({ ...old, id: "gone-minimal", schema: 0 }),
    );
    const other = await runMain(["corpus", "replay", "--dir", gone]);
    expect(other.code).toBe(2);
    expect(other.stdout).toMatch(
      /migrate it: npx streamsim corpus add 'ss1:protocol:.*' --dir '.*' --force \(with the --expect and --note it had\), then delete .*gone-minimal\.json if the add wrote another file$/m,
    );
  });

  // The advice said to add the schedule again and then delete the old file; the schedule
  // added again keeps its id, so that deleted the migrated case (fresh-user audit).
  it("an older-schema case keeps its file when migrated as the advice says", async () => {
    const corpus = mkdtempSync(join(root, "corpus-old-case-"));
    const add = ["corpus", "add", GOOD_SCHEDULE, "--dir", corpus];
    expect((await runMain([...add, "--expect", "counter-race=pass", "--note", "kept"])).code).toBe(
      0,
    );
    const [name] = readdirSync(corpus);
    const file = join(corpus, name as string);
    const old = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...old, schema: 0 }));
    const replay = await runMain(["corpus", "replay", "--dir", corpus]);
    expect(replay.code).toBe(2);
    expect(replay.stdout).toContain(
      `migrate it: npx streamsim corpus add '${GOOD_SCHEDULE}' --dir '${corpus}' --force (with the --expect and --note it had), then delete ${file} if the add wrote another file`,
    );
    const again = await runMain([...add, "--force", "--expect", "counter-race=pass"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Replaced /m);
    const json = await runMain([...add, "--force", "--expect", "counter-race=pass", "--json"]);
    expect(JSON.parse(json.stdout).added).toMatchObject([{ id: old.id, status: "replaced" }]);
    expect(readdirSync(corpus)).toEqual([name]);
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ id: old.id, schema: 1 });
    // Expected to pass, the race case fails as it did before: the expectation was kept.
    expect((await runMain(["corpus", "replay", "--dir", corpus])).code).toBe(1);
  });

  it("a corpus entry that cannot be read (a directory named *.json) is an unreadable case, not an internal error", async () => {
    const corpus = mkdtempSync(join(root, "corpus-with-dir-"));
    mkdirSync(join(corpus, "folder.json"));
    const replay = await runMain(["corpus", "replay", "--dir", corpus]);
    expect(replay.code).toBe(2);
    expect(replay.stderr).toBe("");
    expect(replay.stdout).toMatch(
      /^✗ corpus case '.*folder\.json' is not a regular file \(a directory\)$/m,
    );
    const list = await runMain(["corpus", "list", "--dir", corpus]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/folder\.json .* unreadable: corpus case .* is not a regular file/);
    rmSync(corpus, { recursive: true });
  });

  /** A new corpus directory holding one case, the counter race's, and that case's file. */
  async function corpusOfOneCase(prefix: string): Promise<{ corpus: string; file: string }> {
    const corpus = mkdtempSync(join(root, prefix));
    const added = await runMain([
      "corpus",
      "add",
      "ss1:counter:workers=2:0.1.0.1",
      "--dir",
      corpus,
    ]);
    expect(added.code).toBe(0);
    const [name = ""] = readdirSync(corpus);
    return { corpus, file: join(corpus, name) };
  }

  it("a corpus case of a scenario that is not registered says so, not to run prune", async () => {
    const { corpus, file } = await corpusOfOneCase("corpus-unknown-scenario-");
    // Its scenario renamed (in the schedule too); its variants still exist, so prune keeps it.
    writeFileSync(file, readFileSync(file, "utf8").replaceAll(/\bcounter(?=[:"])/g, "mine"));
    const edited = readFileSync(file, "utf8");
    expect(edited).toMatch(/"scenario": "mine"/);
    const replay = await runMain(["corpus", "replay", "--dir", corpus]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(
      /^✗ \S+ on counter-race: scenario 'mine' is not registered \(see scripts\/catalog\.ts\); if it is gone, delete the case$/m,
    );
    expect(replay.stdout).not.toMatch(/corpus prune/);
    const prune = await runMain(["corpus", "prune", "--dir", corpus]);
    expect(prune.code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(edited);
    rmSync(corpus, { recursive: true });
  });

  it("a corpus case with a field of the wrong type is unreadable, not stale", async () => {
    const { corpus, file } = await corpusOfOneCase("corpus-bad-field-");
    const good = readFileSync(file, "utf8");
    for (const [field, bad, says] of [
      ["steps", '"x"', /"steps" must be a whole number/],
      ["note", "7", /"note" must be a string/],
      ["harness", "null", /"harness" must be a string/],
    ] as const) {
      writeFileSync(file, good.replace(new RegExp(`"${field}": [^,\n]+`), `"${field}": ${bad}`));
      const r = await runMain(["corpus", "replay", "--dir", corpus]);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(says);
      expect(lastLine(r.stdout)).toBe("1 case, 0 checks: 0 changed, 1 unreadable");
    }
    rmSync(corpus, { recursive: true });
  });

  it("a corpus case whose schedule does not parse is reported with its file name", async () => {
    const corpus = mkdtempSync(join(root, "corpus-bad-schedule-"));
    writeFileSync(
      join(corpus, "garbled.json"),
      JSON.stringify({
        format: "streamsim.corpus-case",
        schema: 1,
        harness: "0.1.0",
        id: "garbled",
        scenario: "counter",
        found_on: "counter-race",
        params: { workers: 2 },
        schedule: "garbage",
        choices: [0],
        steps: 4,
        expected: { "counter-race": "pass" },
        note: "",
      }),
    );
    const r = await runMain(["corpus", "replay", "--dir", corpus]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /^✗ corpus case '.*garbled\.json': "schedule" is bad: not a schedule: expected .*'garbage'$/m,
    );
    rmSync(corpus, { recursive: true });
  });

  it("a corpus case copied under another name is unreadable: two files would share an id", async () => {
    const { corpus, file } = await corpusOfOneCase("corpus-copied-");
    const id = basename(file, ".json");
    copyFileSync(file, join(corpus, "my-copy.json"));
    const replay = await runMain(["corpus", "replay", "--dir", corpus]);
    expect(replay.code).toBe(2);
    expect(replay.stdout).toMatch(
      new RegExp(
        `^✗ corpus case '.*my-copy\\.json' has id '${id}', not its file's name; ${id}\\.json holds that id already: delete this copy, or set its "id" to "my-copy"$`,
        "m",
      ),
    );
    // The case it was copied from still replays.
    expect(replay.stdout).toMatch(new RegExp(`^✓ ${id} on counter-race`, "m"));
    expect(lastLine(replay.stdout)).toMatch(/^2 cases, \d+ checks: 0 changed, 1 unreadable$/);
    const prune = await runMain(["corpus", "prune", "--dir", corpus]);
    expect(prune.code).toBe(2);
    expect(prune.stderr).toMatch(/cannot prune: 1 unreadable case, first corpus case .*my-copy/);
    rmSync(corpus, { recursive: true });
  });

  it("corpus add --builtin refuses a differing case before it writes any other", async () => {
    const corpus = mkdtempSync(join(root, "corpus-builtin-"));
    expect((await runMain(["corpus", "add", "--builtin", "--dir", corpus])).code).toBe(0);
    // The catalog's first variant's case is missing, its last one's edited: a refusal that
    // came only when the loop reached the edited case would have written the missing one.
    rmSync(join(corpus, "counter-race-minimal.json"));
    writeFileSync(join(corpus, "round3-minimal.json"), "edited by hand");
    const before = readdirSync(corpus).sort();
    expectOneLine(
      await runMain(["corpus", "add", "--builtin", "--dir", corpus]),
      /already exists and differs from today's minimal case; pass --force to replace$/,
    );
    expect(readdirSync(corpus).sort()).toEqual(before);
    expect(readFileSync(join(corpus, "round3-minimal.json"), "utf8")).toBe("edited by hand");
    rmSync(corpus, { recursive: true });
  });

  it("--force never replaces a device or a pipe with a plain file", async () => {
    expect((await runMain(["replay", GOOD_SCHEDULE, "--html", fifo, "--force"])).code).toBe(2);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("an unexpected error is one 'internal error' line with a hint, exit 1, the stack only on request", async () => {
    const exit = { code: 0 };
    const failing = () =>
      new Command("streamsim").exitOverride().action(() => {
        throw new Error("boom\nsecond line");
      });
    const quiet = await capture(() => runProgram(failing(), exit, ["node", "streamsim"], {}));
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toBe(
      "streamsim: internal error: boom (a bug in streamsim or in a model; rerun with STREAMSIM_DEBUG=1 for the stack trace)\n",
    );
    const debug = await capture(() =>
      runProgram(failing(), exit, ["node", "streamsim"], { STREAMSIM_DEBUG: "1" }),
    );
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n\s+at /);
    // A nondeterministic model's error says whose bug it is: one explanation, not two.
    // (Its message on one line: the explanation comes last, after a crash's message that
    // may span lines.)
    const drifting = new Command("streamsim").exitOverride().action(() => {
      throw new NondeterminismError("dpor: replay diverged at step 3:\na cannot run there now");
    });
    const said = await capture(() => runProgram(drifting, exit, ["node", "streamsim"], {}));
    expect(said.code).toBe(1);
    expect(said.stderr).toMatch(
      /^streamsim: internal error: dpor: replay diverged at step 3: a cannot run there now: the scenario is not deterministic \(.*\); a bug in a built-in model: rerun with STREAMSIM_DEBUG=1 for the stack trace\n$/,
    );
  });
});
