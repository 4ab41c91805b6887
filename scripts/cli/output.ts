/** How often a run whose stderr is not a terminal logs its progress. */
const PROGRESS_LOG_EVERY_MS = 60_000;

/** "  3,000 executions, 1,500/s, 2.0s": done, rate, elapsed. */
function progressText(executions: number, elapsed_ms: number, what: string): string {
  const rate = Math.round((executions * 1_000) / elapsed_ms);
  return `  ${plural(executions, what)}, ${rate.toLocaleString("en-US")}/s, ${(elapsed_ms / 1_000).toFixed(1)}s`;
}

/**
 * Where the CLI writes: human output on stdout, progress on stderr only when stderr is a
 * terminal, colour only on a terminal and never with NO_COLOR (https://no-color.org), one
 * JSON document on stdout with --json, and next to nothing with --quiet.
 */

import { plural } from "../../sim/index.ts";

export interface OutputMode {
  readonly json: boolean;
  readonly quiet: boolean;
}

const ANSI = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;
export type Style = keyof typeof ANSI;

export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  private readonly color: boolean;
  private readonly progressOn: boolean;
  private readonly progressLogged: boolean;
  private progressShown = false;
  /** Elapsed time at which the next logged progress line is due (see progress). */
  private nextLog_ms = PROGRESS_LOG_EVERY_MS;

  constructor(mode: OutputMode, env: NodeJS.ProcessEnv = process.env) {
    this.json = mode.json;
    this.quiet = mode.quiet;
    const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== "";
    this.color = !mode.json && !noColor && process.stdout.isTTY === true;
    this.progressOn = !mode.json && !mode.quiet && process.stderr.isTTY === true;
    this.progressLogged = !mode.json && !mode.quiet && process.stderr.isTTY !== true;
  }

  /** A line of human output (suppressed with --json and --quiet). */
  line(text = ""): void {
    if (this.json || this.quiet) return;
    this.write(text);
  }

  /** A line that --quiet keeps (the result itself); still suppressed with --json. */
  essential(text: string): void {
    if (this.json) return;
    this.write(text);
  }

  /** The one JSON document of a --json run. */
  document(value: unknown): void {
    if (this.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  paint(style: Style, text: string): string {
    if (!this.color) return text;
    const [on, off] = ANSI[style];
    return `\u001b[${on}m${text}\u001b[${off}m`;
  }

  /**
   * Redraws the progress line on stderr for runs longer than a second: executions done,
   * rate, elapsed. When stderr is not a terminal (a CI log, a pipe), a run longer than a
   * minute writes the same as a line of its own once a minute instead: a log stays short,
   * and a long search still shows it is alive (CI services stop a job silent for minutes).
   */
  progress(executions: number, elapsed_ms: number, what = "execution"): void {
    if (this.progressLogged) {
      if (elapsed_ms < this.nextLog_ms) return;
      this.nextLog_ms =
        (Math.floor(elapsed_ms / PROGRESS_LOG_EVERY_MS) + 1) * PROGRESS_LOG_EVERY_MS;
      process.stderr.write(`${progressText(executions, elapsed_ms, what)}\n`);
      return;
    }
    if (!this.progressOn || elapsed_ms < 1_000) return;
    process.stderr.write(`\r\u001b[2K${progressText(executions, elapsed_ms, what)}`);
    this.progressShown = true;
  }

  /** Clears the progress line before other output. */
  endProgress(): void {
    if (!this.progressShown) return;
    process.stderr.write("\r\u001b[2K");
    this.progressShown = false;
  }

  private write(text: string): void {
    this.endProgress();
    process.stdout.write(`${text}\n`);
  }
}

/** Pads or cuts `text` to `width` columns. */
export function fitWidth(text: string, width: number): string {
  if (text.length > width) return `${text.slice(0, Math.max(0, width - 1))}…`;
  return text.padEnd(width);
}

/** A plain-text table: a header row, then rows, columns sized to their content. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const render = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [render(header), render(widths.map((w) => "-".repeat(w))), ...rows.map(render)];
}

/** Milliseconds as a short human duration. */
export function formatDuration(ms: number): string {
  // Rounded to the unit shown first, so that 59,960 ms is "1 min 0 s", not "60.0 s".
  if (Math.round(ms) < 1_000) return `${Math.round(ms)} ms`;
  if (Math.round(ms / 100) < 600) return `${(Math.round(ms / 100) / 10).toFixed(1)} s`;
  const s = Math.round(ms / 1_000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
