import { afterEach, describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../src/consumers/partitioner.js';
import { DEFAULT_DETECTOR_CONFIG } from '../../../src/streams/index.js';
import { type ApiFixture, apiFixture, NOW_MS } from '../support/api-fixture.js';

let fixture: ApiFixture;
afterEach(async () => {
  await fixture?.close();
});

const MINUTE = 60_000;
const START = NOW_MS - 3 * 3_600_000;

/** `count` points of `series` a minute apart from START: 100 ± 1, with a spike to 150 at index 50. */
const series = (name: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    series: name,
    timestampMs: START + i * MINUTE,
    value: i === 50 ? 150 : 100 + (i % 3) - 1,
  }));

async function ingest(f: ApiFixture, points: ReadonlyArray<Record<string, unknown>>) {
  const response = await f.app.inject({ method: 'POST', url: '/api/v1/metrics', payload: { points } });
  expect(response.statusCode).toBe(202);
}

const read = (f: ApiFixture, query: string) =>
  f.app.inject({ method: 'GET', url: `/api/v1/series/points?${query}` });

describe('GET /api/v1/series/points', () => {
  it('reads one series back from its partition, in range, with the detectors’ baseline band', async () => {
    fixture = await apiFixture();
    // another series on the same partition must not leak into the answer
    const neighbour = Array.from({ length: 200 }, (_, i) => `other.${i}`).find(
      (name) => partitionForKey(name, 3) === partitionForKey('orders.latency', 3),
    )!;
    await ingest(fixture, series('orders.latency', 120));
    await ingest(fixture, series(neighbour, 30));
    const from = START + 10 * MINUTE;
    const to = START + 100 * MINUTE;
    const response = await read(
      fixture,
      `series=orders.latency&from=${from}&to=${new Date(to).toISOString()}`,
    );
    expect(response.statusCode).toBe(200);
    const body = response.json();
    fixture.schemaOf('GET /api/v1/series/points', 200).parse(body);
    expect(body).toMatchObject({ series: 'orders.latency', fromMs: from, toMs: to, truncated: null });
    expect(body.points.map((p: { timestampMs: number }) => p.timestampMs)).toEqual(
      Array.from({ length: 90 }, (_, i) => from + i * MINUTE),
    );
    expect(body.recordsScanned).toBeGreaterThanOrEqual(90);
    expect(body.band).toEqual({
      k: DEFAULT_DETECTOR_CONFIG.robustZ.threshold,
      window: DEFAULT_DETECTOR_CONFIG.window,
      warmupPoints: DEFAULT_DETECTOR_CONFIG.warmupPoints,
    });
    const warmup = DEFAULT_DETECTOR_CONFIG.warmupPoints;
    expect(body.points.slice(0, warmup).every((p: { baseline: unknown }) => p.baseline === null)).toBe(true);
    const spike = body.points.find((p: { value: number }) => p.value === 150);
    expect(spike.baseline.median).toBe(100);
    expect(spike.value).toBeGreaterThan(spike.baseline.upper);
    const calm = body.points[warmup + 5];
    expect(calm.value).toBeGreaterThanOrEqual(calm.baseline.lower);
    expect(calm.value).toBeLessThanOrEqual(calm.baseline.upper);
  });

  it('defaults to the hour before now, takes k, and says when the point cap truncated the answer', async () => {
    fixture = await apiFixture({
      settings: { seriesRead: { maxRangeMs: 86_400_000, maxRecordsScanned: 1000, maxPoints: 10 } },
    });
    await ingest(fixture, series('orders.latency', 180));
    const response = await read(fixture, 'series=orders.latency&k=2');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ fromMs: NOW_MS - 3_600_000, toMs: NOW_MS, band: { k: 2 } });
    expect(body.points).toHaveLength(10);
    expect(body.points.at(-1).timestampMs).toBe(START + 179 * MINUTE);
    expect(body.truncated).toBe(
      '60 points in the range; only the latest 10 are returned (api.seriesRead.maxPoints)',
    );
  });

  it('reads only the latest records when the range holds more than the scan cap, and says so', async () => {
    fixture = await apiFixture({
      settings: { seriesRead: { maxRangeMs: 86_400_000, maxRecordsScanned: 40, maxPoints: 1000 } },
    });
    await ingest(fixture, series('orders.latency', 100));
    const response = await read(fixture, `series=orders.latency&from=${START}&to=${START + 100 * MINUTE}`);
    const body = response.json();
    expect(body.recordsScanned).toBe(40);
    expect(body.points.map((p: { timestampMs: number }) => p.timestampMs)[0]).toBe(START + 60 * MINUTE);
    expect(body.truncated).toMatch(
      /holds 100 records .* only the latest 40 were read \(api.seriesRead.maxRecordsScanned\)/,
    );
  });

  it.each([
    ['from=0&to=100', 'query.series'],
    ['series=a&from=2026-03-01T00:00:00Z&to=2026-03-03T00:00:00Z', 'query.from'],
    ['series=a&from=2026-03-01T12:00:00Z&to=2026-03-01T12:00:00Z', 'query.to'],
    ['series=a&k=0', 'query.k'],
  ])('answers 400 for %s naming %s', async (query, field) => {
    fixture = await apiFixture();
    const response = await read(fixture, query);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field });
  });

  it('answers an empty list for a series with no points', async () => {
    fixture = await apiFixture();
    const response = await read(fixture, 'series=nothing.here');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ points: [], recordsScanned: 0, truncated: null });
  });
});
