import type { Severity } from '../../../src/model/anomaly-event.js';
import type { HypothesisEvent } from '../../../src/model/hypothesis-event.js';

/** What a test varies about a hypothesis event. */
export interface HypothesisFixture {
  readonly incidentId?: string;
  readonly revision?: number;
  readonly severity?: Severity;
  /** Event time of the trigger anomaly (ms). */
  readonly atMs?: number;
  /** Series of the trigger anomaly. */
  readonly anomalySeries?: string;
  readonly series?: readonly string[];
  readonly components?: readonly string[];
  readonly cause?: string;
  readonly component?: string | null;
  readonly labels?: Readonly<Record<string, string>>;
  readonly openedAtMs?: number;
}

/** Start of the fixtures' event time. */
export const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);

/** A complete, valid hypothesis event (Avro-encodable) for incident `incidentId` revision `revision`. */
export function hypothesisEvent(f: HypothesisFixture = {}): HypothesisEvent {
  const incidentId = f.incidentId ?? 'inc-1';
  const revision = f.revision ?? 1;
  const atMs = f.atMs ?? T0 + revision * 60_000;
  const series = f.series ?? ['checkout.db.connections', 'checkout.latency.p99'];
  const anomalySeries = f.anomalySeries ?? series[0]!;
  const components = f.components ?? ['checkout-db'];
  const severity = f.severity ?? 'critical';
  const anomalyId = `an-${incidentId}-${revision}-${atMs}`;
  return {
    id: `${incidentId}:${revision}`,
    incident: {
      id: incidentId,
      correlationKey: components[0] ?? 'checkout',
      openedAtMs: f.openedAtMs ?? T0,
      lastAnomalyAtMs: atMs,
      anomalyIds: [anomalyId],
      series: [...series],
      components: [...components],
      severity,
    },
    revision,
    hypotheses: [
      {
        cause: f.cause ?? 'database connection pool exhausted',
        component: f.component === undefined ? (components[0] ?? null) : f.component,
        confidence: 0.82,
        evidence: ['connections at max', 'latency up'],
        steps: ['check pool size', 'look for long transactions'],
        ruleId: 'db-pool',
      },
      {
        cause: 'slow queries',
        component: components[0] ?? null,
        confidence: 0.4,
        evidence: [],
        steps: [],
        ruleId: 'slow-query',
      },
    ],
    rankedComponents: components.map((c, i) => ({
      component: c,
      score: 1 - i * 0.1,
      onsetMs: T0,
      deviation: 6.5,
      upstreamDepth: i,
    })),
    engine: 'rules',
    fallbackReason: null,
    similar: [
      {
        id: 'past-7',
        similarity: 0.91,
        summary: 'pool exhausted',
        rootCause: 'leak',
        resolution: 'restart pool',
      },
    ],
    trigger: {
      id: anomalyId,
      anomaly: {
        id: anomalyId,
        series: anomalySeries,
        timestampMs: atMs,
        value: 250,
        direction: 'up',
        score: 0.93,
        severity,
        detectors: [{ detector: 'zscore', statistic: 7.1, threshold: 3, score: 0.95, fired: true }],
        baseline: { count: 128, mean: 40, std: 5, median: 39, mad: 3, q1: 36, q3: 43, ewma: 41 },
        labels: { service: components[0] ?? 'checkout', env: 'prod', ...f.labels },
        configId: 'cfg123456789',
      },
      correlationKey: components[0] ?? 'checkout',
      summaryText: `${anomalySeries} up`,
      similar: [
        {
          id: 'past-7',
          similarity: 0.91,
          summary: 'pool exhausted',
          rootCause: 'leak',
          resolution: 'restart pool',
        },
      ],
      degraded: null,
      embeddingModel: 'all-MiniLM-L6-v2',
    },
  };
}
