import { describe, expect, it } from 'vitest';
import { createEventDecoder, createEventEncoder, loadSchemaCatalog } from '../../src/codec/index.js';
import type { ActionEvent } from '../../src/model/action-event.js';
import type { AnomalyEvent } from '../../src/model/anomaly-event.js';
import type { ContextEvent } from '../../src/model/context-event.js';
import type { HypothesisEvent } from '../../src/model/hypothesis-event.js';

const catalog = loadSchemaCatalog();
const encoder = createEventEncoder({ catalog });
const decoder = createEventDecoder({ catalog });

const anomaly: AnomalyEvent = {
  id: 'a1',
  series: 'checkout.latency_p99_ms{host=web-1}',
  timestampMs: 1_767_225_600_000,
  value: 812.5,
  direction: 'up',
  score: 0.93,
  severity: 'critical',
  detectors: [{ detector: 'robust_z', statistic: 9.1, threshold: 3.5, score: 0.87, fired: true }],
  baseline: { count: 128, mean: 500, std: 10, median: 498, mad: 7, q1: 492, q3: 505, ewma: 501 },
  labels: { service: 'checkout', host: 'web-1' },
  configId: 'abc123def456',
};
const similar = [
  {
    id: 'inc-7',
    similarity: 0.82,
    summary: 'checkout p99 spike',
    rootCause: 'db pool',
    resolution: 'raised pool size',
  },
];

describe('agent event schemas', () => {
  it('round-trips a context event, degraded or not', async () => {
    for (const event of [
      {
        id: 'a1',
        anomaly,
        correlationKey: 'checkout',
        summaryText: 'checkout latency up',
        similar,
        degraded: null,
        embeddingModel: 'all-MiniLM-L6-v2',
      },
      {
        id: 'a1',
        anomaly,
        correlationKey: 'checkout',
        summaryText: 'checkout latency up',
        similar: [],
        degraded: 'vector store timeout after 500 ms',
        embeddingModel: '',
      },
    ] satisfies ContextEvent[]) {
      expect(await decoder.decode(await encoder.encode('contexts', 'ContextEvent', event))).toEqual(event);
    }
  });

  it('round-trips a hypothesis event', async () => {
    const event: HypothesisEvent = {
      id: 'inc-1#2',
      incident: {
        id: 'inc-1',
        correlationKey: 'checkout',
        openedAtMs: 1,
        lastAnomalyAtMs: 2,
        anomalyIds: ['a1', 'a2'],
        series: ['s1', 's2'],
        components: ['checkout', 'db'],
        severity: 'high',
      },
      revision: 2,
      hypotheses: [
        {
          cause: 'db pool exhausted',
          component: 'db',
          confidence: 0.7,
          evidence: ['e1'],
          steps: ['check pool'],
          ruleId: 'db-pool',
        },
        { cause: 'unknown', component: null, confidence: 0.1, evidence: [], steps: [], ruleId: null },
      ],
      rankedComponents: [{ component: 'db', score: 0.9, onsetMs: 1, deviation: 8.2, upstreamDepth: null }],
      engine: 'rules',
      fallbackReason: 'llm breaker open',
      similar,
      trigger: {
        id: 'a1',
        anomaly,
        correlationKey: 'checkout',
        summaryText: 'x',
        similar,
        degraded: null,
        embeddingModel: 'm',
      },
    };
    expect(await decoder.decode(await encoder.encode('hypotheses', 'HypothesisEvent', event))).toEqual(event);
  });

  it('round-trips an action event', async () => {
    const event: ActionEvent = {
      id: 'inc-1:alert:slack:1',
      incidentId: 'inc-1',
      kind: 'alert',
      target: 'slack',
      status: 'ok',
      detail: 'HTTP 200',
      attempts: 1,
      atMs: 5,
      runbook: null,
      step: null,
    };
    expect(await decoder.decode(await encoder.encode('actions', 'ActionEvent', event))).toEqual(event);
  });
});
