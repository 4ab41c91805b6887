/**
 * A count with its noun in the number the count asks for: "1 step", "0 steps", "12,345
 * executions". Every count streamsim prints goes through it; "1 preemptions" reads as a bug.
 */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? singular : pluralForm}`;
}
