import { VigilError } from '../errors.js';
import type { DetectorReading, Direction, WindowBaseline } from '../model/anomaly-event.js';
import { type DetectorConfig, windowCapacity } from './detector-config.js';
import {
  type NoveltyParams,
  noveltyAccept,
  noveltyParams,
  noveltyScore,
  noveltyWords,
  PROFILE,
  seasonalBin,
} from './novelty-score.js';
import { fenceScale, robustSigma, scaleFloor } from './robust-scale.js';
import { RollingWindow } from './rolling-window.js';
import { kthLargest, scoreFromStatistic } from './score-mapping.js';
import { assertSeriesState, SERIES_STATE_VERSION, type SeriesDetectorState } from './series-state.js';
import { type MadSearchHint, medianAbsoluteDeviation, quartiles } from './window-quantiles.js';

/** The verdict on one point, computed against the window as it was before the point. */
export interface PointEvaluation {
  /** Event time of the point (ms since the epoch). */
  readonly timestampMs: number;
  /** The point's value (−0 is normalised to 0). */
  readonly value: number;
  /** True when the window held at least `warmupPoints` points before this one. */
  readonly warm: boolean;
  /** True when the point was older than the newest event time by more than `allowedLatenessMs`. */
  readonly late: boolean;
  /**
   * Score in [0, 1]: the novelty score once the series has `novelty.learningPoints` accepted points (and
   * novelty is enabled), else the `combine.quorum`-th largest detector score.
   */
  readonly score: number;
  /**
   * The live decision: `warm`, and the quorum score (the `combine.quorum`-th largest detector score) is
   * ≥ `combine.threshold`, and — once novelty has learned — the novelty score is ≥ `novelty.threshold`.
   * So a live anomaly is a point the point detectors flag that is also new for the series.
   */
  readonly anomalous: boolean;
  /** Sign of value − median, falling back to value − mean on a tie; `up` when both are 0. */
  readonly direction: Direction;
  /** One reading per enabled detector, in the order zscore, robust_z, iqr, ewma. */
  readonly readings: readonly DetectorReading[];
  /** Summary of the window before the point (all zeros with count 0 for an empty window). */
  readonly baseline: WindowBaseline;
}

/**
 * Online anomaly detector for one time series. Pure and deterministic: no clock, no randomness, no I/O.
 *
 * Per point: O(log w) worst case for the window update and the quartiles, O(log w) for the MAD when its
 * search hint is close (the common case) and O(log² w) at worst, amortised O(1) for the moments (w = window
 * size; see docs/adr/0002-order-statistics.md).
 * `update` allocates the returned evaluation (about ten small objects); `updateScore` performs the same
 * state transition without allocating.
 */
export interface SeriesDetector {
  /**
   * Scores the point against the current window, then — unless it is late — adds it to the window and the
   * EWMA. Throws `VIGIL_ERR_STREAMS_INVALID_POINT` for a non-finite time or value (validate upstream).
   */
  update(timestampMs: number, value: number): PointEvaluation;
  /**
   * Same state transition as {@link SeriesDetector.update}, without building the evaluation. Returns the
   * combined score when the detector was warm and 0 otherwise, so the point is anomalous exactly when the
   * result is ≥ `combine.threshold` (and > 0).
   */
  updateScore(timestampMs: number, value: number): number;
  /** Plain, versioned copy of the state; {@link createSeriesDetector} continues from it bit-identically. */
  snapshot(): SeriesDetectorState;
  /** Number of points in the window. */
  readonly size: number;
}

// Shared scratch (single-threaded, never held across calls): baseline, statistics and scores of the last point.
const COUNT = 0;
const MEAN = 1;
const STD = 2;
const MEDIAN = 3;
const MAD = 4;
const Q1 = 5;
const Q3 = 6;
const EWMA = 7;
const STAT = 8; // 8..11: zscore, robust_z, iqr, ewma
const SCORE = 12; // 12..15
const PREFETCH = 16; // sink for the prefetch loads, meaningless
const QUORUM_SCORE = 17; // the quorum-th largest detector score
const NOVELTY_ACTIVE = 18; // 1 when the score is the novelty score
const OUT = new Float64Array(19);
const ENABLED_SCORES = new Float64Array(4);
const QUARTILES = new Float64Array(3);
/** Novelty statistics of the last point (range, long z, level, seasonal). */
const NOVELTY_STATS = new Float64Array(4);
const NAMES = ['zscore', 'robust_z', 'iqr', 'ewma'] as const;

/**
 * The config as the hot path reads it. Shared by every detector built from an equal config (one per
 * distinct config, see {@link settingsFor}), so a series only pays for its own state.
 */
class DetectorSettings {
  readonly capacity: number;
  readonly isTime: boolean;
  readonly durationMs: number;
  readonly lateness: number;
  readonly warmup: number;
  readonly enabled: readonly [boolean, boolean, boolean, boolean];
  /** Indices (0 zscore, 1 robust_z, 2 iqr, 3 ewma) of the enabled detectors, ascending. */
  readonly enabledList: readonly number[];
  readonly thresholds: readonly [number, number, number, number];
  readonly alpha: number;
  readonly quorum: number;
  readonly combineThreshold: number;
  readonly floorRelative: number;
  readonly floorAbsolute: number;
  /** Novelty settings, or null when novelty is disabled. */
  readonly novelty: NoveltyParams | null;
  /** Float64 words of novelty state in the window buffer (0 when disabled). */
  readonly noveltyWords: number;
  readonly noveltyThreshold: number;

  constructor(config: DetectorConfig) {
    this.capacity = windowCapacity(config);
    this.isTime = config.window.kind === 'time';
    this.durationMs = config.window.kind === 'time' ? config.window.durationMs : Number.POSITIVE_INFINITY;
    this.lateness = config.allowedLatenessMs;
    this.warmup = config.warmupPoints;
    const enabled = [
      config.zscore.enabled,
      config.robustZ.enabled,
      config.iqr.enabled,
      config.ewma.enabled,
    ] as const;
    this.enabled = enabled;
    this.enabledList = [0, 1, 2, 3].filter((d) => enabled[d]);
    this.thresholds = [
      config.zscore.threshold,
      config.robustZ.threshold,
      config.iqr.k,
      config.ewma.threshold,
    ];
    this.alpha = config.ewma.alpha;
    this.quorum = config.combine.quorum;
    this.combineThreshold = config.combine.threshold;
    this.floorRelative = config.scaleFloor.relative;
    this.floorAbsolute = config.scaleFloor.absolute;
    const n = config.novelty;
    this.novelty = n.enabled
      ? noveltyParams({
          learningPoints: n.learningPoints,
          rangeThreshold: n.rangeThreshold,
          longAlpha: n.longAlpha,
          longThreshold: n.longThreshold,
          levelAlpha: n.levelAlpha,
          levelThreshold: n.levelThreshold,
          seasonalBins: n.seasonalBins,
          seasonalPeriodMs: n.seasonalPeriodMs,
          seasonalAlpha: n.seasonalAlpha,
          seasonalThreshold: n.seasonalThreshold,
          floorRelative: config.scaleFloor.relative,
          floorAbsolute: config.scaleFloor.absolute,
        })
      : null;
    this.noveltyWords = n.enabled ? noveltyWords(n.seasonalBins) : 0;
    this.noveltyThreshold = n.threshold;
  }
}

/** Settings by config content; bounded (cleared past 64 distinct configs), never affects results. */
const SETTINGS = new Map<string, DetectorSettings>();

function settingsFor(config: DetectorConfig): DetectorSettings {
  // Every field the settings read, numbers via String() (JSON would map NaN and ±Infinity alike to null).
  const w = config.window;
  const key = [
    w.kind,
    w.kind === 'count' ? w.size : `${w.durationMs}/${w.maxSize}`,
    config.warmupPoints,
    config.allowedLatenessMs,
    config.zscore.enabled,
    config.zscore.threshold,
    config.robustZ.enabled,
    config.robustZ.threshold,
    config.iqr.enabled,
    config.iqr.k,
    config.ewma.enabled,
    config.ewma.alpha,
    config.ewma.threshold,
    config.combine.threshold,
    config.combine.quorum,
    config.scaleFloor.relative,
    config.scaleFloor.absolute,
    ...Object.values(config.novelty),
  ].join(' ');
  let settings = SETTINGS.get(key);
  if (settings === undefined) {
    if (SETTINGS.size >= 64) SETTINGS.clear();
    settings = new DetectorSettings(config);
    SETTINGS.set(key, settings);
  }
  return settings;
}

class RollingSeriesDetector implements SeriesDetector {
  private readonly s: DetectorSettings;
  private readonly window: RollingWindow;
  private hasNewest = false;
  private newestMs = 0;
  private ewmaInitialized = false;
  private ewmaMean = 0;
  private ewmaVariance = 0;
  /**
   * Where the previous MAD search ended (the detector is its own {@link MadSearchHint}: one object less
   * to miss in cache); speeds up the next search, never changes a result.
   */
  split = -1;
  /** Seasonal bin of the point being processed (set by evaluate, read by accept). */
  private bin = 0;

  constructor(config: DetectorConfig) {
    this.s = settingsFor(config);
    this.window = new RollingWindow(this.s.capacity, this.s.isTime, this.s.noveltyWords);
  }

  get size(): number {
    return this.window.size;
  }

  update(timestampMs: number, value: number): PointEvaluation {
    const x = value === 0 ? 0 : value;
    const late = this.prepare(timestampMs, x);
    const n = this.window.size;
    const score = this.evaluate(timestampMs, x);
    const warm = n >= this.s.warmup;
    const readings = this.readings();
    const median = OUT[MEDIAN] as number;
    const mean = OUT[MEAN] as number;
    const direction: Direction = x < median || (x === median && x < mean) ? 'down' : 'up';
    const baseline: WindowBaseline = {
      count: n,
      mean,
      std: OUT[STD] as number,
      median,
      mad: OUT[MAD] as number,
      q1: OUT[Q1] as number,
      q3: OUT[Q3] as number,
      ewma: OUT[EWMA] as number,
    };
    if (!late) this.accept(timestampMs, x);
    return {
      timestampMs,
      value: x,
      warm,
      late,
      score,
      anomalous:
        warm &&
        (OUT[QUORUM_SCORE] as number) >= this.s.combineThreshold &&
        (OUT[NOVELTY_ACTIVE] === 0 || score >= this.s.noveltyThreshold),
      direction,
      readings,
      baseline,
    };
  }

  /** The enabled detectors' readings of the last evaluation (OUT), as one array literal of exact size. */
  private readings(): DetectorReading[] {
    const on = this.s.enabledList;
    switch (on.length) {
      case 4:
        return [this.reading(0), this.reading(1), this.reading(2), this.reading(3)];
      case 3:
        return [this.reading(on[0] as number), this.reading(on[1] as number), this.reading(on[2] as number)];
      case 2:
        return [this.reading(on[0] as number), this.reading(on[1] as number)];
      case 1:
        return [this.reading(on[0] as number)];
      default:
        return [];
    }
  }

  private reading(d: number): DetectorReading {
    const statistic = OUT[STAT + d] as number;
    const threshold = this.s.thresholds[d] as number;
    return {
      detector: NAMES[d] as string,
      statistic,
      threshold,
      score: OUT[SCORE + d] as number,
      fired: statistic > threshold,
    };
  }

  updateScore(timestampMs: number, value: number): number {
    const x = value === 0 ? 0 : value;
    const late = this.prepare(timestampMs, x);
    const warm = this.window.size >= this.s.warmup;
    const score = this.evaluate(timestampMs, x);
    if (!late) this.accept(timestampMs, x);
    return warm ? score : 0;
  }

  snapshot(): SeriesDetectorState {
    const w = this.window;
    const n = w.size;
    const values = new Array<number>(n);
    for (let i = 0; i < n; i++) values[i] = w.valueAt(i);
    let timesMs: number[] | null = null;
    if (this.s.isTime) {
      timesMs = new Array<number>(n);
      for (let i = 0; i < n; i++) timesMs[i] = w.timeAt(i);
    }
    let novelty: number[] | null = null;
    if (this.s.noveltyWords > 0) {
      novelty = Array.from(w.values.subarray(w.extraBase, w.extraBase + this.s.noveltyWords));
    }
    return {
      version: SERIES_STATE_VERSION,
      window: { kind: this.s.isTime ? 'time' : 'count', capacity: w.capacity },
      values,
      timesMs,
      newestMs: this.hasNewest ? this.newestMs : null,
      ewma: { initialized: this.ewmaInitialized, mean: this.ewmaMean, variance: this.ewmaVariance },
      moments: {
        mean: w.moments.mean,
        m2: w.moments.m2,
        m2Peak: w.moments.m2Peak,
        removalsSinceRecompute: w.moments.removalsSinceRecompute,
      },
      novelty,
    };
  }

  /** Loads `state` into this fresh detector (see {@link createSeriesDetector}). */
  restore(state: SeriesDetectorState): void {
    assertSeriesState(state);
    const kind = this.s.isTime ? 'time' : 'count';
    if (state.window.kind !== kind) {
      throw new VigilError(
        'VIGIL_ERR_STREAMS_STATE_MISMATCH',
        `Cannot restore a ${state.window.kind}-window state into a ${kind}-window detector; start the series afresh.`,
      );
    }
    const w = this.window;
    const n = state.values.length;
    const from = n > w.capacity ? n - w.capacity : 0;
    for (let i = from; i < n; i++) {
      const v = state.values[i] as number;
      w.push(state.timesMs?.[i] ?? 0, v === 0 ? 0 : v); // as update() does: −0 never enters the window
    }
    const m = w.moments;
    if (from === 0 && state.window.capacity === w.capacity) {
      m.mean = state.moments.mean;
      m.m2 = state.moments.m2;
      m.m2Peak = state.moments.m2Peak;
      m.removalsSinceRecompute = state.moments.removalsSinceRecompute;
    } else {
      // A resized window cannot continue bit-identically anyway: start from exact moments.
      m.recompute(w.values, 0, w.size, w.capacity);
    }
    this.hasNewest = state.newestMs !== null;
    this.newestMs = state.newestMs ?? 0;
    this.ewmaInitialized = state.ewma.initialized;
    this.ewmaMean = state.ewma.mean;
    this.ewmaVariance = state.ewma.variance;
    // Novelty state is kept only when its layout matches (same number of seasonal bins); otherwise (or for
    // a version-1 state) novelty learns afresh.
    const novelty = state.novelty ?? null;
    if (novelty !== null && novelty.length === this.s.noveltyWords && novelty.length >= PROFILE) {
      w.values.set(novelty, w.extraBase);
    }
  }

  /** Validates the point, decides lateness and, for time windows, evicts what the new time pushes out. */
  private prepare(timestampMs: number, x: number): boolean {
    if (!Number.isFinite(timestampMs) || !Number.isFinite(x)) {
      throw new VigilError(
        'VIGIL_ERR_STREAMS_INVALID_POINT',
        `Series detector points need a finite time and value, got (${timestampMs}, ${x}); drop or dead-letter the point upstream.`,
      );
    }
    if (!this.hasNewest) return false;
    if (timestampMs < this.newestMs - this.s.lateness) return true;
    if (this.s.isTime && timestampMs > this.newestMs)
      this.window.evictBefore(timestampMs - this.s.durationMs);
    return false;
  }

  /**
   * Fills OUT with baseline, statistics and scores for `x` at `t`; returns the point's score: the novelty
   * score once novelty has learned, else the quorum score.
   */
  private evaluate(t: number, x: number): number {
    const quorumScore = this.evaluateDetectors(x);
    OUT[QUORUM_SCORE] = quorumScore;
    OUT[NOVELTY_ACTIVE] = 0;
    const nov = this.s.novelty;
    if (nov === null) return quorumScore;
    const w = this.window;
    const bin = seasonalBin(t, nov);
    this.bin = bin;
    if ((w.values[w.extraBase] as number) < nov.learningPoints) return quorumScore;
    OUT[NOVELTY_ACTIVE] = 1;
    return noveltyScore(w.values, w.extraBase, bin, x, nov, NOVELTY_STATS);
  }

  /** Fills OUT with baseline, statistics and scores for `x`; returns the quorum score. */
  private evaluateDetectors(x: number): number {
    const w = this.window;
    const n = w.size;
    const ewma = this.ewmaInitialized ? this.ewmaMean : 0;
    OUT[COUNT] = n;
    OUT[EWMA] = ewma;
    if (n === 0) {
      OUT.fill(0, MEAN, EWMA);
      OUT.fill(0, STAT);
      return 0;
    }
    OUT[PREFETCH] = w.prefetch(); // pull this series' state into cache in parallel (see RollingWindow.prefetch)
    const tree = w.tree;
    const mean = w.moments.mean;
    quartiles(tree, QUARTILES, 0);
    const q1 = QUARTILES[0] as number;
    const median = QUARTILES[1] as number;
    const q3 = QUARTILES[2] as number;
    const floor = scaleFloor(median, this.s.floorRelative, this.s.floorAbsolute);
    let std = Math.sqrt(w.moments.sampleVariance());
    // Cancellation guard: a constant window must report exactly 0, not Welford residue. Residue is many
    // orders of magnitude below the values, so only then pay two selects to check min = max.
    if (std > 0 && std <= 1e-7 * (mean < 0 ? -mean : mean) + floor && tree.select(0) === tree.select(n - 1)) {
      std = 0;
    }
    const iqr = q3 - q1;
    const enabled = this.s.enabled;
    const mad = medianAbsoluteDeviation(tree, median, this);
    OUT[MEAN] = mean;
    OUT[STD] = std;
    OUT[MEDIAN] = median;
    OUT[MAD] = mad;
    OUT[Q1] = q1;
    OUT[Q3] = q3;

    const dMean = x > mean ? x - mean : mean - x;
    const dMedian = x > median ? x - median : median - x;
    OUT[STAT] = dMean / Math.max(std, floor);
    OUT[STAT + 1] = dMedian / robustSigma(mad, iqr, std, floor);
    const outside = x > q3 ? x - q3 : x < q1 ? q1 - x : 0;
    OUT[STAT + 2] = outside / fenceScale(iqr, std, floor);
    if (this.ewmaInitialized) {
      const es = Math.sqrt(this.ewmaVariance);
      const ef = scaleFloor(ewma, this.s.floorRelative, this.s.floorAbsolute);
      OUT[STAT + 3] = (x > ewma ? x - ewma : ewma - x) / Math.max(es, ef);
    } else {
      OUT[STAT + 3] = 0;
    }
    let k = 0;
    for (let d = 0; d < 4; d++) {
      const s = scoreFromStatistic(OUT[STAT + d] as number, this.s.thresholds[d] as number);
      OUT[SCORE + d] = s;
      if (enabled[d]) ENABLED_SCORES[k++] = s;
    }
    return kthLargest(ENABLED_SCORES, k, this.s.quorum);
  }

  /** Adds an on-time point to the window and the EWMA. */
  private accept(timestampMs: number, x: number): void {
    if (!this.hasNewest || timestampMs > this.newestMs) {
      this.hasNewest = true;
      this.newestMs = timestampMs;
    }
    // A point already outside a time window on arrival (possible when durationMs < allowedLatenessMs) is
    // scored but changes nothing.
    if (this.s.isTime && timestampMs <= this.newestMs - this.s.durationMs) return;
    this.window.push(timestampMs, x);
    const nov = this.s.novelty;
    if (nov !== null) noveltyAccept(this.window.values, this.window.extraBase, this.bin, x, nov);
    if (!this.ewmaInitialized) {
      this.ewmaInitialized = true;
      this.ewmaMean = x;
      this.ewmaVariance = 0;
    } else {
      const diff = x - this.ewmaMean;
      const incr = this.s.alpha * diff;
      this.ewmaMean += incr;
      this.ewmaVariance = (1 - this.s.alpha) * (this.ewmaVariance + diff * incr);
    }
  }
}

/**
 * Creates a detector for one series, empty or continuing from `state` (as returned by `snapshot()` or
 * `deserializeSeriesState`). The config is read once; validate it upstream.
 *
 * Restoring rebuilds the order statistics in O(w log w). With the same config the restored detector's
 * evaluations are bit-identical to the original's from then on; if only the window capacity changed, the
 * newest points that fit are kept. A count/time kind mismatch throws `VIGIL_ERR_STREAMS_STATE_MISMATCH`;
 * an invalid state throws `VIGIL_ERR_STREAMS_STATE_CORRUPT`.
 *
 * @example
 * const d = createSeriesDetector(DEFAULT_DETECTOR_CONFIG);
 * const e = d.update(Date.parse('2026-01-01T00:00:00Z'), 42);
 * if (e.anomalous) publish(e);
 */
export function createSeriesDetector(config: DetectorConfig, state?: SeriesDetectorState): SeriesDetector {
  const detector = new RollingSeriesDetector(config);
  if (state !== undefined) detector.restore(state);
  return detector;
}
