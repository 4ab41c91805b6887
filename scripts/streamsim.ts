#!/usr/bin/env -S npx tsx
/**
 * The streamsim command line. Run it as `npx streamsim <command>` or `npm start` (which runs
 * `verdicts`); `npx streamsim --help` lists the commands.
 */

// A reader that stops early (`streamsim list | head`) is not an error worth a stack trace.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code !== "EPIPE") throw e;
  process.exit(process.exitCode ?? 0);
});

// The CLI is imported here rather than at the top so that a model that throws while it
// loads (a typo in src/, say) is reported like any other internal error: one line and a
// hint, the stack only with STREAMSIM_DEBUG=1.
try {
  const { main } = await import("./cli/main.ts");
  process.exitCode = await main(process.argv);
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(
    `streamsim: internal error while loading: ${message.split("\n")[0]} (a bug in streamsim or in a model; rerun with STREAMSIM_DEBUG=1 for the stack trace)\n`,
  );
  if (process.env.STREAMSIM_DEBUG === "1" && e instanceof Error)
    process.stderr.write(`${e.stack}\n`);
  process.exitCode = 1;
}
