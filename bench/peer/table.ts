/** Figures for the benchmark's table: medians, ratios and fixed-width columns. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function worst(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.max(...values);
}

/** A whole number with thousands separators; "-" for not a number, "none" for Infinity. */
export function count(n: number): string {
  if (Number.isNaN(n)) return "-";
  if (n === Number.POSITIVE_INFINITY) return "none";
  return Math.round(n).toLocaleString("en-US");
}

export function ms(n: number): string {
  if (Number.isNaN(n)) return "-";
  if (n === Number.POSITIVE_INFINITY) return "none";
  return n < 10 ? `${n.toFixed(2)} ms` : `${Math.round(n).toLocaleString("en-US")} ms`;
}

/** A share as a percentage with one decimal: "47.3%"; "-" for not a number. */
export function percent(share: number): string {
  return Number.isNaN(share) ? "-" : `${(share * 100).toFixed(1)}%`;
}

/** streamsim / fast-check, as a factor: "x31.2"; "-" when either side is missing. */
export function ratio(streamsim: number, fastcheck: number): string {
  if (!Number.isFinite(streamsim) || !Number.isFinite(fastcheck) || fastcheck === 0) return "-";
  const r = streamsim / fastcheck;
  return `x${r >= 10 ? r.toFixed(0) : r.toFixed(2)}`;
}

/** A Markdown table: it reads as text in a terminal and renders in README.md. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? ` ${"-".repeat(w)} ` : ` ${"-".repeat(w - 1)}: `)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}
