/**
 * Progress lines for the benchmarks. Everything human-readable goes to stderr: stdout carries only the
 * final JSON document.
 */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Milliseconds elapsed since `startedNs` (from `process.hrtime.bigint()`). */
export function elapsedMs(startedNs: bigint): number {
  return Number(process.hrtime.bigint() - startedNs) / 1e6;
}

/** Rounds to `digits` decimals (for readable JSON). */
export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Sleeps `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
