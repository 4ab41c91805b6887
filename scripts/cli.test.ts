import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HARNESS_VERSION } from "../sim/index.ts";
import { runMain } from "./testing/in-process.ts";
import { lastLine, streamsim } from "./testing/spawn-cli.ts";

/**
 * End-to-end: the real CLI in a child process (`streamsim`), one command after another, the
 * way the README's walkthrough uses it: run finds and shrinks a race, replay reproduces it,
 * shrink writes a minimal trace, the corpus keeps it. Every command is spawned at least
 * once; follow-up checks of the same command run `main` in process (`runMain`) to keep the
 * suite fast. Budgets are tiny; the counter example's race is found in a few executions.
 */
const dir = mkdtempSync(join(tmpdir(), "streamsim-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const REPRODUCE = /^Reproduce: npx streamsim replay '(ss1:counter:[^']+)'$/;

/** The timeline part of a report: from its header to the line before "Reproduce:". */
function timeline(stdout: string): string {
  const start = stdout.indexOf("#  time");
  const end = stdout.indexOf("Reproduce:");
  return stdout.slice(start, end).replace(/\n(Trace|Shrunk trace) written to .*\n/, "\n");
}

describe("streamsim CLI, end to end", () => {
  it("prints its version and help", async () => {
    const version = await streamsim(["--version"]);
    expect(version).toMatchObject({ code: 0, stdout: `${HARNESS_VERSION}\n` });
    const help = await streamsim(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["verdicts", "list", "run", "replay", "shrink", "corpus"]) {
      expect(help.stdout).toContain(command);
    }
  });

  it("lists scenarios, variants with their policies, invariants and strategies", async () => {
    const text = await streamsim(["list"]);
    expect(text.code).toBe(0);
    expect(text.stdout.startsWith("Scenarios\n")).toBe(true);
    expect(text.stdout).toMatch(/counter-race\s+counter\s+violation: no lost update\s+workers=2/);
    const json = await runMain(["list", "--json"]);
    const doc = JSON.parse(json.stdout);
    expect(doc.command).toBe("list");
    expect(doc.variants.map((v: { name: string }) => v.name)).toEqual(
      expect.arrayContaining(["counter-race", "counter-solo"]),
    );
    expect(doc.strategies.map((s: { name: string }) => s.name)).toEqual(
      expect.arrayContaining(["random", "pct", "choices", "replay"]),
    );
    expect(doc.invariants).toContainEqual(expect.objectContaining({ name: "no lost update" }));
  });

  let schedule = "";
  let runTimeline = "";
  const race = join(dir, "race.json");

  it("run finds the race, prints the shrunk timeline and ends with the replay command (exit 1)", async () => {
    const r = await streamsim([
      "run",
      "--variant",
      "counter-race",
      "--strategy",
      "random",
      "--seed",
      "3",
      "--runs",
      "200",
      "--out",
      race,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Found violation: no lost update after");
    // Counts agree with their nouns: the shrunk race has one preemption.
    expect(r.stdout).toMatch(/ to 4 steps \(1 preemption\) in \d+ attempts\.$/m);
    expect(r.stdout).toContain("✗ invariant 'no lost update' broken after step 3");
    expect(r.stdout).toMatch(/^0\s+0ms\s+worker-\d\s+read\s+r counter$/m);
    expect(r.stdout).toMatch(/^3\s+0ms\s+worker-\d\s+write\s+w counter$/m);
    const m = REPRODUCE.exec(lastLine(r.stdout));
    expect(m).not.toBeNull();
    schedule = m?.[1] ?? "";
    runTimeline = timeline(r.stdout);
    expect(existsSync(race)).toBe(true);
    expect(r.stderr).toBe("");
  });

  it("run reports no violation with exit 0 on a correct variant, and --json has the documented shape", async () => {
    const r = await streamsim([
      "run",
      "--variant",
      "counter-solo",
      "--strategy",
      "pct",
      "--runs",
      "50",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      streamsim_json: 1,
      command: "run",
      variant: "counter-solo",
      executions: 50,
      verdict: "pass",
      counterexample: null,
    });
    const failing = await runMain(["run", "--variant", "counter-race", "--runs", "100", "--json"]);
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout).counterexample).toMatchObject({
      verdict: "violation: no lost update",
      steps: 4,
      reproduce: expect.stringMatching(/^npx streamsim replay 'ss1:counter:/),
    });
  });

  it("a run that stops early names the limit that stopped it, never calling it a proof", async () => {
    const line = async (args: string[]) => {
      const r = await runMain(["run", "--variant", "fixed", ...args]);
      expect(r.code).toBe(0);
      return lastLine(r.stdout);
    };
    expect(await line(["--strategy", "random", "--runs", "20"])).toMatch(
      /^No violation in 20 executions \(.*; --runs 20 used up: not a proof\)\.$/,
    );
    expect(await line(["--strategy", "random", "--budget", "200ms"])).toMatch(
      /; time budget used up: not a proof\)\.$/,
    );
    // dpor's 20 runs include sleep-blocked ones, which are no executions of their own.
    expect(await line(["--strategy", "dpor", "--runs", "20"])).toMatch(
      /^No violation in 17 executions \(.*; --runs 20 used up: not a proof\)\.$/,
    );
  });

  it("replay of the printed command reproduces the same timeline, from text and from the trace file", async () => {
    const fromText = await streamsim(["replay", schedule]);
    expect(fromText.code).toBe(1);
    expect(fromText.stdout).toMatch(/^Replaying counter-race \(scenario counter\), 4 decisions$/m);
    expect(timeline(fromText.stdout)).toBe(runTimeline);
    expect(lastLine(fromText.stdout)).toBe(`Reproduce: npx streamsim replay '${schedule}'`);
    const fromFile = await runMain(["replay", race]);
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toBe("");
    expect(timeline(fromFile.stdout)).toBe(runTimeline);
  });

  it("replay fails loudly when the execution diverges from the recorded trace", async () => {
    const edited = join(dir, "edited.json");
    writeFileSync(
      edited,
      readFileSync(race, "utf8").replace('"label":"write"', '"label":"written"'),
    );
    const r = await runMain(["replay", edited]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/replay diverges from the recorded trace at step \d/);
  });

  // A model change can make a step the file records impossible (the README walkthrough's
  // fix does): that is a divergence from the recording too, reported with the step
  // recorded there, not bad input with the file unnamed (fresh-user audit).
  it("replay reports a trace file whose schedule no longer fits as a divergence", async () => {
    const recorded = JSON.parse(readFileSync(race, "utf8")) as { schedule: string };
    // The schedule's decisions (the last field) with the last step given to an actor that
    // has finished by then: the counter's workers take turns, 0.1x2.0 → 0.1x2.1.
    const moved = recorded.schedule.replace(/0\.1x2\.0$/, "0.1x2.1");
    expect(moved).not.toBe(recorded.schedule);
    const changed = join(dir, "changed.json");
    writeFileSync(changed, JSON.stringify({ ...recorded, schedule: moved }));
    const r = await runMain(["replay", changed]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^streamsim: replay diverges from the recorded trace at step 3 \(the model or the harness changed since it was recorded\):\n {2}recorded: \{"i":3,.*\n {2}replayed: its schedule no longer fits: schedule diverges at step 3: it says run .*\n$/,
    );
    // Asked for files, it says it wrote none: there is no execution of today's to write.
    const out = join(dir, "changed-out.json");
    const withOut = await runMain(["replay", changed, "--out", out]);
    expect(withOut.code).toBe(1);
    expect(withOut.stdout).toContain(
      `No execution of today's to write, so nothing written to ${out}.`,
    );
    expect(existsSync(out)).toBe(false);
    const json = await runMain(["replay", changed, "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      command: "replay",
      verdict: null,
      trace: null,
      diverged: { step: 3 },
    });
    const shrink = await runMain(["shrink", changed]);
    expect(shrink.code).toBe(2);
    expect(shrink.stderr).toMatch(
      /^streamsim: trace file '.*changed\.json' diverges from today's execution at step 3 \(the model or the harness changed since it was recorded\): its schedule no longer fits: schedule diverges at step 3: .*; 'streamsim replay .*changed\.json' shows how/,
    );
  });

  it("run, replay and shrink never replace an --out or --html file that appeared while they ran", async () => {
    const cases = [
      { args: ["run", "--variant", "counter-race", "--runs", "100"], after: "Found ", html: true },
      { args: ["replay", schedule], after: "Replaying ", html: true },
      { args: ["shrink", "ss1:counter:workers=3:0.1.2.0.1.2"], after: "Shrunk from ", html: false },
    ];
    for (const { args, after, html } of cases) {
      for (const [option, name] of [
        ["--out", "appeared.json"],
        ...(html ? [["--html", "appeared.html"] as const] : []),
      ] as const) {
        const file = join(dir, `${args[0]}-${name}`);
        // Someone else's file shows up after the start-up check, before the write.
        const r = await runMain([...args, option, file], (stdout) => {
          if (stdout.includes(after) && !existsSync(file)) writeFileSync(file, "theirs");
        });
        expect(r.code).toBe(2);
        expect(readFileSync(file, "utf8")).toBe("theirs");
        const kept = /the result is in '([^']+)'/.exec(r.stderr)?.[1] ?? "";
        expect(r.stderr).toMatch(
          new RegExp(`^streamsim: ${option} '.*${name}' appeared while streamsim ran; .*\\n$`),
        );
        expect(readFileSync(kept, "utf8")).toContain(schedule.slice(0, 20));
        // The command that reproduces the result is printed all the same.
        expect(lastLine(r.stdout)).toMatch(/^Reproduce: npx streamsim replay 'ss1:counter:/);
        rmSync(kept);
      }
    }
  });

  it("shrink writes a minimal trace next to the input and never overwrites it silently", async () => {
    const long = join(dir, "long.json");
    const rec = await runMain(["replay", "ss1:counter:workers=3:0.1.2.0.1.2", "--out", long]);
    expect(rec.code).toBe(1);
    const r = await streamsim(["shrink", long]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Shrunk from 6 steps \(3 preemptions\) to 4 steps \(1 preemption\) in \d+ attempts; same failure:$/m,
    );
    const shrunk = JSON.parse(readFileSync(join(dir, "long.shrunk.json"), "utf8"));
    expect(shrunk.steps).toHaveLength(4);
    expect(shrunk.params).toEqual({ workers: 2 });
    expect(lastLine(r.stdout)).toBe(`Reproduce: npx streamsim replay '${shrunk.schedule}'`);
    // A file whose name starts with '-' shrinks beside itself: the default --out made from
    // it is no option left without its value.
    copyFileSync(long, join(dir, "-dash.json"));
    const dashed = await streamsim(["shrink", "--", "-dash.json"], { cwd: dir });
    expect(dashed.code).toBe(0);
    expect(existsSync(join(dir, "-dash.shrunk.json"))).toBe(true);
    // Capped at 2 attempts, the search stops early and says so (text and JSON).
    const capped = await runMain(["shrink", long, "--attempts", "2", "--out", join(dir, "c.json")]);
    expect(capped.code).toBe(0);
    expect(capped.stdout).toMatch(
      / in 2 attempts \(stopped by the cap of 2: a higher --attempts may shrink it further\); same failure:$/m,
    );
    const cappedJson = await runMain([
      "shrink",
      long,
      ...["--attempts", "2", "--json", "--out", join(dir, "c2.json")],
    ]);
    expect(JSON.parse(cappedJson.stdout)).toMatchObject({ attempts: 2, capped: true });
    expect(r.stdout).not.toMatch(/may shrink further/);
    const again = await runMain(["shrink", long]);
    expect(again.code).toBe(2);
    // No --out was given: the message names the default, not an option the user passed.
    expect(again.stderr).toMatch(
      /^streamsim: the default --out '.*long\.shrunk\.json' already exists; pass --force to replace it\n$/,
    );
  });

  it("corpus add, list, replay and prune keep and check cases", async () => {
    const corpus = mkdtempSync(join(dir, "corpus-"));
    const add = await streamsim(["corpus", "add", race, "--dir", corpus]);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain("counter-race: expected violation: no lost update");
    const twice = await runMain(["corpus", "add", race, "--dir", corpus]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/already exists; pass --force to replace it/);
    const list = JSON.parse(
      (await streamsim(["corpus", "list", "--dir", corpus, "--json"])).stdout,
    );
    expect(list.cases).toHaveLength(1);
    expect(list.cases[0]).toMatchObject({
      found_on: "counter-race",
      schedule,
      expected: { "counter-race": "violation: no lost update", "counter-solo": "pass" },
    });
    const green = await streamsim(["corpus", "replay", "--dir", corpus]);
    expect(green.code).toBe(0);
    expect(lastLine(green.stdout)).toBe("1 case, 2 checks: 0 changed, 0 unreadable");
    const listed = await runMain(["corpus", "list", "--dir", corpus, "--quiet"]);
    expect(listed.stdout).toBe("1 case\n");

    // Expecting the fix before it exists: the corpus goes red until the variant passes.
    const red = await runMain([
      "corpus",
      "add",
      race,
      "--dir",
      corpus,
      "--force",
      "--expect",
      "counter-race=pass",
    ]);
    expect(red.code).toBe(0);
    const replayRed = await runMain(["corpus", "replay", "--dir", corpus]);
    expect(replayRed.code).toBe(1);
    expect(replayRed.stdout).toMatch(
      /✗ \S+ on counter-race: violation: no lost update, expected pass/,
    );

    // A hand edit of one field is reported, not checked against the others' stale values.
    const [caseName] = readdirSync(corpus);
    const caseFile = join(corpus, caseName as string);
    const saved = readFileSync(caseFile, "utf8");
    writeFileSync(caseFile, saved.replace(/"workers": 2/, '"workers": 3'));
    const edited = await runMain(["corpus", "replay", "--dir", corpus]);
    expect(edited.code).toBe(2);
    expect(edited.stdout).toContain(
      `"params" and the schedule's parameters differ (workers: 3 against 2); params, choices and steps derive from the schedule`,
    );
    // A schedule that no longer gives the case's steps (a hand edit, or a model change) is
    // named as stale; its verdicts are still checked on its choices.
    writeFileSync(caseFile, saved.replace(/"steps": 4/, '"steps": 5'));
    const stale = await runMain(["corpus", "replay", "--dir", corpus]);
    expect(stale.code).toBe(1); // the case still expects the fix (counter-race=pass) above
    expect(stale.stdout).toContain(
      '"steps" is 5, but its schedule runs 4; its verdicts are checked',
    );
    expect(lastLine(stale.stdout)).toBe("1 case, 2 checks: 1 changed, 0 unreadable, 1 stale");
    writeFileSync(caseFile, saved);

    // A longer case with the same verdicts is redundant: prune removes it, keeps the shorter.
    await runMain(["corpus", "add", race, "--dir", corpus, "--force"]);
    await runMain(["corpus", "add", "ss1:counter:workers=3:0.1.2.0.1.2", "--dir", corpus]);
    const dry = await runMain(["corpus", "prune", "--dir", corpus, "--dry-run"]);
    expect(dry.stdout).toMatch(
      /would remove \S+counter-[0-9a-f]{8}\.json: same verdicts as the shorter case/,
    );
    const pruned = await streamsim(["corpus", "prune", "--dir", corpus, "--json"]);
    expect(pruned.code).toBe(0);
    expect(JSON.parse(pruned.stdout).removed).toHaveLength(1);
    const after = JSON.parse((await runMain(["corpus", "list", "--dir", corpus, "--json"])).stdout);
    expect(after.cases.map((c: { steps: number }) => c.steps)).toEqual([4]);
  });

  it("corpus prune never removes a built-in variant's minimal case, which npm test requires", async () => {
    const corpus = mkdtempSync(join(dir, "builtin-"));
    expect((await runMain(["corpus", "add", "--builtin", "--dir", corpus])).code).toBe(0);
    // Some minimal cases expect the same verdicts as another (round1's and no-frame-ids').
    const dry = JSON.parse(
      (await runMain(["corpus", "prune", "--dir", corpus, "--dry-run", "--json"])).stdout,
    );
    expect(dry.removed).toEqual([]);
    // Another case with a minimal case's verdicts is the redundant one, even when it would
    // win otherwise: the mirror image of the lost update is as long, with as many choices,
    // and its id (counter-race-<hash>) sorts first.
    const mirror = "ss1:counter:workers=2:1.0x2.1";
    expect((await runMain(["corpus", "add", mirror, "--dir", corpus])).code).toBe(0);
    const pruned = JSON.parse(
      (await runMain(["corpus", "prune", "--dir", corpus, "--json"])).stdout,
    );
    expect(pruned.removed).toEqual([
      {
        file: expect.stringMatching(/counter-race-[0-9a-f]{8}\.json$/),
        because:
          "same verdicts as the built-in minimal case counter-race-minimal, which is always kept",
      },
    ]);
  });

  it("corpus prune --dry-run says why each case would go, changes nothing, and is what prune then does", async () => {
    const corpus = mkdtempSync(join(dir, "dry-run-"));
    for (const s of [
      "ss1:counter:workers=2:0.1x2.0", // 4 steps, 2 choices: kept
      "ss1:counter:workers=3:0.1.2.0.1.2", // longer
      "ss1:counter:workers=2:0.1.0.1", // as long, more choices
      "ss1:counter:workers=2:1.0x2.1", // as long, as many choices, its id sorts after
    ]) {
      expect((await runMain(["corpus", "add", s, "--dir", corpus])).code).toBe(0);
    }
    const kept = join(corpus, "counter-race-1613a381.json");
    writeFileSync(
      kept,
      readFileSync(kept, "utf8").replace('"expected": {', '"expected": {"gone": "pass", '),
    );
    const snapshot = () =>
      readdirSync(corpus)
        .sort()
        .map((f) => [f, readFileSync(join(corpus, f), "utf8"), statSync(join(corpus, f)).mtimeMs]);
    const before = snapshot();
    const dry = await runMain(["corpus", "prune", "--dir", corpus, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(snapshot()).toEqual(before);
    const path = (id: string) => join(corpus, `${id}.json`);
    expect(dry.stdout.trimEnd().split("\n")).toEqual([
      `would remove ${path("counter-48ea1c7f")}: same verdicts as the shorter case counter-race-1613a381 (4 steps against 6)`,
      `would remove ${path("counter-race-217c96cb")}: same verdicts as the case counter-race-1613a381, as long (4 steps) with fewer choices (2 against 3)`,
      `would remove ${path("counter-race-822a0dc6")}: same verdicts as the case counter-race-1613a381, as long (4 steps) with as many choices (2), kept as its id sorts first`,
      `would drop from ${kept}: expectations for variants that no longer exist (gone)`,
      "3 of 4 cases would be removed, 1 rewritten (dry run: nothing changed)",
    ]);
    const done = await runMain(["corpus", "prune", "--dir", corpus]);
    expect(done.stdout).toBe(
      dry.stdout
        .replaceAll("would remove", "removed")
        .replace("would drop", "dropped")
        .replace(/would be removed, (.*) \(dry run: nothing changed\)/, "removed, $1"),
    );
    expect(readdirSync(corpus)).toEqual(["counter-race-1613a381.json"]);
  });

  it("verdicts prints the table: variant, verdict, invariant, shrunk steps, executions and time", async () => {
    const r = await streamsim([
      "verdicts",
      "--variant",
      "counter-race",
      "counter-solo",
      "--runs",
      "200",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/variant\s+verdict\s+invariant broken\s+steps\s+executions\s+time/);
    expect(r.stdout).toMatch(/counter-race\s+FAIL\s+no lost update\s+4\s+\d+\s+\d+ ms/);
    // dpor explores the one interleaving of one worker and stops: a proof, not a budget.
    expect(r.stdout).toMatch(/counter-solo\s+pass\s+-\s+-\s+1 \(all interleavings\)/);
    // A variant that --runs stopped says so, not that the time ran out.
    const capped = await runMain(["verdicts", "--variant", "fixed", "--runs", "3"]);
    expect(capped.stdout).toMatch(/fixed\s+pass\s+-\s+-\s+3 \(--runs\)/);
    expect(r.stdout).toContain("Where to go next");
    // A variant named twice is explored once.
    const json = await runMain([
      "verdicts",
      "--variant",
      "counter-race",
      "counter-solo",
      "counter-race",
      "--runs",
      "200",
      "--json",
    ]);
    const doc = JSON.parse(json.stdout);
    expect(doc.variants).toEqual([
      expect.objectContaining({
        variant: "counter-race",
        verdict: "violation: no lost update",
        matches_expected: true,
      }),
      expect.objectContaining({
        variant: "counter-solo",
        verdict: "pass",
        executions: 1,
        exhausted: true,
      }),
    ]);
  });

  it("run --out and --html say that nothing was written when there is no counterexample", async () => {
    const out = join(dir, "solo.json");
    const html = join(dir, "solo.html");
    const r = await runMain(["run", "--variant", "counter-solo", "--out", out, "--html", html]);
    expect(r.code).toBe(0);
    expect(lastLine(r.stdout)).toBe(`No counterexample, so nothing written to ${out} or ${html}.`);
    expect(existsSync(out) || existsSync(html)).toBe(false);
  });

  it("--quiet keeps only the result lines: what was found, and the command that replays it", async () => {
    const r = await runMain(["run", "--variant", "counter-race", "--runs", "100", "--quiet"]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Found violation: no lost update after \d+ executions? \(/);
    expect(lines[1]).toMatch(REPRODUCE);
  });

  it("replay --quiet keeps its result, how the execution ended, not only the command it was given", async () => {
    const failing = await runMain(["replay", "ss1:counter:workers=2:0.1x2.0", "--quiet"]);
    expect(failing.code).toBe(1);
    expect(failing.stdout.trimEnd().split("\n")).toEqual([
      "✗ invariant 'no lost update' broken after step 3: counter is 1, expected 2",
      "Reproduce: npx streamsim replay 'ss1:counter:workers=2:0.1x2.0'",
    ]);
    const passing = await runMain(["replay", "ss1:counter:workers=1:0x2", "-q"]);
    expect(passing.code).toBe(0);
    expect(passing.stdout.trimEnd().split("\n")).toEqual([
      "✓ completed after 2 steps, every check held",
      "Reproduce: npx streamsim replay 'ss1:counter:workers=1:0x2'",
    ]);
  });

  it("--workers splits an exhaustive search over threads and covers the same space; --shard splits it across jobs", async () => {
    const args = [
      "run",
      "--scenario",
      "lastzero",
      "--param",
      "n=2",
      "--strategy",
      "exhaustive",
      "--json",
    ];
    const whole = JSON.parse((await runMain(args)).stdout);
    const pooled = JSON.parse((await runMain([...args, "--workers", "2"])).stdout);
    expect(whole).toMatchObject({ verdict: "pass", exhausted: true });
    expect(pooled).toMatchObject({
      verdict: "pass",
      exhausted: true,
      executions: whole.executions,
    });
    expect(pooled.coverage.traces).toBe(whole.coverage.traces);
    // runMain captures the process's stdout: one at a time.
    const shards = [];
    for (const k of ["1/2", "2/2"]) {
      shards.push(JSON.parse((await runMain([...args, "--shard", k])).stdout));
    }
    expect(shards[0].executions + shards[1].executions).toBe(whole.executions);
    // Only dpor abandons executions: exhaustive's line has no "0 pruned by the bound"
    // (read as "the bound cut nothing" under --preemption-bound).
    const text = await runMain([...args.slice(0, -1), "--preemption-bound", "1"]);
    expect(text.stdout).toMatch(/coverage: \d+ executions, \d+ Mazurkiewicz traces/);
    expect(text.stdout).not.toMatch(/pruned by the bound|sleep-blocked/);
  });

  it("--workers and --shard split a dpor search too: the same traces, each in one shard", async () => {
    const args = [
      "run",
      "--scenario",
      "lastzero",
      "--param",
      "n=4",
      "--strategy",
      "dpor",
      "--json",
    ];
    const whole = JSON.parse((await runMain(args)).stdout);
    const pooled = JSON.parse((await runMain([...args, "--workers", "2"])).stdout);
    expect(whole).toMatchObject({ verdict: "pass", exhausted: true, executions: 28 });
    expect(pooled).toMatchObject({ verdict: "pass", exhausted: true, executions: 28 });
    expect(pooled.coverage.traces).toBe(28);
    expect(pooled.strategy).toBe("dpor (optimal, wakeup trees), 2 workers");
    // One worker is a pool too: the search runs to its end, not to a default time budget.
    const single = JSON.parse((await runMain([...args, "--workers", "1"])).stdout);
    expect(single).toMatchObject({ verdict: "pass", exhausted: true, executions: 28 });
    expect(single.strategy).toBe("dpor (optimal, wakeup trees), 1 worker");
    const seeded = JSON.parse((await runMain([...args, "--workers", "2", "--seed", "3"])).stdout);
    expect(seeded).toMatchObject({ verdict: "pass", exhausted: true, executions: 28 });
    expect(seeded.strategy).toBe("dpor (optimal, wakeup trees), order seed 3, 2 workers");
    const shards = [];
    for (const k of ["1/2", "2/2"]) {
      shards.push(JSON.parse((await runMain([...args, "--shard", k])).stdout));
    }
    // One complete execution per trace, in one shard or the other.
    expect(shards[0].executions + shards[1].executions).toBe(28);
    expect(shards[0].executions).toBeGreaterThan(0);
    expect(shards[1].executions).toBeGreaterThan(0);
    const bounded = await runMain([...args, "--workers", "2", "--preemption-bound", "2"]);
    expect(bounded.code).toBe(2);
    expect(bounded.stderr).toMatch(/cannot take --preemption-bound/);
    // More workers than cores: the same search, and a note that it is no faster.
    const human = args.filter((a) => a !== "--json");
    const cores = availableParallelism();
    if (cores < 4) {
      // (Only on small machines: each worker boots tsx.)
      const crowded = await runMain([...human, "--workers", String(cores + 1)]);
      expect(crowded.code).toBe(0);
      expect(crowded.stdout).toContain(
        `note: ${cores + 1} workers on ${cores === 1 ? "1 core" : `${cores} cores`}: they share them`,
      );
      expect(crowded.stdout).toMatch(/No violation in 28 executions/);
    }
    const fitting = await runMain([...human, "--workers", String(Math.min(cores, 2))]);
    expect(fitting.code).toBe(0);
    expect(fitting.stdout).not.toContain("note:");
  });

  it("a pass never claims more than was covered: a shard says so, bounded dpor is no proof", async () => {
    const args = ["run", "--scenario", "lastzero", "--param", "n=2", "--strategy"];
    const lastLineOf = async (more: string[]) =>
      lastLine((await runMain([...args, ...more])).stdout);
    expect(await lastLineOf(["exhaustive", "--shard", "1/2"])).toMatch(
      /; every interleaving of shard 1\/2\)\.$/,
    );
    expect(await lastLineOf(["exhaustive", "--preemption-bound", "1"])).toMatch(
      /; every interleaving within preemption bound 1\)\.$/,
    );
    // A sleep-set reduction under a preemption bound can miss interleavings within it.
    expect(await lastLineOf(["dpor", "--preemption-bound", "1"])).toMatch(
      /; the strategy had nothing left to try within preemption bound 1\)\.$/,
    );
    expect(await lastLineOf(["dpor"])).toMatch(/; every interleaving\)\.$/);
  });

  it("without --strategy, --depth reaches pct and --runs caps dpor and pct together", async () => {
    const args = ["run", "--variant", "fixed"];
    const capped = JSON.parse((await runMain([...args, "--runs", "5", "--json"])).stdout);
    expect(capped.executions).toBe(5);
    // dpor cannot finish fixed's scope in 60% of half a second, so pct takes over.
    const deep = await runMain([...args, "--budget", "500ms", "--depth", "5"]);
    expect(deep.stdout).toMatch(/^ {2}pct, seed 1, depth 5:/m);
  });

  it("--seed reorders a dpor search without changing what it covers; exhaustive refuses it", async () => {
    const args = ["run", "--scenario", "lastzero", "--param", "n=3", "--strategy", "dpor"];
    const first = JSON.parse((await runMain([...args, "--json"])).stdout);
    const seeded = JSON.parse((await runMain([...args, "--seed", "5", "--json"])).stdout);
    expect(first).toMatchObject({ verdict: "pass", exhausted: true });
    expect(seeded).toMatchObject({ verdict: "pass", exhausted: true });
    expect(seeded.coverage.traces).toBe(first.coverage.traces);
    expect(seeded.coverage.executions).toBe(first.coverage.executions);
    const text = await runMain([...args, "--seed", "5"]);
    expect(text.stdout).toContain("order seed 5");
    const refused = await runMain([
      "run",
      "--scenario",
      "lastzero",
      "--strategy",
      "exhaustive",
      "--seed",
      "5",
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("does not use --seed");
  });
  it("replay --html writes a self-contained swimlane report of the execution", async () => {
    const html = join(dir, "race.html");
    const r = await runMain(["replay", schedule, "--html", html]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`HTML report written to ${html}`);
    const page = readFileSync(html, "utf8");
    expect(page.startsWith("<!doctype html>")).toBe(true);
    expect(page).toContain(schedule);
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });
});
