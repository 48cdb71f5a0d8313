import {
  createSeriesDetector,
  type DetectorConfig,
  type PointEvaluation,
  type SeriesDetector,
} from '../streams/index.js';

/**
 * NAB's per-row `anomaly_score` from a detector evaluation: the combined score once the detector is warm,
 * 0 while it warms up. (Rows in NAB's probationary period are still fed to the detector, so its window
 * fills, but the scorer ignores them.)
 */
export function anomalyScore(evaluation: PointEvaluation): number {
  return evaluation.warm ? evaluation.score : 0;
}

/** The rows of one series as the backtest saw them, with the anomaly score of each. */
export interface ScoredSeries {
  readonly series: string;
  readonly timestampsMs: number[];
  readonly values: number[];
  readonly scores: number[];
}

/**
 * Runs one fresh detector per series over points pushed in time order (one pass, no look-ahead) and keeps
 * each row with its anomaly score. Both backtest sources (files and Kafka) push through this class, so
 * they run exactly the same detector code.
 */
export class SeriesScorer {
  private readonly detectors = new Map<string, SeriesDetector>();
  private readonly rows = new Map<string, ScoredSeries>();

  constructor(private readonly config: DetectorConfig) {}

  /** Scores the next point of `series` and returns its anomaly score. */
  push(series: string, timestampMs: number, value: number): number {
    let detector = this.detectors.get(series);
    let rows = this.rows.get(series);
    if (!detector || !rows) {
      detector = createSeriesDetector(this.config);
      rows = { series, timestampsMs: [], values: [], scores: [] };
      this.detectors.set(series, detector);
      this.rows.set(series, rows);
    }
    const score = anomalyScore(detector.update(timestampMs, value));
    rows.timestampsMs.push(timestampMs);
    rows.values.push(value);
    rows.scores.push(score);
    return score;
  }

  /** Rows pushed so far for `series`, or undefined when none. */
  get(series: string): ScoredSeries | undefined {
    return this.rows.get(series);
  }

  /** Number of points pushed over all series. */
  get points(): number {
    let n = 0;
    for (const r of this.rows.values()) n += r.scores.length;
    return n;
  }
}
