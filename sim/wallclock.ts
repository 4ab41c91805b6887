/**
 * The only place in sim/ that reads real time: the runner's execution budget and the
 * statistics it reports. Simulated code never calls this; it sees only the virtual clock.
 */
export function wallNow_ms(): number {
  return performance.now();
}
