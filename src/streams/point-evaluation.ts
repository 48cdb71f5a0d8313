import type { DetectorReading, Direction, WindowBaseline } from '../model/anomaly-event.js';
import { scoreFromStatistic } from './score-mapping.js';

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

/** What building the readings needs from the detector settings (shared, never mutated). */
export interface ReadingSettings {
  /** Thresholds of zscore, robust_z, iqr (k), ewma. */
  readonly thresholds: readonly [number, number, number, number];
  /** Indices (0 zscore, 1 robust_z, 2 iqr, 3 ewma) of the enabled detectors, ascending. */
  readonly enabledList: readonly number[];
}

/** Offsets in {@link EvaluationRecord.details}. */
export const E_COUNT = 0;
export const E_MEAN = 1;
export const E_STD = 2;
export const E_MEDIAN = 3;
export const E_MAD = 4;
export const E_Q1 = 5;
export const E_Q3 = 6;
export const E_EWMA = 7;
/** 8 … 11: the statistics of zscore, robust_z, iqr, ewma. */
export const E_STAT = 8;

const NAMES = ['zscore', 'robust_z', 'iqr', 'ewma'] as const;

/**
 * A {@link PointEvaluation} that keeps the baseline and the detector statistics as one array of numbers
 * and builds the `readings` and `baseline` objects on first access (then returns the same objects). Most
 * points are not anomalous and nobody reads their readings, so `update` allocates this object and one
 * number array instead of seven objects. Every value is the one computed at evaluation time: each reading's
 * `score` is `scoreFromStatistic(statistic, threshold)` and `fired` is `statistic > threshold`, exactly as
 * the detector computes them. `JSON.stringify` gives the same text as a plain object with these nine
 * properties in the interface's order; note that an object spread (`{...e}`) does not copy the two lazy
 * properties.
 */
export class EvaluationRecord implements PointEvaluation {
  // Declared, not initialised as class fields: the constructor assigns every property once, in one order
  // (class-field initialisers would first define each one as undefined, a measurable cost per point).
  declare readonly timestampMs: number;
  declare readonly value: number;
  declare readonly warm: boolean;
  declare readonly late: boolean;
  declare readonly score: number;
  declare readonly anomalous: boolean;
  declare readonly direction: Direction;
  declare private readonly details: readonly number[];
  declare private readonly settings: ReadingSettings;
  declare private readingsCache: DetectorReading[] | null;
  declare private baselineCache: WindowBaseline | null;

  /** @param details baseline and statistics at the `E_*` offsets (12 numbers), owned by the record. */
  constructor(
    timestampMs: number,
    value: number,
    warm: boolean,
    late: boolean,
    score: number,
    anomalous: boolean,
    direction: Direction,
    details: readonly number[],
    settings: ReadingSettings,
  ) {
    this.timestampMs = timestampMs;
    this.value = value;
    this.warm = warm;
    this.late = late;
    this.score = score;
    this.anomalous = anomalous;
    this.direction = direction;
    this.details = details;
    this.settings = settings;
    this.readingsCache = null;
    this.baselineCache = null;
  }

  get readings(): readonly DetectorReading[] {
    if (this.readingsCache === null) this.readingsCache = this.buildReadings();
    return this.readingsCache;
  }

  get baseline(): WindowBaseline {
    if (this.baselineCache === null) {
      const d = this.details;
      this.baselineCache = {
        count: d[E_COUNT] as number,
        mean: d[E_MEAN] as number,
        std: d[E_STD] as number,
        median: d[E_MEDIAN] as number,
        mad: d[E_MAD] as number,
        q1: d[E_Q1] as number,
        q3: d[E_Q3] as number,
        ewma: d[E_EWMA] as number,
      };
    }
    return this.baselineCache;
  }

  /** The plain form, with the properties of {@link PointEvaluation} in its order. */
  toJSON(): PointEvaluation {
    return {
      timestampMs: this.timestampMs,
      value: this.value,
      warm: this.warm,
      late: this.late,
      score: this.score,
      anomalous: this.anomalous,
      direction: this.direction,
      readings: this.readings,
      baseline: this.baseline,
    };
  }

  private buildReadings(): DetectorReading[] {
    const on = this.settings.enabledList;
    const out: DetectorReading[] = [];
    for (let i = 0; i < on.length; i++) out.push(this.reading(on[i] as number));
    return out;
  }

  private reading(d: number): DetectorReading {
    const statistic = this.details[E_STAT + d] as number;
    const threshold = this.settings.thresholds[d] as number;
    return {
      detector: NAMES[d] as string,
      statistic,
      threshold,
      score: scoreFromStatistic(statistic, threshold),
      fired: statistic > threshold,
    };
  }
}
