import {
  accessSync,
  constants,
  existsSync,
  linkSync,
  lstatSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { InputError, parseTrace, type Trace, TraceFormatError } from "../../sim/index.ts";
import { CASE_FORMAT } from "../corpus/case.ts";
import { OptionValueError } from "./input.ts";

/** A file the user named that cannot be used: missing, a directory, or in the way. */
export class FileInputError extends InputError {
  override readonly name: string = "FileInputError";
}

/** The file a write without --force would have replaced. */
export class FileExistsError extends FileInputError {
  override readonly name = "FileExistsError";
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
      throw new FileExistsError(`'${path}' already exists; pass --force to replace it`);
    }
    throw e;
  } finally {
    if (existsSync(temp)) unlinkSync(temp);
  }
}

/**
 * Writes an output file that checkOutputPath found free before the work began. Without
 * --force the file is created exclusively: one that appeared meanwhile (another run, an
 * editor) is never replaced. The result, which may have taken minutes to find, is then kept
 * next to it under a name of its own, and the error says where.
 */
export function writeOutputFile(path: string, text: string, option: string, force: boolean): void {
  try {
    writeFileAtomic(path, text, { overwrite: force });
  } catch (e) {
    if (!(e instanceof FileExistsError)) throw e;
    const kept = keptPath(path);
    writeFileAtomic(kept, text, { overwrite: false });
    throw new FileInputError(
      `${option} '${path}' appeared while streamsim ran; not replaced: the result is in '${kept}' (pass --force to replace)`,
    );
  }
}

/** race.json -> race.kept-1234.json: the same extension, so it opens as the original would. */
function keptPath(path: string): string {
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.kept-${process.pid}${ext}`;
}

/**
 * Whether `path` is a stream with no place beside it for a result: a pipe (a shell's
 * `<(...)`, a named FIFO) or a name under /dev or /proc (`/dev/stdin` redirected from a
 * file is a regular file, but `/dev/stdin.shrunk.json` is no place to write). Anything
 * that cannot be looked at (no such file, a schedule's text, a name too long) is not one.
 */
export function isStream(path: string): boolean {
  const full = resolve(path);
  if (full.startsWith("/dev/") || full.startsWith("/proc/")) return true;
  try {
    return statSync(path).isFIFO();
  } catch {
    return false;
  }
}

/**
 * Refuses --force when no output file is named: it would be accepted and do nothing, and
 * the CLI refuses an option that has no effect (as a strategy option the strategy does not
 * read). `options` names the outputs, e.g. "--out or --html".
 */
export function checkForceHasOutput(
  force: boolean | undefined,
  outputs: readonly (string | undefined)[],
  options: string,
): void {
  if (force !== true || outputs.some((o) => o !== undefined)) return;
  throw new OptionValueError(
    `--force needs ${options}: it lets an output file replace an existing one; drop --force or name a file`,
  );
}

/**
 * Checks, before any work, that an output file can be written where the user asked, and
 * that it would not replace an existing file unless `force` (--force) says so. `typed`:
 * the user gave the name (not a default made from another name).
 */
export function checkOutputPath(
  path: string | undefined,
  option: string,
  force = false,
  typed = true,
): void {
  if (path === undefined) return;
  // An empty name (--out "" from an unset shell variable) would fail only at the write,
  // after the work, as an internal error.
  if (path.trim() === "") {
    throw new FileInputError(`${option} is empty; give a file name`);
  }
  // `--out --json` takes "--json" for the file name: a trace file named --json was written
  // and the output was text (fresh-user audit). A file really named so is `./-x`.
  if (typed && path.startsWith("-")) {
    throw new FileInputError(
      `${option} '${path}' looks like an option, not a file name; give the file name after ${option} (./${path} for a file of that name)`,
    );
  }
  try {
    checkWritablePath(path, option, force);
  } catch (e) {
    if (e instanceof FileInputError) throw e;
    // The file system refuses the name itself (too long, a file where a directory should
    // be, a symlink loop): the user's input, not a bug.
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === undefined ? undefined : FS_REFUSALS[code];
    if (why === undefined) throw e;
    throw new FileInputError(`${option} '${path}' cannot be written: ${why}; give another name`);
  }
}

const FS_REFUSALS: Readonly<Record<string, string>> = {
  ENAMETOOLONG: "the name is too long",
  ENOTDIR: "a part of the path is not a directory",
  ELOOP: "too many symbolic links",
  EACCES: "permission denied",
};

function checkWritablePath(path: string, option: string, force: boolean): void {
  // dirname("out/") is ".": without this check the write would fail late, as an internal error.
  if (/[\\/]$/.test(path)) {
    throw new FileInputError(`${option} '${path}' names a directory; give a file name`);
  }
  const dir = dirname(path);
  if (!existsSync(dir)) {
    // A file above it (`f.json/sub/x.json`) is no directory that could be created.
    const blocker = fileAbove(dir);
    if (blocker !== null) {
      throw new FileInputError(`${option} '${path}': '${blocker}' is a file, not a directory`);
    }
    throw new FileInputError(
      `${option} '${path}': directory '${dir}' does not exist; create it first`,
    );
  }
  if (!statSync(dir).isDirectory()) {
    throw new FileInputError(`${option} '${path}': '${dir}' is a file, not a directory`);
  }
  // Checked now: the write comes after the work (a search of up to an hour), and failing
  // there is an internal error that loses the result.
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new FileInputError(
      `${option} '${path}': directory '${dir}' is not writable; pick another or fix its permissions`,
    );
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new FileInputError(`${option} '${path}' is a directory; give a file name`);
  }
  // The write renames a temporary file over the target: --force on /dev/null or a FIFO
  // would replace the device or pipe itself (as root, /dev/null becomes a plain file).
  if (existsSync(path) && !statSync(path).isFile()) {
    throw new FileInputError(
      `${option} '${path}' is not a regular file (a device or a pipe); give a file name`,
    );
  }
  // lstat, not exists: a dangling symlink is in the way of the write too, and without
  // this check it would be reported only after the work, as a file that appeared meanwhile.
  if (lstatSync(path, { throwIfNoEntry: false }) !== undefined && !force) {
    throw new FileInputError(`${option} '${path}' already exists; pass --force to replace it`);
  }
}

/** The nearest existing ancestor of `dir` when it is not a directory; null otherwise. */
function fileAbove(dir: string): string | null {
  for (let d = dirname(dir); ; d = dirname(d)) {
    if (existsSync(d)) return statSync(d).isDirectory() ? null : d;
    if (dirname(d) === d) return null;
  }
}

/** Reads a trace file; every way it can be unusable is an InputError naming the fix. */
export function readTraceFile(path: string): Trace {
  const text = readUserFile(path, "trace file");
  const source = `trace file '${path}'`;
  try {
    return parseTrace(text, source);
  } catch (e) {
    // A corpus case holds a schedule, not a trace: said "is not a streamsim trace" alone,
    // the user was left to find that out (fresh-user audit).
    const schedule = e instanceof TraceFormatError ? corpusCaseSchedule(text) : null;
    if (schedule === null) throw e;
    throw new TraceFormatError(
      `${source} is a corpus case, not a trace: replay its schedule (streamsim replay '${schedule}'), or every case (streamsim corpus replay)`,
    );
  }
}

/** The schedule of a corpus case's text, or null for any other text. */
function corpusCaseSchedule(text: string): string | null {
  try {
    const value = JSON.parse(text) as { format?: unknown; schedule?: unknown } | null;
    return value?.format === CASE_FORMAT && typeof value.schedule === "string"
      ? value.schedule
      : null;
  } catch {
    return null;
  }
}

/** Reads a text file the user named, with a one-line error when it is missing. */
export function readUserFile(path: string, what: string): string {
  if (!existsSync(path)) {
    throw new FileInputError(
      `${what} '${path}' does not exist; give the path of a trace written with --out, or a schedule 'ss1:...'`,
    );
  }
  const stat = statSync(path);
  if (stat.isDirectory()) {
    throw new FileInputError(`${what} '${path}' is a directory; give the path of a JSON file`);
  }
  // A pipe is read as every command-line tool reads one (`replay <(jq . t.json)`, or
  // /dev/stdin fed by a pipe), and waits for its writer as `cat` would. A device or a
  // socket is refused before it is opened: /dev/zero would fill memory, a terminal wait.
  if (!stat.isFile() && !stat.isFIFO()) {
    throw new FileInputError(
      `${what} '${path}' is a device or a socket, not a file; give the path of a JSON file, or a pipe`,
    );
  }
  return readFileSync(path, "utf8");
}

/**
 * Refuses an output `path` that is the trace file `input` the command reads (`doing`:
 * "replayed", "shrunk"): with --force it would replace the recording being worked on.
 */
export function checkNotInput(
  path: string | undefined,
  option: string,
  input: string,
  doing: string,
): void {
  if (path !== undefined && existsSync(input) && sameFile(path, input)) {
    throw new FileInputError(`${option} '${path}' is the trace being ${doing}; give another file`);
  }
}

/**
 * Whether writing `path` would replace the file `input`, through symlinks too (a link to
 * the trace's directory, say): both names resolved to their real location.
 */
function sameFile(path: string, input: string): boolean {
  let dir: string;
  try {
    dir = realpathSync(dirname(resolve(path)));
  } catch {
    return false; // No such directory: checkOutputPath says so.
  }
  return join(dir, basename(path)) === realpathSync(input);
}
