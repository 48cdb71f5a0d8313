/**
 * Settings of one series detector: the rolling window, warm-up and lateness rules, the four online
 * detectors and the rule that combines their scores.
 *
 * User-facing validation (zod, with messages) lives with the rest of the configuration; this module only
 * declares the shape and the defaults. All durations are milliseconds of event time.
 */
export interface DetectorConfig {
  /**
   * The rolling baseline every point is compared against.
   * - `count`: the last `size` accepted points (size ≥ 1).
   * - `time`: accepted points whose event time lies in `(newest − durationMs, newest]`, where `newest` is the
   *   newest event time seen, additionally capped at the `maxSize` most recently arrived points.
   */
  readonly window:
    | { readonly kind: 'count'; readonly size: number }
    | { readonly kind: 'time'; readonly durationMs: number; readonly maxSize: number };
  /** No point is anomalous until the window (before the point) holds at least this many points. */
  readonly warmupPoints: number;
  /**
   * A point whose event time is older than the newest seen by more than this is late: scored, never added
   * to the window, flagged `late: true`.
   */
  readonly allowedLatenessMs: number;
  /** |x − mean| / std over the rolling window (sample std). */
  readonly zscore: { readonly enabled: boolean; readonly threshold: number };
  /** |x − median| / (1.4826 · MAD), with the fall-back scale chain described in `robust-scale.ts`. */
  readonly robustZ: { readonly enabled: boolean; readonly threshold: number };
  /**
   * Tukey fences [Q1 − k·IQR, Q3 + k·IQR]. The statistic is the distance outside the box [Q1, Q3] in IQR
   * units and the threshold is `k`, so the detector fires exactly when the point lies beyond a fence.
   */
  readonly iqr: { readonly enabled: boolean; readonly k: number };
  /** |x − ewma| / sqrt(ewmvar) with smoothing factor `alpha` in (0, 1]. */
  readonly ewma: { readonly enabled: boolean; readonly alpha: number; readonly threshold: number };
  /**
   * The combined score is the `quorum`-th largest detector score (clamped to the number of enabled
   * detectors); a warm point is anomalous when the combined score is ≥ `threshold` (in [0, 1]).
   */
  readonly combine: { readonly threshold: number; readonly quorum: number };
  /**
   * Novelty scores (`novelty-score.ts`, docs/adr/0004-nab-detection.md). When enabled, once the series has
   * `learningPoints` accepted points the point's `score` is the novelty score (the largest of the range,
   * long-z, level and seasonal scores) instead of the quorum score; before that it is the quorum score.
   * Thresholds are the statistics that score 0.5. Alphas are in (0, 1]; `seasonalBins` in [1, 32].
   */
  readonly novelty: {
    readonly enabled: boolean;
    /** Live decision: once novelty has learned, an anomaly also needs a novelty score ≥ this, in [0, 1]. */
    readonly threshold: number;
    readonly learningPoints: number;
    /** Distance outside every value seen so far, in units of the range seen so far. */
    readonly rangeThreshold: number;
    readonly longAlpha: number;
    /** |x − long mean| / long std. */
    readonly longThreshold: number;
    readonly levelAlpha: number;
    /** EWMA level outside every level seen since point learningPoints / 4, in units of that range. */
    readonly levelThreshold: number;
    readonly seasonalBins: number;
    readonly seasonalPeriodMs: number;
    readonly seasonalAlpha: number;
    /** Residual from the seasonal profile outside every residual seen since point 2·learningPoints. */
    readonly seasonalThreshold: number;
  };
  /**
   * Smallest dispersion any detector divides by: `max(relative · |centre|, absolute)` in the units of the
   * values. Keeps constant series finite: a value equal to the centre scores 0, any visibly different value
   * gets a very large statistic.
   */
  readonly scaleFloor: { readonly relative: number; readonly absolute: number };
}

/**
 * Defaults: count window of 128 points, warm-up 30 points, 60 s allowed lateness, z ≥ 3, robust z ≥ 3.5
 * (Iglewicz–Hoaglin), Tukey "far out" fences k = 3, EWMA alpha 0.1 with threshold 4, and a quorum of two
 * detectors at or above their threshold (combined score ≥ 0.5). Deeply frozen.
 *
 * Tuned so that uniform ±1 noise is never flagged right after warm-up (over 1.1 M simulated points the
 * worst combined score was 0.445) while a 3-unit spike on that noise (≈ 5 σ) always is. Tukey's inner
 * fence (k = 1.5) and an EWMA threshold of 3 each fire too often on 30-point samples to leave that margin.
 */
export const DEFAULT_DETECTOR_CONFIG: DetectorConfig = Object.freeze({
  window: Object.freeze({ kind: 'count', size: 128 } as const),
  warmupPoints: 30,
  allowedLatenessMs: 60_000,
  zscore: Object.freeze({ enabled: true, threshold: 3 }),
  robustZ: Object.freeze({ enabled: true, threshold: 3.5 }),
  iqr: Object.freeze({ enabled: true, k: 3 }),
  ewma: Object.freeze({ enabled: true, alpha: 0.1, threshold: 4 }),
  combine: Object.freeze({ threshold: 0.5, quorum: 2 }),
  novelty: Object.freeze({
    enabled: true,
    threshold: 0.86,
    learningPoints: 200,
    rangeThreshold: 0.005,
    longAlpha: 0.0005,
    longThreshold: 15,
    levelAlpha: 0.04,
    levelThreshold: 0.02,
    seasonalBins: 24,
    seasonalPeriodMs: 86_400_000,
    seasonalAlpha: 0.2,
    seasonalThreshold: 0.2,
  }),
  scaleFloor: Object.freeze({ relative: 1e-9, absolute: 1e-12 }),
});

/** Number of points the window can hold: `size` for count windows, `maxSize` for time windows. */
export function windowCapacity(config: DetectorConfig): number {
  return config.window.kind === 'count' ? config.window.size : config.window.maxSize;
}
