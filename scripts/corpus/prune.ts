import { plural } from "../../sim/index.ts";
import type { CorpusCase } from "./case.ts";

export interface PrunePlan {
  readonly remove: readonly { readonly file: string; readonly because: string }[];
  readonly rewrite: readonly {
    readonly file: string;
    readonly value: CorpusCase;
    readonly dropped: readonly string[];
  }[];
}

/**
 * Decides what `corpus prune` changes. A case is redundant when another case of the same
 * scenario expects exactly the same verdicts from the same variants and is shorter (fewer
 * steps, then fewer choices, then the smaller id): it guards nothing the shorter one does
 * not. The `pinned` cases (each buggy built-in variant's minimal case, which `npm test`
 * requires in the corpus) are never redundant: they win over any other case, whatever its
 * length. Expectations for variants that no longer exist are dropped, and a case left with
 * none is removed. Pure: the caller does the file changes.
 */
export function prunePlan(
  cases: readonly { readonly file: string; readonly value: CorpusCase }[],
  knownVariants: ReadonlySet<string>,
  pinned: ReadonlySet<string> = new Set(),
): PrunePlan {
  const remove: { file: string; because: string }[] = [];
  const rewrite: { file: string; value: CorpusCase; dropped: string[] }[] = [];
  const kept: { file: string; value: CorpusCase }[] = [];
  for (const c of cases) {
    const entries = Object.entries(c.value.expected);
    const dropped = entries.filter(([v]) => !knownVariants.has(v)).map(([v]) => v);
    if (dropped.length === entries.length) {
      remove.push({
        file: c.file,
        because: `none of its variants exists any more (${dropped.join(", ")})`,
      });
      continue;
    }
    if (dropped.length === 0) {
      kept.push(c);
      continue;
    }
    const expected = Object.fromEntries(entries.filter(([v]) => knownVariants.has(v)));
    const value = { ...c.value, expected };
    rewrite.push({ file: c.file, value, dropped });
    kept.push({ file: c.file, value });
  }
  // The case each group keeps, found before any removal is said: a removal names the
  // case that stays, not one that a later, better case removes in turn.
  const keyOf = (c: CorpusCase) => `${c.scenario}\u0000${signature(c.expected)}`;
  const best = new Map<string, CorpusCase>();
  for (const { value } of kept) {
    const other = best.get(keyOf(value));
    if (other === undefined || preferred(value, other, pinned)) best.set(keyOf(value), value);
  }
  for (const c of kept) {
    const winner = best.get(keyOf(c.value)) as CorpusCase;
    // Pinned cases guard the built-in variants: each of them stays.
    if (c.value === winner || pinned.has(c.value.id)) continue;
    remove.push({ file: c.file, because: `same verdicts as ${whyKept(winner, c.value, pinned)}` });
  }
  const removed = new Set(remove.map((r) => r.file));
  return { remove, rewrite: rewrite.filter((u) => !removed.has(u.file)) };
}

function signature(expected: { readonly [variant: string]: string }): string {
  return JSON.stringify(Object.entries(expected).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Whether `a` should be kept rather than `b`: a pinned case first, then the shorter. */
function preferred(a: CorpusCase, b: CorpusCase, pinned: ReadonlySet<string>): boolean {
  if (pinned.has(a.id) !== pinned.has(b.id)) return pinned.has(a.id);
  return shorter(a, b);
}

/**
 * Names the case kept in place of `loser` and the rule that chose it (the order of
 * `preferred`), so that a dry run justifies each removal: "4 steps against 4" alone would
 * not say why the other case stays.
 */
function whyKept(winner: CorpusCase, loser: CorpusCase, pinned: ReadonlySet<string>): string {
  if (pinned.has(winner.id)) return `the built-in minimal case ${winner.id}, which is always kept`;
  if (winner.steps !== loser.steps) {
    return `the shorter case ${winner.id} (${plural(winner.steps, "step")} against ${loser.steps})`;
  }
  const asLong = `the case ${winner.id}, as long (${plural(winner.steps, "step")})`;
  if (winner.choices.length !== loser.choices.length) {
    return `${asLong} with fewer choices (${winner.choices.length} against ${loser.choices.length})`;
  }
  return `${asLong} with as many choices (${winner.choices.length}), kept as its id sorts first`;
}

function shorter(a: CorpusCase, b: CorpusCase): boolean {
  if (a.steps !== b.steps) return a.steps < b.steps;
  if (a.choices.length !== b.choices.length) return a.choices.length < b.choices.length;
  return a.id < b.id;
}
