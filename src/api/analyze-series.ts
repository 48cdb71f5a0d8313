import { buildAnomalyEvent } from '../agents/detect/anomaly-event-builder.js';
import type { AnomalyEvent } from '../model/anomaly-event.js';
import { createSeriesDetector, type DetectorConfig } from '../streams/index.js';

/** One posted point with the detectors' verdict on it. */
export interface ScoredPoint {
  readonly timestampMs: number;
  readonly value: number;
  /** Score in [0, 1] (see `PointEvaluation.score`). */
  readonly score: number;
  readonly anomalous: boolean;
  /** False until the window holds `warmupPoints` points. */
  readonly warm: boolean;
  /** Older than the newest event time by more than `allowedLatenessMs`: scored, not added to the window. */
  readonly late: boolean;
}

/** What the detectors made of a posted series. */
export interface SeriesAnalysis {
  /** In the posted order. */
  readonly points: readonly ScoredPoint[];
  /** The anomaly events the detect stage would publish for these points, in the posted order. */
  readonly anomalies: readonly AnomalyEvent[];
}

/**
 * Runs `points`, in the posted order, through a fresh detector of `series` with `detectors`: the same
 * detector and the same anomaly events (same deterministic ids for the same `configId`) as the detect
 * stage, but synchronously and with no state kept. Pure.
 */
export function analyzeSeries(input: {
  readonly series: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly points: ReadonlyArray<{ readonly timestampMs: number; readonly value: number }>;
  readonly detectors: DetectorConfig;
  readonly configId: string;
}): SeriesAnalysis {
  const detector = createSeriesDetector(input.detectors);
  const points: ScoredPoint[] = [];
  const anomalies: AnomalyEvent[] = [];
  for (const { timestampMs, value } of input.points) {
    const evaluation = detector.update(timestampMs, value);
    points.push({
      timestampMs,
      value: evaluation.value,
      score: evaluation.score,
      anomalous: evaluation.anomalous,
      warm: evaluation.warm,
      late: evaluation.late,
    });
    if (evaluation.anomalous) {
      anomalies.push(
        buildAnomalyEvent(
          { series: input.series, timestampMs, value, labels: input.labels },
          evaluation,
          input.configId,
        ),
      );
    }
  }
  return { points, anomalies };
}
