import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "./cli/main.ts";
import { runMain } from "./testing/in-process.ts";

/** Every command, subcommands included, as "streamsim corpus add" and so on. */
function commands(cmd: Command, prefix = "streamsim"): [string, Command][] {
  return cmd.commands.flatMap((c) => {
    const name = `${prefix} ${c.name()}`;
    return [[name, c] as [string, Command], ...commands(c, name)];
  });
}

/** The full --help text of a command, including the text added after the option list. */
function helpOf(cmd: Command): string {
  let text = "";
  cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  cmd.outputHelp();
  return text;
}

describe("--help", () => {
  const program = buildProgram({ code: 0 });
  const all = commands(program);

  it("covers every command the issue asks for", () => {
    expect(all.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        "streamsim verdicts",
        "streamsim list",
        "streamsim run",
        "streamsim replay",
        "streamsim shrink",
        "streamsim corpus add",
        "streamsim corpus replay",
        "streamsim corpus list",
        "streamsim corpus prune",
      ]),
    );
  });

  it("help <command> prints that command's help, a subcommand's too", async () => {
    for (const [args, usage] of [
      [["help"], "streamsim [options] [command]"],
      [["help", "run"], "streamsim run [options]"],
      [["help", "corpus", "add"], "streamsim corpus add [options]"],
      [["corpus", "help", "add"], "streamsim corpus add [options]"],
    ] as const) {
      const r = await runMain(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(new RegExp(`^Usage: ${usage.replace(/[[\]]/g, "\\$&")}`));
    }
  });

  it.each(all)("%s has examples that use the command itself", (name, cmd) => {
    const help = helpOf(cmd);
    expect(help).toContain("Examples:");
    // The leaf name appears in an example line (`$ streamsim run ...`, `$ npm start`).
    const leaf = name.split(" ").slice(1).join(" ");
    expect(
      help
        .split("\n")
        .some((l) => l.includes("$ ") && (l.includes(leaf) || l.includes("npm start"))),
    ).toBe(true);
  });
});
