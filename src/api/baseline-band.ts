import { type DetectorConfig, robustSigma, scaleFloor } from '../streams/index.js';

/** The baseline band at one point: where the robust z of the point would reach `k`. */
export interface BandPoint {
  readonly median: number;
  readonly lower: number;
  readonly upper: number;
}

/** What the band is computed with: the detectors' window, warm-up, scale floor, and the band's width `k`. */
export interface BandSettings {
  readonly window: DetectorConfig['window'];
  /** No band until the window holds this many points (the detectors' warm-up). */
  readonly warmupPoints: number;
  readonly scaleFloor: DetectorConfig['scaleFloor'];
  /** Width in robust σ (default: the robust z threshold of the detectors). */
  readonly k: number;
}

/** The band settings that match a detector configuration. */
export function bandSettingsOf(detectors: DetectorConfig, k = detectors.robustZ.threshold): BandSettings {
  return {
    window: detectors.window,
    warmupPoints: Math.max(1, detectors.warmupPoints),
    scaleFloor: detectors.scaleFloor,
    k,
  };
}

/** The value at quantile `p` of sorted `values` (linear interpolation, as the detectors use). */
function quantileOfSorted(values: readonly number[], p: number): number {
  const position = (values.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(values.length - 1, below + 1);
  return values[below]! + (values[above]! - values[below]!) * (position - below);
}

/**
 * The baseline band of each point, from the points before it (like the detectors, a point never counts
 * in its own baseline): `median ± k · σ̂`, where σ̂ is `1.4826 · MAD` of the window with the detectors'
 * fall-backs (IQR / 1.349, then the std, then the scale floor) so that a flat window still gets a band.
 * The window is the detectors' own: the last `size` points (count window), or the points within
 * `durationMs` before the point and at most `maxSize` of them (time window). Null until the window
 * holds `warmupPoints` points. `points` must be sorted by time. Pure; O(n · w log w).
 */
export function baselineBand(
  points: ReadonlyArray<{ readonly timestampMs: number; readonly value: number }>,
  settings: BandSettings,
): Array<BandPoint | null> {
  const { window } = settings;
  const maxSize = window.kind === 'count' ? window.size : window.maxSize;
  const durationMs = window.kind === 'time' ? window.durationMs : Number.POSITIVE_INFINITY;
  const band: Array<BandPoint | null> = [];
  let start = 0;
  for (let i = 0; i < points.length; i++) {
    const at = points[i]!.timestampMs;
    start = Math.max(start, i - maxSize);
    while (start < i && points[start]!.timestampMs <= at - durationMs) start++;
    if (i - start < settings.warmupPoints) {
      band.push(null);
      continue;
    }
    const values = points
      .slice(start, i)
      .map((p) => p.value)
      .sort((a, b) => a - b);
    const median = quantileOfSorted(values, 0.5);
    const deviations = values.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
    const mad = quantileOfSorted(deviations, 0.5);
    const iqr = quantileOfSorted(values, 0.75) - quantileOfSorted(values, 0.25);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const variance =
      values.length > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1) : 0;
    const floor = scaleFloor(median, settings.scaleFloor.relative, settings.scaleFloor.absolute);
    const sigma = robustSigma(mad, iqr, Math.sqrt(variance), floor);
    band.push({ median, lower: median - settings.k * sigma, upper: median + settings.k * sigma });
  }
  return band;
}
