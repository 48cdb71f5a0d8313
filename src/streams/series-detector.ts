import { VigilError } from '../errors.js';
import type { Direction } from '../model/anomaly-event.js';
import { type DetectorConfig, windowCapacity } from './detector-config.js';
import {
  type NoveltyParams,
  noveltyAccept,
  noveltyInto,
  noveltyParams,
  noveltyWords,
  PROFILE,
  seasonalBin,
} from './novelty-score.js';
import { EvaluationRecord, type PointEvaluation } from './point-evaluation.js';
import { fenceScale, robustSigma, scaleFloor } from './robust-scale.js';
import { M_COUNT, M_M2, M_MEAN, M_PEAK, M_REMOVALS, momentsRecompute } from './rolling-moments.js';
import { RollingWindow } from './rolling-window.js';
import { kthLargest, scoreFromStatistic } from './score-mapping.js';
import { assertSeriesState, SERIES_STATE_VERSION, type SeriesDetectorState } from './series-state.js';
import { madInto, quartiles } from './window-quantiles.js';

export type { PointEvaluation } from './point-evaluation.js';

/**
 * Online anomaly detector for one time series. Pure and deterministic: no clock, no randomness, no I/O.
 *
 * Per point: O(log w) worst case for the window update and the quartiles, O(log w) for the MAD when its
 * search hint is close (the common case) and O(log² w) at worst, amortised O(1) for the moments (w = window
 * size; see docs/adr/0002-order-statistics.md).
 * `update` allocates the returned evaluation (one object and one array of numbers; the `readings` and
 * `baseline` objects are built when first read); `updateScore` performs the same state transition without
 * allocating.
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
// The per-point methods (update, updateScore, prepare, evaluate, evaluateDetectors, accept) write these
// indices, the scalar offsets below and the moment offsets as commented literals, e.g. `OUT[3 /* MEDIAN */]`:
// V8 does not constant-fold module-level constants, and a named index costs a load and a check per use.
if (
  MEDIAN !== 3 ||
  STAT !== 8 ||
  SCORE !== 12 ||
  PREFETCH !== 16 ||
  QUORUM_SCORE !== 17 ||
  NOVELTY_ACTIVE !== 18
) {
  throw new Error('series-detector: update the literal indices in the per-point methods');
}
if (COUNT !== 0 || MEAN !== 1 || STD !== 2 || MAD !== 4 || Q1 !== 5 || Q3 !== 6 || EWMA !== 7) {
  throw new Error('series-detector: update the literal indices in the per-point methods');
}
if (M_COUNT !== 0 || M_MEAN !== 1 || M_M2 !== 2) {
  throw new Error('series-detector: update the literal moment offsets in the per-point methods');
}
const ENABLED_SCORES = new Float64Array(4);
const QUARTILES = new Float64Array(3);
/** Median in, MAD out (see madInto). */
const MAD_IO = new Float64Array(2);
/** Novelty statistics of the last point (range, long z, level, seasonal) and the novelty score. */
const NOVELTY_OUT = new Float64Array(5);

// The detector's own scalars, in its window buffer after the moments (see RollingWindow.extraBase); the
// novelty words follow them. Kept there rather than in fields: a double field is a separate heap box, and
// with thousands of series every box is one more cache miss per point.
const NEWEST_MS = 0;
const EWMA_MEAN = 1;
const EWMA_VARIANCE = 2;
const SCALARS = 3;
if (NEWEST_MS !== 0 || EWMA_MEAN !== 1 || EWMA_VARIANCE !== 2) {
  throw new Error('series-detector: update the literal scalar offsets in the per-point methods');
}

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
  /** All four detectors on and quorum exactly 2 (the defaults): the quorum score is the second largest. */
  readonly allFourQuorumTwo: boolean;
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
    this.allFourQuorumTwo = this.enabledList.length === 4 && this.quorum === 2;
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

class RollingSeriesDetector extends RollingWindow implements SeriesDetector {
  private readonly s: DetectorSettings;
  /** Offset of the detector scalars (NEWEST_MS …) in the window buffer. */
  private readonly scalars: number;
  /** Offset of the novelty words in the window buffer. */
  private readonly nov: number;
  private hasNewest = false;
  private ewmaInitialized = false;
  /**
   * Where the previous MAD search ended (the detector is its own {@link MadSearchHint}: one object less
   * to miss in cache); speeds up the next search, never changes a result.
   */
  split = -1;
  /** Seasonal bin of the point being processed (set by evaluate, read by accept). */
  private bin = 0;

  /**
   * The detector is its own rolling window (and order-statistic tree): one object per series, whose
   * buffer also holds the moments, the detector scalars and the novelty state.
   */
  constructor(settings: DetectorSettings) {
    super(settings.capacity, settings.isTime, SCALARS + settings.noveltyWords);
    this.s = settings;
    this.scalars = this.extraBase;
    this.nov = this.extraBase + SCALARS;
  }

  update(timestampMs: number, value: number): PointEvaluation {
    // Pull this series' state into cache first, so the first stall overlaps all the others (see prefetch).
    OUT[16 /* PREFETCH */] = this.prefetch();
    const x = value === 0 ? 0 : value;
    const late = this.prepare(timestampMs, x);
    const n = this.size;
    const score = this.evaluate(timestampMs, x);
    const warm = n >= this.s.warmup;
    const median = OUT[3 /* MEDIAN */] as number;
    const mean = OUT[1 /* MEAN */] as number;
    const direction: Direction = x < median || (x === median && x < mean) ? 'down' : 'up';
    const details = [
      n,
      mean,
      OUT[2 /* STD */] as number,
      median,
      OUT[4 /* MAD */] as number,
      OUT[5 /* Q1 */] as number,
      OUT[6 /* Q3 */] as number,
      OUT[7 /* EWMA */] as number,
      OUT[8 /* STAT */] as number,
      OUT[8 /* STAT */ + 1] as number,
      OUT[8 /* STAT */ + 2] as number,
      OUT[8 /* STAT */ + 3] as number,
    ];
    const anomalous =
      warm &&
      (OUT[17 /* QUORUM_SCORE */] as number) >= this.s.combineThreshold &&
      (OUT[18 /* NOVELTY_ACTIVE */] === 0 || score >= this.s.noveltyThreshold);
    if (!late) this.accept(timestampMs, x);
    return new EvaluationRecord(timestampMs, x, warm, late, score, anomalous, direction, details, this.s);
  }

  updateScore(timestampMs: number, value: number): number {
    OUT[16 /* PREFETCH */] = this.prefetch();
    const x = value === 0 ? 0 : value;
    const late = this.prepare(timestampMs, x);
    const warm = this.size >= this.s.warmup;
    const score = this.evaluate(timestampMs, x);
    if (!late) this.accept(timestampMs, x);
    return warm ? score : 0;
  }

  snapshot(): SeriesDetectorState {
    const n = this.size;
    const f = this.values;
    const values = new Array<number>(n);
    for (let i = 0; i < n; i++) values[i] = this.valueAt(i);
    let timesMs: number[] | null = null;
    if (this.s.isTime) {
      timesMs = new Array<number>(n);
      for (let i = 0; i < n; i++) timesMs[i] = this.timeAt(i);
    }
    let novelty: number[] | null = null;
    if (this.s.noveltyWords > 0) novelty = Array.from(f.subarray(this.nov, this.nov + this.s.noveltyWords));
    const m = this.momentsBase;
    return {
      version: SERIES_STATE_VERSION,
      window: { kind: this.s.isTime ? 'time' : 'count', capacity: this.capacity },
      values,
      timesMs,
      newestMs: this.hasNewest ? (f[this.scalars + NEWEST_MS] as number) : null,
      ewma: {
        initialized: this.ewmaInitialized,
        mean: f[this.scalars + EWMA_MEAN] as number,
        variance: f[this.scalars + EWMA_VARIANCE] as number,
      },
      moments: {
        mean: f[m + M_MEAN] as number,
        m2: f[m + M_M2] as number,
        m2Peak: f[m + M_PEAK] as number,
        removalsSinceRecompute: f[m + M_REMOVALS] as number,
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
    const n = state.values.length;
    const from = n > this.capacity ? n - this.capacity : 0;
    for (let i = from; i < n; i++) {
      const v = state.values[i] as number;
      this.push(state.timesMs?.[i] ?? 0, v === 0 ? 0 : v); // as update() does: −0 never enters the window
    }
    const f = this.values;
    const m = this.momentsBase;
    if (from === 0 && state.window.capacity === this.capacity) {
      f[m + M_MEAN] = state.moments.mean;
      f[m + M_M2] = state.moments.m2;
      f[m + M_PEAK] = state.moments.m2Peak;
      f[m + M_REMOVALS] = state.moments.removalsSinceRecompute;
    } else {
      // A resized window cannot continue bit-identically anyway: start from exact moments.
      momentsRecompute(f, m, f, 0, this.size, this.capacity);
    }
    this.hasNewest = state.newestMs !== null;
    f[this.scalars + NEWEST_MS] = state.newestMs ?? 0;
    this.ewmaInitialized = state.ewma.initialized;
    f[this.scalars + EWMA_MEAN] = state.ewma.mean;
    f[this.scalars + EWMA_VARIANCE] = state.ewma.variance;
    // Novelty state is kept only when its layout matches (same number of seasonal bins); otherwise (or for
    // a version-1 state) novelty learns afresh.
    const novelty = state.novelty ?? null;
    if (novelty !== null && novelty.length === this.s.noveltyWords && novelty.length >= PROFILE) {
      f.set(novelty, this.nov);
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
    const newestMs = this.values[this.scalars + 0 /* NEWEST_MS */] as number;
    if (timestampMs < newestMs - this.s.lateness) return true;
    if (this.s.isTime && timestampMs > newestMs) this.evictBefore(timestampMs - this.s.durationMs);
    return false;
  }

  /**
   * Fills OUT with baseline, statistics and scores for `x` at `t`; returns the point's score: the novelty
   * score once novelty has learned, else the quorum score.
   */
  private evaluate(t: number, x: number): number {
    this.evaluateDetectors(x);
    const quorumScore = OUT[17 /* QUORUM_SCORE */] as number;
    OUT[18 /* NOVELTY_ACTIVE */] = 0;
    const nov = this.s.novelty;
    if (nov === null) return quorumScore;
    const bin = seasonalBin(t, nov);
    this.bin = bin;
    if ((this.values[this.nov] as number) < nov.learningPoints) return quorumScore;
    OUT[18 /* NOVELTY_ACTIVE */] = 1;
    noveltyInto(this.values, this.nov, bin, x, nov, NOVELTY_OUT);
    return NOVELTY_OUT[4] as number;
  }

  /**
   * Fills OUT with baseline, statistics, scores and the quorum score for `x`. (Returns nothing: a double
   * returned from a call that is not inlined is boxed, i.e. allocated.)
   */
  private evaluateDetectors(x: number): void {
    const n = this.size;
    const f = this.values;
    const ewma = this.ewmaInitialized ? (f[this.scalars + 1 /* EWMA_MEAN */] as number) : 0;
    OUT[0 /* COUNT */] = n;
    OUT[7 /* EWMA */] = ewma;
    if (n === 0) {
      OUT.fill(0, 1 /* MEAN */, 7 /* EWMA */);
      OUT.fill(0, 8 /* STAT */);
      return;
    }
    const tree = this.tree;
    const mean = f[this.momentsBase + 1 /* M_MEAN */] as number;
    quartiles(tree, QUARTILES, 0);
    const q1 = QUARTILES[0] as number;
    const median = QUARTILES[1] as number;
    const q3 = QUARTILES[2] as number;
    const floor = scaleFloor(median, this.s.floorRelative, this.s.floorAbsolute);
    // The sample variance as momentsSampleVariance computes it, inline (its double result is not boxed).
    const count = f[this.momentsBase + 0 /* M_COUNT */] as number;
    let std = Math.sqrt(count < 2 ? 0 : (f[this.momentsBase + 2 /* M_M2 */] as number) / (count - 1));
    // Cancellation guard: a constant window must report exactly 0, not Welford residue. Residue is many
    // orders of magnitude below the values, so only then pay two selects to check min = max.
    if (std > 0 && std <= 1e-7 * (mean < 0 ? -mean : mean) + floor && tree.select(0) === tree.select(n - 1)) {
      std = 0;
    }
    const iqr = q3 - q1;
    const enabled = this.s.enabled;
    MAD_IO[0] = median;
    madInto(tree, MAD_IO, this);
    const mad = MAD_IO[1] as number;
    OUT[1 /* MEAN */] = mean;
    OUT[2 /* STD */] = std;
    OUT[3 /* MEDIAN */] = median;
    OUT[4 /* MAD */] = mad;
    OUT[5 /* Q1 */] = q1;
    OUT[6 /* Q3 */] = q3;

    const dMean = x > mean ? x - mean : mean - x;
    const dMedian = x > median ? x - median : median - x;
    OUT[8 /* STAT */] = dMean / Math.max(std, floor);
    OUT[8 /* STAT */ + 1] = dMedian / robustSigma(mad, iqr, std, floor);
    const outside = x > q3 ? x - q3 : x < q1 ? q1 - x : 0;
    OUT[8 /* STAT */ + 2] = outside / fenceScale(iqr, std, floor);
    if (this.ewmaInitialized) {
      const es = Math.sqrt(f[this.scalars + 2 /* EWMA_VARIANCE */] as number);
      const ef = scaleFloor(ewma, this.s.floorRelative, this.s.floorAbsolute);
      OUT[8 /* STAT */ + 3] = (x > ewma ? x - ewma : ewma - x) / Math.max(es, ef);
    } else {
      OUT[8 /* STAT */ + 3] = 0;
    }
    const t = this.s.thresholds;
    // One call site in a loop (four call sites would not all be inlined, and a call that is not returns
    // a boxed double).
    for (let d = 0; d < 4; d++)
      OUT[12 /* SCORE */ + d] = scoreFromStatistic(OUT[8 /* STAT */ + d] as number, t[d] as number);
    const s0 = OUT[12 /* SCORE */] as number;
    const s1 = OUT[12 /* SCORE */ + 1] as number;
    const s2 = OUT[12 /* SCORE */ + 2] as number;
    const s3 = OUT[12 /* SCORE */ + 3] as number;
    if (this.s.allFourQuorumTwo) {
      // The second largest of the four (scores are never NaN), as kthLargest would select it.
      let a = s0;
      let b = s1;
      if (b > a) {
        a = s1;
        b = s0;
      }
      if (s2 > a) {
        b = a;
        a = s2;
      } else if (s2 > b) b = s2;
      if (s3 > a) b = a;
      else if (s3 > b) b = s3;
      OUT[17 /* QUORUM_SCORE */] = b;
      return;
    }
    let k = 0;
    if (enabled[0]) ENABLED_SCORES[k++] = s0;
    if (enabled[1]) ENABLED_SCORES[k++] = s1;
    if (enabled[2]) ENABLED_SCORES[k++] = s2;
    if (enabled[3]) ENABLED_SCORES[k++] = s3;
    OUT[17 /* QUORUM_SCORE */] = kthLargest(ENABLED_SCORES, k, this.s.quorum);
  }

  /** Adds an on-time point to the window and the EWMA. */
  private accept(timestampMs: number, x: number): void {
    const f = this.values;
    const at = this.scalars;
    if (!this.hasNewest || timestampMs > (f[at + 0 /* NEWEST_MS */] as number)) {
      this.hasNewest = true;
      f[at + 0 /* NEWEST_MS */] = timestampMs;
    }
    // A point already outside a time window on arrival (possible when durationMs < allowedLatenessMs) is
    // scored but changes nothing.
    if (this.s.isTime && timestampMs <= (f[at + 0 /* NEWEST_MS */] as number) - this.s.durationMs) return;
    this.push(timestampMs, x);
    const nov = this.s.novelty;
    if (nov !== null) noveltyAccept(f, this.nov, this.bin, x, nov);
    if (!this.ewmaInitialized) {
      this.ewmaInitialized = true;
      f[at + 1 /* EWMA_MEAN */] = x;
      f[at + 2 /* EWMA_VARIANCE */] = 0;
    } else {
      const mean = f[at + 1 /* EWMA_MEAN */] as number;
      const diff = x - mean;
      const incr = this.s.alpha * diff;
      f[at + 1 /* EWMA_MEAN */] = mean + incr;
      f[at + 2 /* EWMA_VARIANCE */] =
        (1 - this.s.alpha) * ((f[at + 2 /* EWMA_VARIANCE */] as number) + diff * incr);
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
  const detector = new RollingSeriesDetector(settingsFor(config));
  if (state !== undefined) detector.restore(state);
  return detector;
}
