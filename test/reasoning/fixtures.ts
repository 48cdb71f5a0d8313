import type { AnomalyEvent, Direction } from '../../src/model/anomaly-event.js';
import type { ContextEvent, SimilarIncident } from '../../src/model/context-event.js';
import type { GroupingOptions } from '../../src/reasoning/incident-grouping.js';

/** 2026-01-01T00:00:00Z */
export const T0 = Date.UTC(2026, 0, 1);
export const MINUTE = 60_000;

export interface AnomalySpec {
  readonly id: string;
  readonly service: string;
  readonly metric: string;
  readonly at: number;
  readonly value: number;
  readonly median: number;
  readonly mad: number;
  readonly direction?: Direction;
  readonly labels?: Record<string, string>;
}

/** An anomaly event like the detect stage emits, on series `<service>.<metric>{host=<service>-1}`. */
export function anomaly(spec: AnomalySpec): AnomalyEvent {
  return {
    id: spec.id,
    series: `${spec.service}.${spec.metric}{host=${spec.service}-1}`,
    timestampMs: spec.at,
    value: spec.value,
    direction: spec.direction ?? (spec.value >= spec.median ? 'up' : 'down'),
    score: 0.9,
    severity: 'high',
    detectors: [{ detector: 'robust_z', statistic: 9, threshold: 3.5, score: 0.9, fired: true }],
    baseline: {
      count: 120,
      mean: spec.median,
      std: spec.mad * 1.5,
      median: spec.median,
      mad: spec.mad,
      q1: spec.median - spec.mad,
      q3: spec.median + spec.mad,
      ewma: spec.median,
    },
    labels: { service: spec.service, metric: spec.metric, host: `${spec.service}-1`, ...spec.labels },
    configId: 'cfg000000000',
  };
}

/** A context event for `spec`, keyed by `correlationKey`. */
export function context(
  spec: AnomalySpec,
  correlationKey = 'shop',
  similar: readonly SimilarIncident[] = [],
): ContextEvent {
  return {
    id: spec.id,
    anomaly: anomaly(spec),
    correlationKey,
    summaryText: `${spec.service} ${spec.metric} anomalous`,
    similar,
    degraded: null,
    embeddingModel: 'all-MiniLM-L6-v2',
  };
}

/** The checkout incident: db connections climb, then checkout latency and errors, within 2 minutes. */
export const CHECKOUT_INCIDENT: readonly AnomalySpec[] = [
  { id: 'a-db-conn', service: 'db', metric: 'connections_active', at: T0, value: 198, median: 60, mad: 9 },
  {
    id: 'a-co-lat',
    service: 'checkout',
    metric: 'latency_p99_ms',
    at: T0 + MINUTE,
    value: 2400,
    median: 310,
    mad: 45,
  },
  {
    id: 'a-co-err',
    service: 'checkout',
    metric: 'error_rate',
    at: T0 + 2 * MINUTE,
    value: 0.09,
    median: 0.004,
    mad: 0.002,
  },
];

export const POOL_MEMORY: SimilarIncident = {
  id: 'inc-2025-311',
  similarity: 0.87,
  summary: 'checkout p99 and errors up, db connections at max',
  rootCause: 'database connection pool exhausted by a leaking batch job',
  resolution: 'killed the batch job, raised pool size',
};

/** Grouping defaults as the stage uses them. */
export function groupingOptions(overrides: Partial<GroupingOptions> = {}): GroupingOptions {
  return {
    windowMs: 10 * MINUTE,
    groupByCorrelationKey: true,
    labelKeys: ['service', 'host'],
    componentLabelKeys: ['service', 'component', 'app'],
    metricLabelKey: 'metric',
    graphLinkHops: 1,
    maxOpenIncidentsPerKey: 16,
    maxAnomaliesPerIncident: 200,
    similarLimit: 5,
    ...overrides,
  };
}
