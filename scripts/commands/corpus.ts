import { existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import { plural, scheduleToChoices } from "../../sim/index.ts";
import { type Catalog, loadCatalog, UnknownNameError } from "../catalog.ts";
import { addOutputOptions, type OutputFlags, outputFor } from "../cli/common.ts";
import { FileExistsError, FileInputError } from "../cli/files.ts";
import { OptionValueError } from "../cli/input.ts";
import { EXIT, type ExitSlot } from "../cli/main.ts";
import { type Output, table } from "../cli/output.ts";
import { readReplayInput, replayFaithfully } from "../cli/target.ts";
import { invariantOf, isVerdict, type Verdict } from "../cli/verdict.ts";
import { type CorpusCase, caseIdOf, makeCase, stringifyCase } from "../corpus/case.ts";
import { checkCase, variantsOfScenario, verdictOn } from "../corpus/check.ts";
import {
  caseDisagreement,
  consistentEntries,
  editedError,
  STALE_ADVICE,
} from "../corpus/consistency.ts";
import { minimalCaseId, minimalCaseOf } from "../corpus/minimal.ts";
import { prunePlan } from "../corpus/prune.ts";
import {
  caseFile,
  checkCorpusDir,
  DEFAULT_CORPUS_DIR,
  displayPath,
  readCorpus,
  removeCase,
  rewriteCase,
  writeCase,
} from "../corpus/store.ts";

interface DirFlags extends OutputFlags {
  readonly dir?: string;
}

interface AddFlags extends DirFlags {
  readonly force?: boolean;
  readonly expect?: Record<string, Verdict>;
  readonly note?: string;
  readonly builtin?: boolean;
}

export function addCorpusCommand(program: Command, exit: ExitSlot): void {
  const corpus = program
    .command("corpus")
    .description("the regression corpus: one JSON case per file in corpus/, replayed by CI")
    .addHelpText(
      "after",
      `
Examples:
  $ streamsim corpus add race.json
  $ streamsim corpus add race.json --expect counter-race=pass   (red until fixed)
  $ streamsim corpus add --builtin                             (every buggy variant's minimal case)
  $ streamsim corpus replay
  $ streamsim corpus list
  $ streamsim corpus prune --dry-run`,
    );
  const dirOption = (cmd: Command) =>
    addOutputOptions(
      cmd.option("--dir <path>", "corpus directory (default: the repository's corpus/)"),
    );

  const add = corpus
    .command("add")
    .description(
      "add a trace or schedule as a case, with the verdict each variant of its scenario gives now (or as --expect says)",
    )
    .argument("[trace-or-schedule]", "a trace .json file or schedule text 'ss1:...'")
    .option("--force", "replace an existing case with the same id")
    .option(
      "--expect <variant=verdict>",
      "expect this verdict instead of today's (repeatable), e.g. counter-race=pass",
      collectExpect,
    )
    .option("--note <text>", "why this case is in the corpus")
    .option("--builtin", "add the minimal counterexample of every buggy built-in variant");
  dirOption(add).addHelpText(
    "after",
    `
Examples:
  $ streamsim corpus add race.json
  $ streamsim corpus add 'ss1:counter:workers=2:0.1x2.0' --note "lost update, issue #12"
  $ streamsim corpus add race.json --expect counter-race=pass
  $ streamsim corpus add --builtin

An existing case is never replaced without --force (exit 2).`,
  );
  add.action(async (input: string | undefined, flags: AddFlags) => {
    exit.code = await corpusAdd(input, flags);
  });

  const replay = corpus
    .command("replay")
    .description("replay every case against every variant it lists; fail on any verdict change");
  dirOption(replay).addHelpText(
    "after",
    `
Examples:
  $ streamsim corpus replay
  $ streamsim corpus replay --dir other-corpus --json

Exit code 0 when every verdict is as expected, 1 when one changed, 2 when a case cannot be read
or its params disagree with its schedule's (edited by hand). A case whose schedule no longer
gives its choices or steps is named as stale (a hand edit or a model change); its verdicts
are still checked on its choices.`,
  );
  replay.action(async (flags: DirFlags) => {
    exit.code = await corpusReplay(flags);
  });

  const list = corpus.command("list").description("list the cases and their expected verdicts");
  dirOption(list).addHelpText(
    "after",
    "\nExamples:\n  $ streamsim corpus list\n  $ streamsim corpus list --json",
  );
  list.action(async (flags: DirFlags) => {
    exit.code = await corpusList(flags);
  });

  const prune = corpus
    .command("prune")
    .description(
      "remove cases made redundant by a shorter case with the same verdicts, and expectations for variants that no longer exist",
    )
    .option("--dry-run", "say what would be removed, change nothing");
  dirOption(prune).addHelpText(
    "after",
    "\nExamples:\n  $ streamsim corpus prune --dry-run\n  $ streamsim corpus prune",
  );
  prune.action(async (flags: DirFlags & { dryRun?: boolean }) => {
    exit.code = await corpusPrune(flags);
  });
}

function collectExpect(
  raw: string,
  previous: Record<string, Verdict> = {},
): Record<string, Verdict> {
  const eq = raw.indexOf("=");
  const variant = raw.slice(0, eq).trim();
  const verdict = raw.slice(eq + 1).trim();
  if (eq <= 0 || !isVerdict(verdict)) {
    throw new OptionValueError(
      `--expect '${raw}' must be variant=verdict, the verdict "pass", "violation: <invariant>", "deadlock", "budget", "horizon" or "crash"`,
    );
  }
  // Each variant once, as each --param key: a repeat is a slip, whether or not it agrees.
  // An own property only: "constructor" is not a variant given before.
  const before = Object.hasOwn(previous, variant) ? previous[variant] : undefined;
  if (before !== undefined && before !== verdict) {
    throw new OptionValueError(
      `--expect gives variant '${variant}' two verdicts ('${before}' and '${verdict}'); keep one`,
    );
  }
  if (before !== undefined) {
    throw new OptionValueError(`--expect '${variant}' is given twice; give it once`);
  }
  return { ...previous, [variant]: verdict };
}

async function corpusAdd(input: string | undefined, flags: AddFlags): Promise<number> {
  const out = outputFor(flags);
  const dir = flags.dir ?? DEFAULT_CORPUS_DIR;
  checkCorpusDir(dir);
  const catalog = await loadCatalog();
  if (flags.builtin === true) {
    if (input !== undefined) {
      throw new OptionValueError("give either a trace/schedule or --builtin, not both");
    }
    if (flags.expect !== undefined || flags.note !== undefined) {
      // Each minimal case has its own note and today's verdicts, which npm test pins.
      throw new OptionValueError(
        "--builtin writes each minimal case with its own note and today's verdicts; drop --expect and --note",
      );
    }
    return addBuiltin(catalog, dir, flags, out);
  }
  if (input === undefined) {
    throw new OptionValueError("give a trace file or schedule to add, or --builtin");
  }
  checkCorpusDir(dir, { write: true });
  const r = readReplayInput(catalog, input);
  // Recording checks that the schedule fits its scenario (and a trace file its recording)
  // before anything is written.
  const trace = replayFaithfully(r, input);
  const variants = variantsOfScenario(catalog, r.scenario.name);
  if (variants.length === 0) {
    throw new UnknownNameError(
      `scenario '${r.scenario.name}' has no built-in variants to check a case against; the corpus holds cases of variants (see 'streamsim list')`,
    );
  }
  const choices = scheduleToChoices(r.scenario, r.params, r.schedule.decisions);
  const observed: Record<string, Verdict> = {};
  for (const v of variants) observed[v.name] = verdictOn({ params: r.params, choices }, v);
  for (const name of Object.keys(flags.expect ?? {})) {
    if (!variants.some((v) => v.name === name)) {
      throw new UnknownNameError(
        `--expect names '${name}', which is not a variant of scenario '${r.scenario.name}' (${variants.map((v) => v.name).join(", ")})`,
      );
    }
  }
  checkExpectedInvariants(catalog, r.scenario.name, flags.expect ?? {});
  const expected = { ...observed, ...(flags.expect ?? {}) };
  const found_on = catalog.variantOf(r.scenario.name, r.params)?.name ?? null;
  const c = makeCase({
    id: caseIdOf(found_on ?? r.scenario.name, trace.schedule),
    scenario: r.scenario.name,
    found_on,
    params: r.params,
    schedule: trace.schedule,
    choices,
    steps: trace.steps.length,
    expected,
    note: flags.note ?? "",
  });
  const replaced = existsSync(caseFile(dir, c.id));
  const file = displayPath(writeCase(dir, c, flags.force === true));
  const pending = Object.entries(expected).filter(([v, verdict]) => observed[v] !== verdict);
  out.document({
    streamsim_json: 1,
    command: "corpus add",
    added: [{ id: c.id, file, status: replaced ? "replaced" : "added", expected, observed }],
  });
  out.essential(`${replaced ? "Replaced" : "Added"} ${file} (${plural(c.steps, "step")})`);
  for (const [v, verdict] of Object.entries(expected)) {
    out.line(
      `  ${v}: expected ${verdict}${observed[v] === verdict ? "" : `, today ${observed[v]}`}`,
    );
  }
  for (const [v, verdict] of pending) {
    out.line(
      out.paint(
        "yellow",
        `'streamsim corpus replay' fails until variant ${v} gives ${verdict} on this case (today: ${observed[v]})`,
      ),
    );
  }
  return EXIT.ok;
}

/** An expected violation must name an invariant of the case's scenario: a typo never passes. */
function checkExpectedInvariants(
  catalog: Catalog,
  scenario: string,
  expect: { readonly [variant: string]: Verdict },
): void {
  const known = catalog.invariants.filter((i) => i.scenario === scenario).map((i) => i.name);
  for (const [variant, verdict] of Object.entries(expect)) {
    const invariant = invariantOf(verdict);
    if (invariant === null || known.includes(invariant)) continue;
    throw new UnknownNameError(
      `--expect ${variant}='${verdict}': scenario '${scenario}' has no invariant '${invariant}' (invariants: ${known.join(", ")})`,
    );
  }
}

/** Adds each buggy variant's minimal counterexample as `<variant>-minimal`. */
function addBuiltin(catalog: Catalog, dir: string, flags: AddFlags, out: Output): number {
  const plan: { case: CorpusCase; file: string; status: "added" | "unchanged" | "replaced" }[] = [];
  for (const variant of catalog.variants) {
    const c = minimalCaseOf(catalog, variant);
    if (c === undefined) continue;
    const file = caseFile(dir, c.id);
    const status = !existsSync(file)
      ? "added"
      : readFileSync(file, "utf8") === stringifyCase(c)
        ? "unchanged"
        : "replaced";
    plan.push({ case: c, file, status });
  }
  // Refused before any case is written: bad input writes nothing, so a refusal never
  // leaves the corpus half refreshed.
  const differing = plan.filter((p) => p.status === "replaced");
  if (differing.length > 0 && flags.force !== true) {
    throw new FileExistsError(
      `${differing.map((p) => `'${displayPath(p.file)}'`).join(", ")} already ${differing.length === 1 ? "exists" : "exist"} and ${differing.length === 1 ? "differs" : "differ"} from today's minimal case; pass --force to replace`,
    );
  }
  if (plan.some((p) => p.status !== "unchanged")) checkCorpusDir(dir, { write: true });
  const added: { id: string; file: string; status: "added" | "unchanged" | "replaced" }[] = [];
  for (const p of plan) {
    if (p.status !== "unchanged") writeCase(dir, p.case, flags.force === true);
    added.push({ id: p.case.id, file: displayPath(p.file), status: p.status });
  }
  out.document({ streamsim_json: 1, command: "corpus add", added });
  for (const a of added) out.line(`  ${a.status.padEnd(9)} ${a.file}`);
  const fresh = added.filter((a) => a.status !== "unchanged").length;
  out.essential(
    `${fresh} of ${plural(added.length, "minimal case")} written to ${displayPath(dir)}`,
  );
  return EXIT.ok;
}

async function corpusReplay(flags: DirFlags): Promise<number> {
  const out = outputFor(flags);
  const catalog = await loadCatalog();
  // Each case is checked against its schedule once: edited params make it unreadable (as
  // in consistentEntries), a stale schedule is named and the verdicts still checked.
  const dir = flags.dir ?? DEFAULT_CORPUS_DIR;
  const entries = readCorpus(dir, builtinIds(catalog));
  // A gate that checks nothing must not pass: a mistyped --dir that exists (even /tmp)
  // replayed "0 cases" with exit 0 (fresh-user audit).
  if (entries.length === 0) {
    throw new FileInputError(
      `corpus directory '${dir}' holds no case (no *.json file): nothing to replay; add one with 'streamsim corpus add', or pass --dir the corpus`,
    );
  }
  const results = entries.map((e) => {
    if (!e.ok) return { file: e.file, id: null, checks: [], error: e.error, stale: null };
    const d = caseDisagreement(catalog, e.value);
    if (d?.kind === "edited") {
      return { file: e.file, id: null, checks: [], error: editedError(e.file, d), stale: null };
    }
    const checks = checkCase(catalog, e.value);
    return { file: e.file, id: e.value.id, checks, error: null, stale: d?.message ?? null };
  });
  const changed = results.flatMap((r) => r.checks.filter((c) => !c.ok));
  const unreadable = results.filter((r) => r.error !== null);
  const stale = results.filter((r) => r.stale !== null);
  const checks = results.reduce((n, r) => n + r.checks.length, 0);
  out.document({
    streamsim_json: 1,
    command: "corpus replay",
    cases: results,
    checks,
    changed: changed.length,
    unreadable: unreadable.length,
    stale: stale.length,
  });
  for (const r of results) {
    if (r.error !== null) {
      out.essential(out.paint("red", `✗ ${r.error}`));
      continue;
    }
    if (r.stale !== null) {
      out.essential(out.paint("yellow", `! ${r.file}: ${r.stale}; ${STALE_ADVICE}`));
    }
    for (const c of r.checks) {
      const mark = c.ok ? out.paint("green", "✓") : out.paint("red", "✗");
      const now =
        c.actual === null
          ? (c.missing ?? "no verdict")
          : c.ok
            ? c.actual
            : `${c.actual}, expected ${c.expected}`;
      const text = `${mark} ${r.id} on ${c.variant}: ${now}`;
      if (c.ok) out.line(text);
      else out.essential(text);
    }
  }
  out.essential(
    `${plural(results.length, "case")}, ${plural(checks, "check")}: ${changed.length} changed, ${unreadable.length} unreadable${stale.length > 0 ? `, ${stale.length} stale` : ""}`,
  );
  if (unreadable.length > 0) return EXIT.badInput;
  return changed.length > 0 ? EXIT.failed : EXIT.ok;
}

async function corpusList(flags: DirFlags): Promise<number> {
  const out = outputFor(flags);
  const entries = readCorpus(flags.dir ?? DEFAULT_CORPUS_DIR, builtinIds(await loadCatalog()));
  out.document({
    streamsim_json: 1,
    command: "corpus list",
    cases: entries.map((e) =>
      e.ok
        ? {
            file: e.file,
            id: e.value.id,
            scenario: e.value.scenario,
            found_on: e.value.found_on,
            steps: e.value.steps,
            harness: e.value.harness,
            expected: e.value.expected,
            schedule: e.value.schedule,
            error: null,
          }
        : { file: e.file, error: e.error },
    ),
  });
  const rows = entries.map((e) =>
    e.ok
      ? [
          e.value.id,
          e.value.found_on ?? e.value.scenario,
          String(e.value.steps),
          summariseExpected(e.value.expected),
        ]
      : [e.file, "-", "-", `unreadable: ${e.error}`],
  );
  for (const line of table(["case", "found on", "steps", "expected verdicts"], rows))
    out.line(line);
  out.essential(plural(entries.length, "case"));
  return EXIT.ok;
}

async function corpusPrune(flags: DirFlags & { dryRun?: boolean }): Promise<number> {
  const out = outputFor(flags);
  const dir = flags.dir ?? DEFAULT_CORPUS_DIR;
  const catalog = await loadCatalog();
  // A case whose params were edited by hand is not ranked.
  const pinned = builtinIds(catalog);
  const entries = consistentEntries(catalog, readCorpus(dir, pinned));
  const unreadable = entries.filter((e) => !e.ok);
  if (unreadable.length > 0) {
    const first = unreadable[0];
    throw new OptionValueError(
      `cannot prune: ${plural(unreadable.length, "unreadable case")}, first ${first?.ok === false ? first.error : ""}`,
    );
  }
  const cases = entries.flatMap((e) => (e.ok ? [{ file: e.file, value: e.value }] : []));
  // Every buggy variant's minimal case (pinned) stays, whatever else guards the same verdicts.
  const plan = prunePlan(cases, new Set(catalog.variants.map((v) => v.name)), pinned);
  const dry = flags.dryRun === true;
  if (!dry && plan.remove.length + plan.rewrite.length > 0) {
    // Before the first removal: a failing write would otherwise stop prune part way.
    checkCorpusDir(dir, { write: true });
  }
  if (!dry) {
    for (const r of plan.remove) removeCase(r.file);
    for (const u of plan.rewrite) rewriteCase(u.file, u.value);
  }
  out.document({
    streamsim_json: 1,
    command: "corpus prune",
    dry_run: dry,
    removed: plan.remove.map((r) => ({ file: r.file, because: r.because })),
    rewritten: plan.rewrite.map((u) => ({ file: u.file, dropped: u.dropped })),
  });
  for (const r of plan.remove)
    out.line(`${dry ? "would remove" : "removed"} ${r.file}: ${r.because}`);
  for (const u of plan.rewrite) {
    out.line(
      `${dry ? "would drop" : "dropped"} from ${u.file}: expectations for variants that no longer exist (${u.dropped.join(", ")})`,
    );
  }
  out.essential(
    dry
      ? `${plan.remove.length} of ${plural(cases.length, "case")} would be removed, ${plan.rewrite.length} rewritten (dry run: nothing changed)`
      : `${plan.remove.length} of ${plural(cases.length, "case")} removed, ${plan.rewrite.length} rewritten`,
  );
  return EXIT.ok;
}

/** "fail: a (inv), b (inv); pass: c, d" — which variants a case catches, at a glance. */
function summariseExpected(expected: { readonly [variant: string]: Verdict }): string {
  const entries = Object.entries(expected);
  const fails = entries
    .filter(([, v]) => v !== "pass")
    .map(([name, v]) => `${name} (${v.replace(/^violation: /, "")})`);
  const passes = entries.filter(([, v]) => v === "pass").map(([name]) => name);
  return [
    fails.length > 0 ? `fail: ${fails.join(", ")}` : "",
    passes.length > 0 ? `pass: ${passes.join(", ")}` : "",
  ]
    .filter((x) => x !== "")
    .join("; ");
}

/** The ids of the built-in minimal cases (`corpus add --builtin`). */
function builtinIds(catalog: Catalog): ReadonlySet<string> {
  return new Set(catalog.variants.filter((v) => v.minimalCase !== undefined).map(minimalCaseId));
}
