import {
  accessSync,
  constants,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
} from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../sim/index.ts";
import { FileInputError, writeFileAtomic } from "../cli/files.ts";
import { type CorpusCase, parseCase, stringifyCase } from "./case.ts";

/** The repository's corpus, wherever the CLI is run from. */
export const DEFAULT_CORPUS_DIR = fileURLToPath(new URL("../../corpus/", import.meta.url));

/** A case file as read: the case, or the one-line reason it cannot be used. */
export type Entry =
  | { readonly file: string; readonly ok: true; readonly value: CorpusCase }
  | { readonly file: string; readonly ok: false; readonly error: string };

export function checkCorpusDir(dir: string, options: { readonly write?: boolean } = {}): void {
  if (!existsSync(dir)) {
    throw new FileInputError(
      `corpus directory '${dir}' does not exist; create it, or pass --dir an existing one`,
    );
  }
  if (!statSync(dir).isDirectory()) {
    throw new FileInputError(
      `corpus directory '${dir}' is not a directory; pass --dir a directory`,
    );
  }
  if (options.write !== true) return;
  // Checked before anything is written: a write that fails is an internal error.
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new FileInputError(
      `corpus directory '${dir}' is not writable; fix its permissions or pass --dir`,
    );
  }
}

/**
 * Every case file in the directory, sorted by name, each parsed or with its error.
 * `builtinIds`: the built-in minimal cases' ids (see parseCase).
 */
export function readCorpus(dir: string, builtinIds: ReadonlySet<string> = new Set()): Entry[] {
  checkCorpusDir(dir);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json") && !f.startsWith("."))
    .sort();
  return files.map((name): Entry => {
    const file = displayPath(join(dir, name));
    try {
      // Before opening: reading a FIFO with no writer blocks for ever.
      const stat = statSync(file);
      if (!stat.isFile()) {
        const what = stat.isDirectory() ? "a directory" : "a device or a pipe";
        return { file, ok: false, error: `corpus case '${file}' is not a regular file (${what})` };
      }
      const value = parseCase(readFileSync(file, "utf8"), file, builtinIds);
      // A case is found by its id (prune keeps the built-in minimal cases by theirs), and
      // written to <id>.json: a copy under another name would be a second case of that id.
      const named = name.slice(0, -".json".length);
      if (value.id !== named) {
        // A copy's own name is taken: renaming it would replace the case it was copied from.
        const fix = files.includes(`${value.id}.json`)
          ? `${value.id}.json holds that id already: delete this copy, or set its "id" to "${named}"`
          : `rename it to ${value.id}.json, or set its "id" to "${named}"`;
        return {
          file,
          ok: false,
          error: `corpus case '${file}' has id '${value.id}', not its file's name; ${fix}`,
        };
      }
      return { file, ok: true, value };
    } catch (e) {
      if (e instanceof InputError) return { file, ok: false, error: e.message };
      // A case that cannot be read at all (no permission) is one
      // unreadable case like any other, not an internal error that hides the rest.
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== undefined) {
        return { file, ok: false, error: `corpus case '${file}' cannot be read (${code})` };
      }
      throw e;
    }
  });
}

/** A path as the user best reads it: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

export function caseFile(dir: string, id: string): string {
  return join(dir, `${id}.json`);
}

/** Writes a case atomically; an existing file is replaced only with `force`. */
export function writeCase(dir: string, c: CorpusCase, force: boolean): string {
  checkCorpusDir(dir);
  const file = caseFile(dir, c.id);
  writeFileAtomic(file, stringifyCase(c), { overwrite: force });
  return file;
}

/** Replaces a case file in place (prune's rewrite), atomically. */
export function rewriteCase(file: string, c: CorpusCase): void {
  writeFileAtomic(file, stringifyCase(c), { overwrite: true });
}

export function removeCase(file: string): void {
  unlinkSync(file);
}
