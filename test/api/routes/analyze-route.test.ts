import { afterEach, describe, expect, it } from 'vitest';
import { anomalyId } from '../../../src/agents/detect/anomaly-event-builder.js';
import { detectorConfigId } from '../../../src/config/detector-settings.js';
import { DEFAULT_DETECTOR_CONFIG } from '../../../src/streams/index.js';
import { type ApiFixture, apiFixture, NOW_MS } from '../support/api-fixture.js';

let fixture: ApiFixture;
afterEach(async () => {
  await fixture?.close();
});

/** 80 points of a ±1 sawtooth around 100, with a spike to 160 at index 60. */
const SPIKE_AT = 60;
const points = Array.from({ length: 80 }, (_, i) => ({
  timestampMs: NOW_MS + i * 60_000,
  value: i === SPIKE_AT ? 160 : 100 + ((i % 5) - 2) * 0.5,
}));

const analyze = (f: ApiFixture, payload: Record<string, unknown>) =>
  f.app.inject({ method: 'POST', url: '/api/v1/analyze', payload });

describe('POST /api/v1/analyze', () => {
  it('scores every point and returns the anomalies the detect stage would publish, with its ids', async () => {
    fixture = await apiFixture();
    const response = await analyze(fixture, {
      series: 'orders.latency',
      labels: { service: 'orders' },
      points,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    fixture.schemaOf('POST /api/v1/analyze', 200).parse(body);
    const configId = detectorConfigId(DEFAULT_DETECTOR_CONFIG);
    expect(body.configId).toBe(configId);
    expect(body.points).toHaveLength(80);
    expect(body.points.slice(0, 30).every((p: { warm: boolean }) => !p.warm)).toBe(true);
    expect(
      body.points
        .filter((p: { anomalous: boolean }) => p.anomalous)
        .map((p: { timestampMs: number }) => p.timestampMs),
    ).toEqual([points[SPIKE_AT]!.timestampMs]);
    expect(body.anomalies).toHaveLength(1);
    expect(body.anomalies[0]).toMatchObject({
      id: anomalyId(configId, 'orders.latency', points[SPIKE_AT]!.timestampMs),
      series: 'orders.latency',
      value: 160,
      direction: 'up',
      labels: { service: 'orders' },
      configId,
    });
    expect(body.anomalies[0].score).toBe(body.points[SPIKE_AT].score);
  });

  it('uses detector overrides key by key, and they change the config id', async () => {
    fixture = await apiFixture();
    const response = await analyze(fixture, {
      series: 'orders.latency',
      points,
      detectors: { warmupPoints: 70, novelty: { enabled: false } },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.anomalies).toEqual([]);
    expect(body.points[69].warm).toBe(false);
    expect(body.detectors).toMatchObject({ warmupPoints: 70, window: DEFAULT_DETECTOR_CONFIG.window });
    expect(body.detectors.novelty.enabled).toBe(false);
    expect(body.detectors.novelty.threshold).toBe(DEFAULT_DETECTOR_CONFIG.novelty.threshold);
    expect(body.configId).not.toBe(detectorConfigId(DEFAULT_DETECTOR_CONFIG));
  });

  it.each([
    { payload: { series: 'a', points: [{ timestampMs: NOW_MS, value: 'x' }] }, field: 'points[0].value' },
    { payload: { series: 'a', points: [{ timestampMs: 1.5, value: 1 }] }, field: 'points[0].timestampMs' },
    { payload: { series: '', points }, field: 'series' },
    { payload: { series: 'a', points, extra: 1 }, field: 'body' },
    {
      payload: { series: 'a', points, detectors: { window: { kind: 'count', size: 0 } } },
      field: 'detectors.window.size',
    },
    {
      payload: { series: 'a', points, detectors: { zscore: { threshold: 'high' } } },
      field: 'detectors.zscore.threshold',
    },
    { payload: { series: 'a', points, detectors: { bogus: true } }, field: 'detectors' },
    {
      payload: {
        series: 'a',
        points,
        detectors: {
          zscore: { enabled: false },
          robustZ: { enabled: false },
          iqr: { enabled: false },
          ewma: { enabled: false },
        },
      },
      field: 'detectors',
    },
  ])('answers 400 naming $field', async ({ payload, field }) => {
    fixture = await apiFixture();
    const response = await analyze(fixture, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'VIGIL_ERR_API_INVALID_REQUEST', field });
    expect(response.json().message.startsWith(`${field}: `)).toBe(true);
  });
});
