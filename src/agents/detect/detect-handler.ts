import type { StageHandler, StageOutput } from '../../consumers/stage.js';
import type { AnomalyEvent } from '../../model/anomaly-event.js';
import type { MetricPoint } from '../../model/metric-point.js';
import { createSeriesDetector, type DetectorConfig, type SeriesDetector } from '../../streams/index.js';
import { buildAnomalyEvent } from './anomaly-event-builder.js';

/** Settings of the detect handler. */
export interface DetectHandlerOptions {
  readonly detectors: DetectorConfig;
  /** Fingerprint of `detectors` (see `detectorConfigId`). */
  readonly configId: string;
  readonly anomaliesTopic: string;
  /** Called for every anomaly found (e.g. to print it); must not throw. */
  readonly onAnomaly?: (event: AnomalyEvent) => void;
}

/** Schema name of the events the detect stage writes. */
export const ANOMALY_SCHEMA = 'AnomalyEvent';

/**
 * The detect stage's logic: one online detector per series, kept in the stage's keyed state; each point is
 * scored against its series' window and an anomaly event is emitted, keyed by series, when it is anomalous.
 * Pure apart from the state it is handed.
 */
export function createDetectHandler(
  options: DetectHandlerOptions,
): StageHandler<MetricPoint, SeriesDetector> {
  const { detectors, configId, anomaliesTopic, onAnomaly } = options;
  const none: readonly StageOutput[] = [];
  return {
    process(point, context) {
      let detector = context.state.get(point.series);
      if (!detector) detector = createSeriesDetector(detectors);
      const evaluation = detector.update(point.timestampMs, point.value);
      context.state.set(point.series, detector);
      if (!evaluation.anomalous) return none;
      const event = buildAnomalyEvent(point, evaluation, configId);
      onAnomaly?.(event);
      return [{ topic: anomaliesTopic, key: point.series, schema: ANOMALY_SCHEMA, value: event }];
    },
  };
}
