import { afterEach, describe, expect, it } from 'vitest';
import { createMetricDecoder, loadSchemaCatalog } from '../../../src/codec/index.js';
import type { LogRecord } from '../../../src/consumers/log-port.js';
import { partitionForKey } from '../../../src/consumers/partitioner.js';
import { captureSpans, parseTraceparent, traceparent } from '../../support/span-capture.js';
import { type ApiFixture, apiFixture, METRICS_TOPIC, NOW_MS } from '../support/api-fixture.js';

let fixture: ApiFixture;
afterEach(async () => {
  await fixture?.close();
});

const point = (series: string, i: number, value: unknown = i) => ({
  series,
  timestampMs: NOW_MS + i * 1000,
  value,
  labels: { service: series.split('.')[0]! },
});

async function topicRecords(f: ApiFixture): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  const ranges = await f.backend.admin().offsetRange(METRICS_TOPIC);
  await f.backend.readRanges({
    topic: METRICS_TOPIC,
    ranges: new Map([...ranges].map(([p, r]) => [p, { from: r.start, to: r.end }])),
    onRecords: (batch) => void records.push(...batch),
  });
  return records;
}

const post = (f: ApiFixture, payload: unknown) =>
  f.app.inject({ method: 'POST', url: '/api/v1/metrics', payload: payload as Record<string, unknown> });

describe('POST /api/v1/metrics', () => {
  it('writes every point to the metrics topic, keyed by series, at its event time, decodable by the stage', async () => {
    fixture = await apiFixture();
    const points = [
      ...Array.from({ length: 3 }, (_, i) => point('orders.latency', i)),
      ...Array.from({ length: 2 }, (_, i) => point('payments.errors', i, 0.5)),
    ];
    const response = await post(fixture, {
      points: [...points, { series: 'cart.size', timestamp: '2026-03-01T12:00:05Z', value: 7 }],
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ accepted: 6 });
    fixture.schemaOf('POST /api/v1/metrics', 202).parse(response.json());

    const records = await topicRecords(fixture);
    expect(records).toHaveLength(6);
    const decoder = createMetricDecoder({ catalog: loadSchemaCatalog() });
    for (const record of records) {
      const decoded = await decoder.decode(record.value);
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) continue;
      expect(decoded.encoding).toBe('single-object');
      expect(record.key?.toString()).toBe(decoded.point.series);
      expect(record.timestampMs).toBe(decoded.point.timestampMs);
      expect(record.partition).toBe(partitionForKey(decoded.point.series, 3));
    }
    const decoded = await Promise.all(records.map((r) => decoder.decode(r.value)));
    const cart = decoded.find((d) => d.ok && d.point.series === 'cart.size');
    expect(cart).toMatchObject({ ok: true, point: { timestampMs: NOW_MS + 5000, value: 7, labels: {} } });
  });

  it.each([
    {
      name: 'a string value',
      points: [point('a.b', 0), point('a.b', 1), point('a.b', 2), point('a.b', 3, 'high')],
      field: 'points[3].value',
      message: /expected number/,
    },
    {
      name: 'no series',
      points: [{ timestampMs: NOW_MS, value: 1 }],
      field: 'points[0].series',
      message: /series/,
    },
    {
      name: 'epoch seconds',
      points: [point('a.b', 0), { series: 'a.b', timestampMs: 1_772_366_400, value: 1 }],
      field: 'points[1].timestampMs',
      message: /looks like epoch seconds/,
    },
    {
      name: 'no time at all',
      points: [{ series: 'a.b', value: 1 }],
      field: 'points[0].timestampMs',
      message: /timestampMs" is missing/,
    },
    {
      name: 'a label that is not a string',
      points: [{ series: 'a.b', timestampMs: NOW_MS, value: 1, labels: { host: 7 } }],
      field: 'points[0].labels.host',
      message: /expected string/,
    },
    {
      name: 'a bad ISO time',
      points: [{ series: 'a.b', timestamp: '2026-02-30T00:00:00Z', value: 1 }],
      field: 'points[0].timestamp',
      message: /ISO-8601/,
    },
    { name: 'no points', points: [], field: 'points', message: /at least one point/ },
  ])('answers 400 naming the field for $name, and writes nothing', async ({ points, field, message }) => {
    fixture = await apiFixture();
    const response = await post(fixture, { points });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body).toMatchObject({ error: 'VIGIL_ERR_API_INVALID_REQUEST', field });
    expect(body.message).toMatch(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: `));
    expect(body.message).toMatch(message);
    fixture.schemaOf('POST /api/v1/metrics', 400).parse(body);
    expect(await topicRecords(fixture)).toEqual([]);
  });

  it('answers 400 on the body for malformed JSON, a missing body and too many points', async () => {
    fixture = await apiFixture({ settings: { maxPointsPerRequest: 2 } });
    const malformed = await fixture.app.inject({
      method: 'POST',
      url: '/api/v1/metrics',
      headers: { 'content-type': 'application/json' },
      payload: '{"points": [',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: 'VIGIL_ERR_API_INVALID_REQUEST', field: 'body' });
    const missing = await fixture.app.inject({ method: 'POST', url: '/api/v1/metrics' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ field: 'body' });
    const many = await post(fixture, { points: [0, 1, 2].map((i) => point('a.b', i)) });
    expect(many.statusCode).toBe(400);
    expect(many.json()).toMatchObject({
      field: 'points',
      message: expect.stringContaining('at most 2 points'),
    });
  });

  it('answers 413 naming the limit when the body is over api.bodyLimitBytes', async () => {
    fixture = await apiFixture({ settings: { bodyLimitBytes: 2048 } });
    const points = Array.from({ length: 40 }, (_, i) => point('orders.latency', i));
    expect(JSON.stringify({ points }).length).toBeGreaterThan(2048);
    const response = await post(fixture, { points });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      error: 'VIGIL_ERR_API_BODY_TOO_LARGE',
      message: expect.stringContaining('larger than 2048 bytes (api.bodyLimitBytes)'),
    });
    const small = await post(fixture, { points: points.slice(0, 5) });
    expect(small.statusCode).toBe(202);
  });

  it('answers 500 with only a request id when the sink fails unexpectedly', async () => {
    fixture = await apiFixture({
      metrics: {
        send: async () => {
          throw new Error('secret internals at /srv/broker:9092');
        },
      },
    });
    const response = await post(fixture, { points: [point('a.b', 0)] });
    expect(response.statusCode).toBe(500);
    const body = response.json();
    expect(body).toEqual({
      error: 'VIGIL_ERR_API_INTERNAL',
      message: `internal error; quote request id ${body.requestId} when reporting it`,
      requestId: response.headers['x-request-id'],
    });
    expect(response.body).not.toContain('secret');
    expect(response.body).not.toContain('at ');
  });
});

describe('POST /api/v1/metrics with tracing', () => {
  it('continues the caller trace: every record carries a traceparent of the ingest span, child of the caller', async () => {
    const capture = captureSpans();
    try {
      fixture = await apiFixture();
      const caller = traceparent('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7');
      const response = await fixture.app.inject({
        method: 'POST',
        url: '/api/v1/metrics',
        headers: { traceparent: caller },
        payload: { points: [point('orders.latency', 0), point('orders.latency', 1)] },
      });
      expect(response.statusCode).toBe(202);
      const [ingest] = capture.spans();
      expect(ingest?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
      const records = await topicRecords(fixture);
      expect(records).toHaveLength(2);
      for (const record of records) {
        const header = parseTraceparent(String(record.headers.traceparent));
        expect(header.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
        expect(header.spanId).toBe(ingest!.spanContext().spanId);
      }
    } finally {
      await capture.tracing.shutdown();
    }
  });

  it('writes no trace headers when tracing is off', async () => {
    fixture = await apiFixture();
    const response = await post(fixture, { points: [point('orders.latency', 0)] });
    expect(response.statusCode).toBe(202);
    const [record] = await topicRecords(fixture);
    expect(record?.headers.traceparent).toBeUndefined();
  });
});
