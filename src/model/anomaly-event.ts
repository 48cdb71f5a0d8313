/** Which side of the baseline an anomalous value lies on. */
export type Direction = 'up' | 'down';

/** Coarse severity derived from the combined score. */
export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** One detector's view of a point: its raw statistic, the threshold it compares to, and whether it fired. */
export interface DetectorReading {
  /** Detector name, e.g. `zscore`, `robust_z`, `iqr`, `ewma`. */
  readonly detector: string;
  /** The detector's statistic for this point (e.g. |z|, or distance beyond the fence in IQR units). */
  readonly statistic: number;
  /** The configured threshold the statistic is compared against. */
  readonly threshold: number;
  /** The detector's score mapped to [0, 1]. */
  readonly score: number;
  /** True when `statistic` exceeded `threshold`. */
  readonly fired: boolean;
}

/** Summary of the rolling window the point was compared against (the values before the point). */
export interface WindowBaseline {
  readonly count: number;
  readonly mean: number;
  readonly std: number;
  readonly median: number;
  readonly mad: number;
  readonly q1: number;
  readonly q3: number;
  /** Exponentially weighted moving average at the time of the point. */
  readonly ewma: number;
}

/**
 * One detected anomaly, as published to the `anomalies` topic.
 *
 * `id` is deterministic: the same series, event time and detector config always give the same id, so
 * consumers can de-duplicate and replays can be compared with live runs.
 */
export interface AnomalyEvent {
  readonly id: string;
  readonly series: string;
  readonly timestampMs: number;
  readonly value: number;
  readonly direction: Direction;
  /** Combined score in [0, 1]. */
  readonly score: number;
  readonly severity: Severity;
  readonly detectors: readonly DetectorReading[];
  readonly baseline: WindowBaseline;
  readonly labels: Readonly<Record<string, string>>;
  /** Fingerprint of the detector settings that produced this event. */
  readonly configId: string;
}
