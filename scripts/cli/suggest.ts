/**
 * The "(Did you mean run?)" that commander adds to an unknown command, for the places where
 * the CLI says "unknown command" itself (`help rn`): commander's own finder is not part of
 * its API. The same rule as commander's: the candidates at the least edit distance
 * (adjacent swaps count as one edit), if that distance is small next to the name.
 */
export function didYouMean(name: string, candidates: readonly string[]): string {
  let best: string[] = [];
  // Commander's bound: at most 3 edits.
  let least = 3;
  for (const candidate of candidates) {
    if (candidate.length <= 1) continue;
    const d = editDistance(name, candidate);
    const length = Math.max(name.length, candidate.length);
    // Commander's threshold: at most 40% of the longer name differs.
    if ((length - d) / length <= 0.4) continue;
    if (d < least) {
      least = d;
      best = [candidate];
    } else if (d === least) best.push(candidate);
  }
  best.sort();
  if (best.length > 1) return ` (Did you mean one of ${best.join(", ")}?)`;
  return best.length === 1 ? ` (Did you mean ${best[0]}?)` : "";
}

/** Damerau–Levenshtein distance (optimal string alignment), as commander computes it. */
function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 0; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let j = 1; j <= b.length; j++) {
    for (let i = 1; i <= a.length; i++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      row[j] = Math.min(
        (up[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (up[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}
