import {
  existsSync,
  linkSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { InputError, parseTrace, type Trace } from "../../sim/index.ts";

/** A file the user named that cannot be used: missing, a directory, or in the way. */
export class FileInputError extends InputError {
  override readonly name = "FileInputError";
}

/**
 * Writes a file atomically: the text goes to a temporary file in the same directory, which
 * then replaces (or, without `overwrite`, is linked to) the target, so a reader never sees a
 * half-written file and an existing file is never clobbered by accident.
 */
export function writeFileAtomic(path: string, text: string, options: { overwrite: boolean }): void {
  const dir = dirname(path);
  if (!existsSync(dir)) {
    throw new FileInputError(`directory '${dir}' does not exist; create it first`);
  }
  const temp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temp, text, { flag: "wx" });
  try {
    if (options.overwrite) {
      renameSync(temp, path);
      return;
    }
    // link() fails with EEXIST instead of replacing: no check-then-write race.
    linkSync(temp, path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      throw new FileInputError(`'${path}' already exists; pass --force to replace it`);
    }
    throw e;
  } finally {
    if (existsSync(temp)) unlinkSync(temp);
  }
}

/**
 * Checks, before any work, that an output file can be written where the user asked, and
 * that it would not replace an existing file unless `force` (--force) says so.
 */
export function checkOutputPath(path: string | undefined, option: string, force = false): void {
  if (path === undefined) return;
  // dirname("out/") is ".": without this check the write would fail late, as an internal error.
  if (/[\\/]$/.test(path)) {
    throw new FileInputError(`${option} '${path}' names a directory; give a file name`);
  }
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new FileInputError(
      `${option} '${path}': directory '${dir}' does not exist; create it first`,
    );
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new FileInputError(`${option} '${path}' is a directory; give a file name`);
  }
  if (existsSync(path) && !force) {
    throw new FileInputError(`${option} '${path}' already exists; pass --force to replace it`);
  }
}

/** Reads a trace file; every way it can be unusable is an InputError naming the fix. */
export function readTraceFile(path: string): Trace {
  return parseTrace(readUserFile(path, "trace file"), `trace file '${path}'`);
}

/** Reads a text file the user named, with a one-line error when it is missing. */
export function readUserFile(path: string, what: string): string {
  if (!existsSync(path)) {
    throw new FileInputError(
      `${what} '${path}' does not exist; give the path of a trace written with --out, or a schedule 'ss1:...'`,
    );
  }
  if (statSync(path).isDirectory()) {
    throw new FileInputError(`${what} '${path}' is a directory; give the path of a JSON file`);
  }
  return readFileSync(path, "utf8");
}
