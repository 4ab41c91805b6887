import { Command, CommanderError } from "commander";
import { HARNESS_VERSION, InputError, NondeterminismError } from "../../sim/index.ts";
import { addCorpusCommand } from "../commands/corpus.ts";
import { addListCommand } from "../commands/list.ts";
import { addReplayCommand } from "../commands/replay.ts";
import { addRunCommand } from "../commands/run.ts";
import { addShrinkCommand } from "../commands/shrink.ts";
import { addVerdictsCommand } from "../commands/verdicts.ts";
import { OptionValueError } from "./input.ts";
import { didYouMean } from "./suggest.ts";

/** Exit codes: 0 nothing found (or success), 1 a violation or failure, 2 bad input. */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

/** Set by a command's action: what the process should exit with. */
export interface ExitSlot {
  code: number;
}

export function buildProgram(exit: ExitSlot): Command {
  const program = new Command()
    .name("streamsim")
    .description(
      "Deterministic simulation of live-stream reconnect/replay protocols: explore interleavings, reproduce and shrink races, keep a regression corpus.",
    )
    .version(HARNESS_VERSION, "-V, --version", "print the harness version")
    .configureOutput({ outputError: (text, write) => write(oneLineError(text)) })
    .exitOverride()
    .addHelpText(
      "after",
      `
Examples:
  $ streamsim verdicts                       explore every built-in variant (what npm start runs)
  $ streamsim list                           scenarios, variants, invariants, strategies
  $ streamsim run --variant counter-race     hunt one variant's race and print it shrunk
  $ streamsim replay 'ss1:counter:workers=2:0.1x2.0'
  $ streamsim corpus replay                  check every saved case still has its verdict

Exit codes: 0 no violation, 1 a violation (or a verdict change), 2 bad input.`,
    );
  addVerdictsCommand(program, exit);
  addListCommand(program, exit);
  addRunCommand(program, exit);
  addReplayCommand(program, exit);
  addShrinkCommand(program, exit);
  addCorpusCommand(program, exit);
  addHelpCommands(program, "streamsim");
  refuseRepeats(program);
  return program;
}

/**
 * Commander's own `help <command>` answers a name it does not know with the general help
 * (on stderr, exit 2) and not a word that the name is unknown. Each command that has
 * subcommands gets this one instead: `help frob` fails as `streamsim frob` does, and
 * `help corpus add` shows the help of `corpus add`, not of `corpus`.
 */
function addHelpCommands(command: Command, path: string): void {
  if (command.commands.length === 0) return;
  for (const sub of command.commands) addHelpCommands(sub, `${path} ${sub.name()}`);
  const example = command.commands[0]?.name() ?? "";
  command
    .command("help [command...]")
    .description("display help for command")
    .addHelpText("after", `\nExamples:\n  $ ${path} help ${example}`)
    .action((names: string[]) => showHelpOf(command, names));
}

/** Prints the help of the command that `names` lead to from `command`, and exits. */
function showHelpOf(command: Command, names: readonly string[]): never {
  let target: Command = command;
  for (const name of names) {
    const sub = target.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (sub === undefined) {
      // Commander's wording for `streamsim frob`.
      const names = target.commands.flatMap((c) => [c.name(), ...c.aliases()]);
      const none =
        target.commands.length === 0
          ? ` ('${target.name()}' has no subcommands)`
          : didYouMean(name, names);
      target.error(`error: unknown command '${name}'${none}`, {
        code: "commander.unknownCommand",
      });
    }
    target = sub;
  }
  target.help();
}

/**
 * Commander's error text ("error: unknown command 'rn'\n(Did you mean run?)\n") as the
 * CLI's own one line, as every other bad input is said: `streamsim: unknown command 'rn'
 * (Did you mean run?) (add --help for usage and examples)`.
 */
export function oneLineError(text: string): string {
  const said = text
    .trim()
    .replace(/^error: /, "")
    .replace(/\s*\n\s*/g, " ");
  return `streamsim: ${said} (add --help for usage and examples)\n`;
}

/**
 * Commander keeps the last value of an option given twice (`--out a.json --out b.json`
 * writes only b.json): refused instead, so that nothing the user typed is dropped
 * silently. Options that take a list (`--variant a b`), or whose help says "(repeatable)",
 * collect their values. (A program parses once: commander keeps option values between
 * parses too.)
 */
function refuseRepeats(command: Command): void {
  for (const option of command.options) {
    const collects = option.variadic || option.description.includes("(repeatable)");
    if (!(option.required || option.optional) || collects) continue;
    let given = false;
    command.on(`option:${option.name()}`, () => {
      if (given) {
        throw new OptionValueError(`${option.long ?? option.flags} is given twice; give it once`);
      }
      given = true;
    });
  }
  for (const sub of command.commands) refuseRepeats(sub);
}

/** Runs the CLI and returns the exit code. */
export function main(argv: readonly string[]): Promise<number> {
  const exit: ExitSlot = { code: EXIT.ok };
  return runProgram(buildProgram(exit), exit, argv, process.env);
}

/**
 * Parses and runs a program, turning what escapes into an exit code. Bad input (an
 * InputError anywhere, or a usage error from commander) is one line on stderr and code 2;
 * anything else is a bug, reported as one line with a hint, the stack only with
 * STREAMSIM_DEBUG=1.
 */
export async function runProgram(
  program: Command,
  exit: ExitSlot,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  try {
    await program.parseAsync([...argv]);
    return exit.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has already printed its message (or the help, or the version).
      return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    if (e instanceof InputError) {
      process.stderr.write(`streamsim: ${e.message}\n`);
      return EXIT.badInput;
    }
    const message = e instanceof Error ? e.message : String(e);
    // A nondeterministic model says whose bug it is already; the CLI's models are built in.
    const hint =
      e instanceof NondeterminismError
        ? "; a bug in a built-in model: rerun with STREAMSIM_DEBUG=1 for the stack trace"
        : " (a bug in streamsim or in a model; rerun with STREAMSIM_DEBUG=1 for the stack trace)";
    // Its own explanation ends the message: kept on the one line, not cut at a newline.
    const line =
      e instanceof NondeterminismError ? message.replace(/\s*\n\s*/g, " ") : message.split("\n")[0];
    process.stderr.write(`streamsim: internal error: ${line}${hint}\n`);
    if (env.STREAMSIM_DEBUG === "1" && e instanceof Error && e.stack !== undefined) {
      process.stderr.write(`${e.stack}\n`);
    }
    return EXIT.failed;
  }
}
