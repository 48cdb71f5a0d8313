import { describe, expect, it } from 'vitest';
import type { IncidentTimeline } from '../../src/storage/incident-store.js';
import { FEEDBACK_VERDICTS } from '../../src/storage/incident-store.js';
import {
  chartedSeries,
  degradedReasons,
  feedbackRequest,
  feedbackResultMessage,
  latestHypotheses,
  rankSimilar,
  type Timeline,
  VERDICTS,
} from '../../src/ui/static/lib/timeline-view.js';
import { ordersIncident } from './support/orders-incident.js';

const similar = (id: string, similarity: number) => ({
  id,
  similarity,
  summary: `summary ${id}`,
  rootCause: `cause ${id}`,
  resolution: `fix ${id}`,
});

const anomaly = (series: string) => ({
  id: `an-${series}`,
  series,
  timestampMs: 1,
  value: 2,
  direction: 'up',
  score: 0.9,
  severity: 'high',
});

const revision = (n: number, cause: string) => ({
  revision: n,
  engine: 'rules',
  fallbackReason: null,
  atMs: n,
  hypotheses: [{ cause, component: null, confidence: 0.5, evidence: [], steps: [], ruleId: null }],
});

function timeline(over: Partial<Timeline> = {}): Timeline {
  return {
    incident: { id: 'inc-1', series: ['b', 'a'], topCause: 'pool' },
    anomalies: [],
    contexts: [],
    hypotheses: [],
    ...over,
  };
}

describe('timeline view', () => {
  it('reads a timeline as the store returns it', () => {
    const event = ordersIncident('inc-9', Date.UTC(2026, 2, 1)).events[2]!;
    const stored: IncidentTimeline = {
      incident: {
        ...event.incident,
        status: 'open',
        revision: 3,
        topCause: event.hypotheses[0]!.cause,
        topConfidence: event.hypotheses[0]!.confidence,
      },
      anomalies: [{ ...event.trigger.anomaly, incidentId: 'inc-9' }],
      contexts: [
        {
          id: event.trigger.id,
          anomalyId: event.trigger.id,
          atMs: 1,
          similar: event.similar,
          degraded: null,
        },
      ],
      hypotheses: [
        {
          id: event.id,
          revision: 3,
          engine: 'rules',
          fallbackReason: null,
          hypotheses: event.hypotheses,
          rankedComponents: event.rankedComponents,
          atMs: 1,
        },
      ],
      actions: [],
    };
    expect(chartedSeries(stored)).toEqual([
      'orders.latency_p99',
      'orders.error_rate',
      'orders-db.connections',
    ]);
    expect(rankSimilar(stored).map((s) => s.id)).toEqual(['past-2025-11-04']);
    expect(latestHypotheses(stored)?.hypotheses[0]?.cause).toBe('database connection pool exhausted');
  });

  it('charts the incident series in order, then series named only by anomalies', () => {
    expect(chartedSeries(timeline({ anomalies: [anomaly('a'), anomaly('c'), anomaly('c')] }))).toEqual([
      'b',
      'a',
      'c',
    ]);
  });

  it('ranks similar incidents once each, by best similarity, counting matches', () => {
    const ranked = rankSimilar(
      timeline({
        contexts: [
          { anomalyId: '1', degraded: null, similar: [similar('p1', 0.7), similar('p2', 0.9)] },
          { anomalyId: '2', degraded: null, similar: [similar('p1', 0.95), similar('p3', 0.9)] },
          { anomalyId: '3', degraded: 'vector store down', similar: [] },
        ],
      }),
    );
    expect(ranked.map((s) => [s.id, s.similarity, s.matches])).toEqual([
      ['p1', 0.95, 2],
      ['p2', 0.9, 1],
      ['p3', 0.9, 1],
    ]);
  });

  it('lists distinct degraded reasons', () => {
    const ctx = (degraded: string | null) => ({ anomalyId: 'x', degraded, similar: [] });
    expect(
      degradedReasons(timeline({ contexts: [ctx(null), ctx('a'), ctx('a'), ctx(''), ctx('b')] })),
    ).toEqual(['a', 'b']);
  });

  it('picks the newest hypothesis revision', () => {
    expect(latestHypotheses(timeline())).toBeNull();
    const latest = latestHypotheses(
      timeline({ hypotheses: [revision(1, 'x'), revision(3, 'z'), revision(2, 'y')] }),
    );
    expect(latest?.revision).toBe(3);
  });
});

describe('feedback', () => {
  it('offers the verdicts the store records', () => {
    expect(VERDICTS).toEqual(FEEDBACK_VERDICTS);
  });

  it.each([
    ['false-positive', {}, { body: { verdict: 'false-positive' } }],
    [
      'false-positive',
      { note: ' deploy noise ' },
      { body: { verdict: 'false-positive', note: 'deploy noise' } },
    ],
    ['confirmed', {}, { body: { verdict: 'confirmed', rootCause: 'pool' } }],
    ['confirmed', { rootCause: 'leak' }, { body: { verdict: 'confirmed', rootCause: 'leak' } }],
    ['corrected', { rootCause: ' bad deploy ' }, { body: { verdict: 'corrected', rootCause: 'bad deploy' } }],
    ['corrected', { rootCause: '  ' }, { error: 'Enter the actual root cause to correct it.' }],
    ['maybe', {}, { error: 'unknown verdict "maybe"' }],
  ])('%s with %j → %j', (verdict, input, expected) => {
    expect(feedbackRequest(verdict, input, 'pool')).toEqual(expected);
  });

  it('confirms without a root cause when there is no top cause', () => {
    expect(feedbackRequest('confirmed', {}, null)).toEqual({ body: { verdict: 'confirmed' } });
  });

  it.each([
    [
      { memoryOutcome: 'marked false positive' },
      'Feedback recorded: false positive (incident memory: marked false positive).',
    ],
    [
      { feedback: { memoryOutcome: 'forgotten' } },
      'Feedback recorded: false positive (incident memory: forgotten).',
    ],
    [{ id: '1' }, 'Feedback recorded: false positive.'],
    [null, 'Feedback recorded: false positive.'],
  ])('result message for %j', (answer, text) => {
    expect(feedbackResultMessage('false-positive', answer)).toBe(text);
  });
});
