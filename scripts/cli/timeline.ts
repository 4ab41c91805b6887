import { describeOutcome, plural, type Trace } from "../../sim/index.ts";
import { fitWidth, type Output } from "./output.ts";

/** Column caps: a timeline must stay readable in an 100-column terminal. */
const ACTOR_MAX = 18;
const LABEL_MAX = 26;

/** The exact command that replays a schedule; schedule text is shell-safe inside quotes. */
export function reproduceCommand(schedule: string): string {
  return `npx streamsim replay '${schedule}'`;
}

/**
 * A trace as a timeline: one line per step (virtual time, actor, step label, what it read
 * and wrote, its notes such as frames sent and rendered), then how the execution ended.
 */
export function timelineLines(trace: Trace, out: Output): string[] {
  return [...stepLines(trace, out), outcomeLine(trace, out)];
}

/** The timeline's lines before how the execution ended: a header, the steps, a blank line. */
export function stepLines(trace: Trace, out: Output): string[] {
  const actorWidth = Math.min(
    ACTOR_MAX,
    Math.max(5, ...trace.steps.map((s) => s.name.length + (s.kind === "timer" ? 2 : 0))),
  );
  const labelWidth = Math.min(LABEL_MAX, Math.max(4, ...trace.steps.map((s) => s.label.length)));
  const timeWidth = Math.max(4, ...trace.steps.map((s) => `${s.t}ms`.length));
  const indexWidth = Math.max(1, String(trace.steps.length - 1).length);
  const lines: string[] = [
    out.paint(
      "dim",
      `${"#".padStart(indexWidth)}  ${"time".padStart(timeWidth)}  ${fitWidth("actor", actorWidth)}  ${fitWidth("step", labelWidth)}  reads/writes · notes`,
    ),
  ];
  for (const s of trace.steps) {
    const actor = s.kind === "timer" ? `${s.name} ⏰` : s.name;
    const accesses = s.accesses.map(([name, mode]) => `${mode} ${name}`).join(", ");
    const extra = [...s.notes, ...s.spawned.map((a) => `spawned ${a}`)];
    const detail = [accesses, ...extra].filter((x) => x !== "").join(" · ");
    lines.push(
      `${String(s.i).padStart(indexWidth)}  ${`${s.t}ms`.padStart(timeWidth)}  ${out.paint("cyan", fitWidth(actor, actorWidth))}  ${fitWidth(s.label, labelWidth)}  ${detail}`.trimEnd(),
    );
  }
  lines.push("");
  return lines;
}

/** How the execution ended, in one line: the invariant broken and where. */
export function outcomeLine(trace: Trace, out: Output): string {
  const o = trace.outcome;
  if (o.kind === "completed") {
    return out.paint("green", `✓ completed after ${plural(o.steps, "step")}, every check held`);
  }
  if (o.kind === "violation") {
    return out.paint(
      "red",
      `✗ invariant '${o.property}' broken after step ${o.steps - 1}: ${o.message}`,
    );
  }
  return out.paint("red", `✗ ${describeOutcome(o)}`);
}
