import type { MetricDecoder } from '../../codec/index.js';
import type { FailurePolicy, StageBinding } from '../../consumers/stage.js';
import type { MetricPoint } from '../../model/metric-point.js';
import {
  createSeriesDetector,
  type DetectorConfig,
  deserializeSeriesState,
  type SeriesDetector,
  serializeSeriesState,
} from '../../streams/index.js';
import { createDetectHandler, type DetectHandlerOptions } from './detect-handler.js';

/** Topic and group wiring of the detect stage. */
export interface DetectBindingOptions extends DetectHandlerOptions {
  readonly groupId: string;
  readonly metricsTopic: string;
  readonly deadLetterTopic: string;
  readonly changelogTopic: string;
  readonly decoder: MetricDecoder;
  readonly failurePolicy: FailurePolicy;
}

/**
 * The detect stage, declared: reads `metrics` (any accepted encoding), keeps one detector per series in a
 * store backed by a compacted changelog, writes `anomalies`, dead-letters bad records to `metrics.dlq`.
 */
export function detectBinding(options: DetectBindingOptions): StageBinding<MetricPoint, SeriesDetector> {
  const { decoder, detectors } = options;
  return {
    name: 'detect',
    groupId: options.groupId,
    inputTopic: options.metricsTopic,
    deadLetterTopic: options.deadLetterTopic,
    async decode(record) {
      const result = await decoder.decode(record.value);
      return result.ok ? { ok: true, value: result.point } : { ok: false, ...result.error };
    },
    stateKey: (point) => point.series,
    handler: createDetectHandler(options),
    store: {
      changelogTopic: options.changelogTopic,
      serialize: (detector) => Buffer.from(serializeSeriesState(detector.snapshot())),
      deserialize: (bytes) => restoreDetector(detectors, bytes),
    },
    failurePolicy: options.failurePolicy,
  };
}

function restoreDetector(detectors: DetectorConfig, bytes: Buffer): SeriesDetector {
  return createSeriesDetector(detectors, deserializeSeriesState(bytes));
}
