import { main } from "../cli/main.ts";
import type { CliResult } from "./spawn-cli.ts";

/**
 * Runs the CLI's `main` in this process with stdout and stderr captured: the same code path
 * as the real binary minus process start-up (about a second per spawn on a busy machine),
 * for the many small checks; the spawned tests cover each command end to end.
 */
export function runMain(
  args: readonly string[],
  onStdout?: (stdoutSoFar: string) => void,
): Promise<CliResult> {
  return capture(() => main(["node", "streamsim", ...args]), onStdout);
}

/**
 * Runs `body` with stdout and stderr captured; returns its exit code and the output.
 * `onStdout` sees the output after each write: a test can act in the middle of a command.
 */
export async function capture(
  body: () => Promise<number>,
  onStdout?: (stdoutSoFar: string) => void,
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const out = process.stdout.write;
  const err = process.stderr.write;
  const capture =
    (append: (s: string) => void) =>
    (chunk: string | Uint8Array): boolean => {
      append(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return true;
    };
  process.stdout.write = capture((s) => {
    stdout += s;
    onStdout?.(stdout);
  }) as typeof process.stdout.write;
  process.stderr.write = capture((s) => {
    stderr += s;
  }) as typeof process.stderr.write;
  try {
    const code = await body();
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}
