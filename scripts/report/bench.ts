/**
 * Prints how the report scales with trace length: page size (with the state deltas, and
 * what the trace's whole `after` snapshots would have cost) and time to build the page.
 * A figure-printing script, not a test.
 *
 *   npx tsx scripts/report/bench.ts [tokens...]
 */
import { longTrace } from "./fixtures/long-run.ts";
import { renderHtmlReport } from "./html.ts";

const sizes = process.argv.slice(2).map(Number);
const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
process.stdout.write("steps   page (deltas)   `after` snapshots alone   render\n");
for (const tokens of sizes.length > 0 ? sizes : [100, 300, 600]) {
  const trace = longTrace(tokens);
  const started = performance.now();
  const html = renderHtmlReport(trace, {
    scenario: trace.scenario,
    schedule: trace.schedule,
    reproduce: `npx streamsim replay '${trace.schedule}'`,
  });
  const render_ms = performance.now() - started;
  const snapshots = JSON.stringify(trace.steps.map((s) => s.after)).length;
  const line = [
    String(trace.steps.length).padEnd(7),
    mb(Buffer.byteLength(html)).padEnd(15),
    mb(snapshots).padEnd(25),
    `${render_ms.toFixed(0)} ms`,
  ];
  process.stdout.write(`${line.join(" ")}\n`);
}
