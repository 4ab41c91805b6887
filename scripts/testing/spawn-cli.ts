import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The real CLI entry and tsx's loader, by absolute path so tests can run from any cwd. */
const ENTRY = fileURLToPath(new URL("../streamsim.ts", import.meta.url));
const TSX_LOADER = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `streamsim ...args` in a child process through tsx, exactly as a user would (one
 * Node process, stdout and stderr pipes, so neither is a terminal), and collects its output.
 */
export function streamsim(
  args: readonly string[],
  options: {
    readonly cwd?: string;
    readonly env?: Record<string, string>;
    /** Run as this user and group (needs root): permissions do not stop root. */
    readonly uid?: number;
    /** Kill the CLI after this long: a test of something that could block fails instead. */
    readonly timeout_ms?: number;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX_LOADER, ENTRY, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, NO_COLOR: "", STREAMSIM_DEBUG: "", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
      ...(options.timeout_ms === undefined
        ? {}
        : { timeout: options.timeout_ms, killSignal: "SIGKILL" as const }),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The last non-empty line of a text. */
export function lastLine(text: string): string {
  const lines = text.trimEnd().split("\n");
  return lines[lines.length - 1] ?? "";
}
