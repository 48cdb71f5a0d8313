import type { ActionEvent } from '../../../src/model/action-event.js';
import type { AnomalyEvent, Severity } from '../../../src/model/anomaly-event.js';
import type { SimilarIncident } from '../../../src/model/context-event.js';
import type { HypothesisEvent } from '../../../src/model/hypothesis-event.js';
import type { MetricPoint } from '../../../src/model/metric-point.js';

/** Spacing of the seeded metric points. */
export const STEP_MS = 15_000;

/** One series of the incident: its normal level and the value of its spike. */
interface SeriesSpec {
  readonly series: string;
  readonly component: string;
  readonly level: number;
  readonly wiggle: number;
  readonly spike: number;
  /** When the spike (and the anomaly) happens, after the incident's start. */
  readonly offsetMs: number;
}

const SERIES: readonly SeriesSpec[] = [
  { series: 'orders.latency_p99', component: 'orders', level: 120, wiggle: 30, spike: 700, offsetMs: 0 },
  {
    series: 'orders.error_rate',
    component: 'orders',
    level: 0.4,
    wiggle: 0.12,
    spike: 4,
    offsetMs: 60_000,
  },
  {
    series: 'orders-db.connections',
    component: 'orders-db',
    level: 40,
    wiggle: 6,
    spike: 140,
    offsetMs: 120_000,
  },
];

const PAST_INCIDENTS: readonly SimilarIncident[] = [
  {
    id: 'past-2025-11-04',
    similarity: 0.93,
    summary: 'orders p99 latency and DB connections at max',
    rootCause: 'connection pool exhausted by a slow migration',
    resolution: 'raised pool size, killed the migration',
  },
  {
    id: 'past-2025-08-19',
    similarity: 0.81,
    summary: 'orders error rate up after deploy',
    rootCause: 'bad deploy of orders',
    resolution: 'rolled back',
  },
];

/** A seeded incident: its hypothesis revisions, its actions and the metric points of its series. */
export interface SeededIncident {
  readonly id: string;
  readonly series: readonly string[];
  readonly events: readonly HypothesisEvent[];
  readonly actions: readonly ActionEvent[];
  readonly points: readonly MetricPoint[];
}

/** A deterministic wiggle in [-1, 1]. */
const wave = (i: number) => Math.sin(i * 0.7) * 0.6 + Math.sin(i * 2.3) * 0.4;

function anomalyOf(spec: SeriesSpec, atMs: number, severity: Severity, incidentId: string): AnomalyEvent {
  return {
    id: `an-${incidentId}-${spec.series}`,
    series: spec.series,
    timestampMs: atMs,
    value: spec.spike,
    direction: 'up',
    score: 0.95,
    severity,
    detectors: [{ detector: 'robust_z', statistic: 9.2, threshold: 3.5, score: 0.97, fired: true }],
    baseline: {
      count: 128,
      mean: spec.level,
      std: spec.wiggle,
      median: spec.level,
      mad: spec.wiggle / 2,
      q1: spec.level - spec.wiggle,
      q3: spec.level + spec.wiggle,
      ewma: spec.level,
    },
    labels: { service: spec.component, env: 'prod' },
    configId: 'cfg-ui-e2e',
  };
}

/**
 * The orders incident of the demo: p99 latency, then the error rate, then the database connections spike
 * one minute apart from `startMs`. Three hypothesis revisions (one per anomaly, each with similar past
 * incidents), three actions, and the points of the three series every {@link STEP_MS} from 40 minutes
 * before `startMs` to 12 minutes after it, each series spiking at its anomaly.
 */
export function ordersIncident(incidentId: string, startMs: number): SeededIncident {
  const severity: Severity = 'critical';
  const anomalies = SERIES.map((spec) => anomalyOf(spec, startMs + spec.offsetMs, severity, incidentId));
  const events = SERIES.map((_spec, i): HypothesisEvent => {
    const revision = i + 1;
    const seen = SERIES.slice(0, revision);
    const anomaly = anomalies[i]!;
    const similar = PAST_INCIDENTS.slice(0, i === 1 ? 2 : 1);
    const components = [...new Set(seen.map((s) => s.component))];
    return {
      id: `${incidentId}:${revision}`,
      incident: {
        id: incidentId,
        correlationKey: 'orders',
        openedAtMs: startMs,
        lastAnomalyAtMs: anomaly.timestampMs,
        anomalyIds: anomalies.slice(0, revision).map((a) => a.id),
        series: seen.map((s) => s.series),
        components,
        severity,
      },
      revision,
      hypotheses: [
        {
          cause: revision < 3 ? 'orders latency regression' : 'database connection pool exhausted',
          component: revision < 3 ? 'orders' : 'orders-db',
          confidence: revision < 3 ? 0.55 : 0.86,
          evidence: [
            `${anomaly.series} spiked to ${anomaly.value}`,
            `similar to ${similar[0]!.id} (${similar[0]!.rootCause})`,
          ],
          steps: ['check the pool size of orders-db', 'look for long-running transactions'],
          ruleId: 'db-pool-exhaustion',
        },
        {
          cause: 'bad deploy of orders',
          component: 'orders',
          confidence: 0.31,
          evidence: ['error rate up'],
          steps: ['compare with the last deploy'],
          ruleId: 'recent-deploy',
        },
      ],
      rankedComponents: components.map((component, rank) => ({
        component,
        score: 1 - rank * 0.2,
        onsetMs: startMs,
        deviation: 9.2,
        upstreamDepth: rank,
      })),
      engine: 'rules',
      fallbackReason: null,
      similar,
      trigger: {
        id: anomaly.id,
        anomaly,
        correlationKey: 'orders',
        summaryText: `${anomaly.series} up`,
        similar,
        degraded: null,
        embeddingModel: 'fake-hash',
      },
    };
  });
  const action = (n: number, over: Partial<ActionEvent>): ActionEvent => ({
    id: `${incidentId}-action-${n}`,
    incidentId,
    kind: 'alert',
    target: 'slack',
    status: 'skipped',
    detail: 'not sent: no slack destination configured',
    attempts: 0,
    atMs: startMs + 125_000 + n * 1000,
    runbook: null,
    step: null,
    ...over,
  });
  const actions = [
    action(1, {}),
    action(2, {
      kind: 'runbook-plan',
      target: 'orders-db',
      status: 'ok',
      detail: 'plan: raise pool size, recycle connections',
      attempts: 1,
      runbook: 'db-pool-recycle',
    }),
    action(3, {
      kind: 'runbook-dry-run',
      target: 'orders-db',
      status: 'ok',
      detail: 'dry-run: would set max_connections 140 → 300',
      attempts: 1,
      runbook: 'db-pool-recycle',
      step: 'raise-pool-size',
    }),
  ];
  const points: MetricPoint[] = [];
  for (let t = startMs - 40 * 60_000, i = 0; t <= startMs + 12 * 60_000; t += STEP_MS, i += 1) {
    for (const spec of SERIES) {
      const spiking = t === startMs + spec.offsetMs;
      points.push({
        series: spec.series,
        timestampMs: t,
        value: spiking ? spec.spike : spec.level + spec.wiggle * wave(i + spec.offsetMs / STEP_MS),
        labels: { service: spec.component },
      });
    }
  }
  return { id: incidentId, series: SERIES.map((s) => s.series), events, actions, points };
}

/** A one-revision incident on another service, for the live list. */
export function paymentsIncident(incidentId: string, atMs: number): HypothesisEvent {
  const spec: SeriesSpec = {
    series: 'payments.queue_depth',
    component: 'payments',
    level: 12,
    wiggle: 2,
    spike: 480,
    offsetMs: 0,
  };
  const anomaly = anomalyOf(spec, atMs, 'high', incidentId);
  return {
    id: `${incidentId}:1`,
    incident: {
      id: incidentId,
      correlationKey: 'payments',
      openedAtMs: atMs,
      lastAnomalyAtMs: atMs,
      anomalyIds: [anomaly.id],
      series: [spec.series],
      components: ['payments'],
      severity: 'high',
    },
    revision: 1,
    hypotheses: [
      {
        cause: 'payments consumer stalled',
        component: 'payments',
        confidence: 0.64,
        evidence: ['queue depth 40× its median'],
        steps: ['check the consumer group lag'],
        ruleId: 'queue-backlog',
      },
    ],
    rankedComponents: [{ component: 'payments', score: 1, onsetMs: atMs, deviation: 9, upstreamDepth: 0 }],
    engine: 'rules',
    fallbackReason: null,
    similar: [],
    trigger: {
      id: anomaly.id,
      anomaly,
      correlationKey: 'payments',
      summaryText: 'payments.queue_depth up',
      similar: [],
      degraded: null,
      embeddingModel: 'fake-hash',
    },
  };
}
