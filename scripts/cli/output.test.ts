import { afterEach, describe, expect, it, vi } from "vitest";
import { formatDuration, Output } from "./output.ts";

const stdout = process.stdout as { isTTY?: boolean };
const original = stdout.isTTY;

describe("colour", () => {
  afterEach(() => {
    stdout.isTTY = original;
  });

  it("is on for a terminal", () => {
    stdout.isTTY = true;
    expect(new Output({ json: false, quiet: false }, {}).paint("red", "x")).toBe(
      "\u001b[31mx\u001b[39m",
    );
  });

  it("is off when stdout is not a terminal", () => {
    stdout.isTTY = false;
    expect(new Output({ json: false, quiet: false }, {}).paint("red", "x")).toBe("x");
  });

  it("is off with NO_COLOR, even on a terminal", () => {
    stdout.isTTY = true;
    expect(new Output({ json: false, quiet: false }, { NO_COLOR: "1" }).paint("red", "x")).toBe(
      "x",
    );
  });

  it("is off with --json", () => {
    stdout.isTTY = true;
    expect(new Output({ json: true, quiet: false }, {}).paint("red", "x")).toBe("x");
  });
});

describe("progress", () => {
  const stderr = process.stderr as { isTTY?: boolean };
  const originalErr = stderr.isTTY;
  afterEach(() => {
    stderr.isTTY = originalErr;
    vi.restoreAllMocks();
  });

  function written(tty: boolean, run: (o: Output) => void): string {
    stderr.isTTY = tty;
    let text = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      text += String(chunk);
      return true;
    });
    run(new Output({ json: false, quiet: false }, {}));
    return text;
  }

  it("shows executions, rate and elapsed time on a terminal, for runs longer than a second", () => {
    const text = written(true, (o) => {
      o.progress(500, 900);
      o.progress(3000, 2000);
    });
    expect(text).toBe("\r\u001b[2K  3,000 executions, 1,500/s, 2.0s");
  });

  it("logs a line a minute when stderr is not a terminal, and nothing in the first minute", () => {
    const text = written(false, (o) => {
      o.progress(3000, 2000);
      o.progress(50_000, 59_999);
      o.progress(60_000, 60_000);
      o.progress(70_000, 90_000);
      o.progress(200_000, 185_000);
    });
    expect(text).toBe(
      "  60,000 executions, 1,000/s, 60.0s\n  200,000 executions, 1,081/s, 185.0s\n",
    );
  });

  it("stays silent with --quiet or --json, terminal or not", () => {
    for (const tty of [true, false]) {
      for (const mode of [
        { json: false, quiet: true },
        { json: true, quiet: false },
      ]) {
        stderr.isTTY = tty;
        let text = "";
        vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
          text += String(chunk);
          return true;
        });
        new Output(mode, {}).progress(200_000, 185_000);
        expect(text).toBe("");
        vi.restoreAllMocks();
      }
    }
  });
});

describe("formatDuration", () => {
  it("rounds to the unit it shows, never printing 60 of a unit", () => {
    expect(formatDuration(999.4)).toBe("999 ms");
    expect(formatDuration(999.6)).toBe("1.0 s");
    expect(formatDuration(59_940)).toBe("59.9 s");
    expect(formatDuration(59_960)).toBe("1 min 0 s");
    expect(formatDuration(239_600)).toBe("4 min 0 s");
    expect(formatDuration(253_000)).toBe("4 min 13 s");
  });
});
