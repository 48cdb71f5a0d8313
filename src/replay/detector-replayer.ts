import { createDetectHandler } from '../agents/detect/detect-handler.js';
import type { KeyedState, StageContext } from '../consumers/stage.js';
import type { AnomalyEvent } from '../model/anomaly-event.js';
import type { MetricPoint } from '../model/metric-point.js';
import type { DetectorConfig, SeriesDetector } from '../streams/index.js';

/** Event-time bounds of the anomalies a replay reports: `[fromMs, toMs)`, either side open when absent. */
export interface EventTimeRange {
  readonly fromMs?: number;
  readonly toMs?: number;
}

/** Counts of a replay. */
export interface ReplaySummary {
  points: number;
  anomalies: number;
  /** Anomalies found outside the event-time range (used as warm-up only). */
  outsideRange: number;
}

/**
 * Runs the detect stage's own handler over points in order, with private in-memory state: the same code
 * the live stage runs, so a replay of the same points gives the same anomalies (same deterministic ids).
 * Points before the range warm the windows up; only anomalies inside the range are reported.
 */
export class DetectorReplayer {
  readonly summary: ReplaySummary = { points: 0, anomalies: 0, outsideRange: 0 };
  private readonly detectors = new Map<string, SeriesDetector>();
  private readonly found: AnomalyEvent[] = [];
  private readonly handler;
  private readonly context: StageContext<SeriesDetector>;

  constructor(
    options: { detectors: DetectorConfig; configId: string },
    private readonly range: EventTimeRange = {},
  ) {
    this.handler = createDetectHandler({
      detectors: options.detectors,
      configId: options.configId,
      anomaliesTopic: 'replay',
      onAnomaly: (event) => this.found.push(event),
    });
    const state: KeyedState<SeriesDetector> = {
      get: (key) => this.detectors.get(key),
      set: (key, value) => {
        this.detectors.set(key, value);
      },
      delete: (key) => {
        this.detectors.delete(key);
      },
    };
    this.context = { topic: 'replay', partition: 0, offset: 0, timestampMs: 0, state };
  }

  /** Feeds one point; returns the anomalies it produced inside the range (usually none). */
  push(point: MetricPoint): AnomalyEvent[] {
    this.summary.points++;
    this.found.length = 0;
    void this.handler.process(point, this.context);
    if (this.found.length === 0) return [];
    const inRange = this.found.filter(
      (a) =>
        (this.range.fromMs === undefined || a.timestampMs >= this.range.fromMs) &&
        (this.range.toMs === undefined || a.timestampMs < this.range.toMs),
    );
    this.summary.anomalies += inRange.length;
    this.summary.outsideRange += this.found.length - inRange.length;
    return inRange;
  }

  /** Number of series seen. */
  get seriesCount(): number {
    return this.detectors.size;
  }
}
