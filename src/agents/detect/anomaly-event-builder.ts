import { createHash } from 'node:crypto';
import type { AnomalyEvent, Severity } from '../../model/anomaly-event.js';
import type { MetricPoint } from '../../model/metric-point.js';
import type { PointEvaluation } from '../../streams/index.js';

/** Combined-score lower bounds of each severity, highest first. */
export const SEVERITY_BOUNDS: ReadonlyArray<readonly [Severity, number]> = Object.freeze([
  ['critical', 0.9],
  ['high', 0.75],
  ['medium', 0.6],
  ['low', 0],
] as const);

/** Severity of a combined score in [0, 1]. */
export function severityOf(score: number): Severity {
  for (const [severity, bound] of SEVERITY_BOUNDS) if (score >= bound) return severity;
  return 'low';
}

/**
 * Deterministic anomaly id: the same detector settings, series and event time always give the same id
 * (24 hex chars of SHA-256), so consumers can de-duplicate and a replay can be matched with a live run.
 */
export function anomalyId(configId: string, series: string, timestampMs: number): string {
  return createHash('sha256')
    .update(`${configId}\u0000${series}\u0000${timestampMs}`)
    .digest('hex')
    .slice(0, 24);
}

/** The anomaly event for an anomalous evaluation of `point`. */
export function buildAnomalyEvent(
  point: MetricPoint,
  evaluation: PointEvaluation,
  configId: string,
): AnomalyEvent {
  return {
    id: anomalyId(configId, point.series, point.timestampMs),
    series: point.series,
    timestampMs: point.timestampMs,
    value: evaluation.value,
    direction: evaluation.direction,
    score: evaluation.score,
    severity: severityOf(evaluation.score),
    detectors: evaluation.readings,
    baseline: evaluation.baseline,
    labels: point.labels,
    configId,
  };
}
