/** Summary of a sample of latencies, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/**
 * Nearest-rank percentile (`p` in [0, 100]) of an ascending-sorted sample; NaN for an empty sample.
 *
 * @example percentile([1, 2, 3, 4], 50) === 2
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/** p50 / p90 / p99 / max / mean of a sample (values in ms, rounded to 0.1 ms). */
export function summarize(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const r = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : Number.NaN);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50Ms: r(percentile(sorted, 50)),
    p90Ms: r(percentile(sorted, 90)),
    p99Ms: r(percentile(sorted, 99)),
    maxMs: r(sorted[sorted.length - 1] ?? Number.NaN),
    meanMs: r(sorted.length ? sum / sorted.length : Number.NaN),
  };
}
