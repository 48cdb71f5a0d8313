import type { Incident } from '../../../src/memory/incident.js';
import type { AnomalyEvent, DetectorReading } from '../../../src/model/anomaly-event.js';

const ALL_DETECTORS = ['zscore', 'robust_z', 'iqr', 'ewma'];

/** An anomaly event as the detect stage would publish it. */
export function anomaly(
  over: Partial<AnomalyEvent> & { fired?: readonly string[]; median?: number; mad?: number } = {},
): AnomalyEvent {
  const fired = over.fired ?? ['zscore', 'robust_z', 'iqr'];
  const median = over.median ?? 100;
  const mad = over.mad ?? 5;
  const detectors: DetectorReading[] = ALL_DETECTORS.map((detector) => ({
    detector,
    statistic: fired.includes(detector) ? 9 : 1,
    threshold: 3,
    score: fired.includes(detector) ? 0.95 : 0.2,
    fired: fired.includes(detector),
  }));
  return {
    id: over.id ?? 'a1',
    series: over.series ?? 'checkout.latency_p99_ms{host=checkout-0}',
    timestampMs: over.timestampMs ?? Date.UTC(2026, 0, 1),
    value: over.value ?? 500,
    direction: over.direction ?? 'up',
    score: 0.9,
    severity: 'critical',
    detectors,
    baseline: {
      count: 128,
      mean: median,
      std: mad * 1.5,
      median,
      mad,
      q1: median - mad,
      q3: median + mad,
      ewma: median,
    },
    labels: over.labels ?? {
      service: 'checkout',
      metric: 'latency_p99_ms',
      host: 'checkout-0',
      region: 'eu-west-1',
    },
    configId: 'cfg',
  };
}

/**
 * A new anomaly resembling a past incident: same service, metric and direction, a value `factor` times
 * the incident's, another host and a slightly different baseline.
 */
export function anomalyLike(incident: Incident, id: string, factor = 1.1): AnomalyEvent {
  const s = incident.signature;
  const service = s.labels.service!;
  const metric = s.labels.metric!;
  return anomaly({
    id,
    series: `${service}.${metric}{host=${service}-7}`,
    labels: { service, metric, host: `${service}-7`, region: s.labels.region ?? 'eu-west-1' },
    direction: s.direction,
    value: s.value * factor,
    median: s.baselineMedian * 1.05,
    mad: s.baselineMad * 1.1,
    fired: s.detectorsFired,
  });
}
