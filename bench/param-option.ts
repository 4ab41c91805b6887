import { InvalidArgumentError } from "commander";
import { collectParam } from "../scripts/cli/target.ts";
import type { Params } from "../sim/index.ts";

/**
 * `--param key=value` for the check scripts, parsed as the CLI parses it
 * (scripts/cli/target.ts); a bad one is commander's one-line error.
 */
export function paramOption(raw: string, previous: Params): Params {
  try {
    return collectParam(raw, previous);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}
