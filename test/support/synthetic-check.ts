import type { AnomalyEvent } from '../../src/model/anomaly-event.js';
import type { InjectedIncident } from '../../src/synthetic/synthetic-metrics.js';

/** How anomalies found compare with what was injected. */
export interface DetectionCheck {
  /** Injected incidents with no anomaly on their series at or shortly after their start. */
  readonly missed: InjectedIncident[];
  /** Anomalies on series that had no incident. */
  readonly onCleanSeries: AnomalyEvent[];
  /** Anomaly ids seen more than once. */
  readonly duplicateIds: string[];
}

/**
 * Compares anomalies with injected incidents: an incident counts as found when an anomaly on its series
 * has the incident's event time or one up to `toleranceMs` later.
 */
export function checkDetections(
  anomalies: readonly AnomalyEvent[],
  incidents: readonly InjectedIncident[],
  toleranceMs: number,
): DetectionCheck {
  const ids = new Map<string, number>();
  for (const a of anomalies) ids.set(a.id, (ids.get(a.id) ?? 0) + 1);
  const dirty = new Set(incidents.map((i) => i.series));
  return {
    missed: incidents.filter(
      (i) =>
        !anomalies.some(
          (a) =>
            a.series === i.series &&
            a.timestampMs >= i.timestampMs &&
            a.timestampMs <= i.timestampMs + toleranceMs,
        ),
    ),
    onCleanSeries: anomalies.filter((a) => !dirty.has(a.series)),
    duplicateIds: [...ids].filter(([, n]) => n > 1).map(([id]) => id),
  };
}
