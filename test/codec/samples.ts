import type { DeadLetter } from '../../src/codec/index.js';
import type { AnomalyEvent } from '../../src/model/anomaly-event.js';
import type { MetricPoint } from '../../src/model/metric-point.js';

/** Fully populated values of each schema's TS type (object literals: the compiler checks every key). */
export const sampleMetricPoint: MetricPoint = {
  series: 'checkout.latency_p99{host=web-1}',
  timestampMs: 1_700_000_000_123,
  value: 412.5,
  labels: { service: 'checkout', host: 'web-1', region: 'eu-west-1' },
};

export const sampleAnomalyEvent: AnomalyEvent = {
  id: 'anom-7f3a',
  series: 'checkout.latency_p99{host=web-1}',
  timestampMs: 1_700_000_000_123,
  value: 912.25,
  direction: 'up',
  score: 0.93,
  severity: 'critical',
  detectors: [
    { detector: 'zscore', statistic: 6.1, threshold: 3, score: 0.97, fired: true },
    { detector: 'iqr', statistic: 0.4, threshold: 1.5, score: 0.2, fired: false },
  ],
  baseline: { count: 120, mean: 400, std: 50, median: 398, mad: 30, q1: 370, q3: 430, ewma: 405.5 },
  labels: { service: 'checkout' },
  configId: 'cfg-1a2b',
};

export const sampleDeadLetter: DeadLetter = {
  errorClass: 'malformed-json',
  errorCode: 'VIGIL_ERR_CODEC_MALFORMED_JSON',
  message: 'invalid JSON: Unexpected end of JSON input',
  sourceTopic: 'metrics',
  sourcePartition: 3,
  sourceOffset: 9_007_199_254_740_000,
  stage: 'detect',
  failedAtMs: 1_700_000_000_999,
  originalKey: Buffer.from('cpu'),
  originalValue: Buffer.from([0x7b, 0x00, 0xff]),
  originalHeaders: { traceparent: Buffer.from('00-abc-def-01'), bin: Buffer.from([0, 1, 2]) },
};
