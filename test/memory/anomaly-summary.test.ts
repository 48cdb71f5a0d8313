import { describe, expect, it } from 'vitest';
import {
  metricOf,
  robustDeviation,
  serviceOf,
  signatureOfAnomaly,
  summarizeSignature,
} from '../../src/memory/anomaly-summary.js';
import { anomaly } from '../agents/memory/anomaly-fixtures.js';

describe('anomaly summary text', () => {
  it('names service, metric, direction, size, baseline and detectors, deterministically', () => {
    const event = anomaly({ value: 2400, median: 180, mad: 12, fired: ['robust_z', 'zscore', 'iqr'] });
    const text = summarizeSignature(signatureOfAnomaly(event));
    expect(text).toBe(
      'checkout latency p99 ms spike, extreme: 2400 vs baseline median 180 (13.3x), MAD 12, 125 MADs above; ' +
        'detectors iqr, robust_z, zscore; region=eu-west-1',
    );
    expect(summarizeSignature(signatureOfAnomaly({ ...event, labels: { ...event.labels } }))).toBe(text);
  });

  it('says drop and moderate/large by robust deviation, and skips high-cardinality labels', () => {
    const down = anomaly({ direction: 'down', value: 70, median: 100, mad: 5 });
    const text = summarizeSignature(signatureOfAnomaly(down));
    expect(text).toContain('drop, moderate');
    expect(text).toContain('below');
    expect(text).not.toContain('host=');
    expect(summarizeSignature(signatureOfAnomaly(anomaly({ value: 170, median: 100, mad: 5 })))).toContain(
      'spike, large',
    );
  });

  it('derives service and metric from labels, else from the series name', () => {
    expect(serviceOf({ series: 'x.y', labels: { app: 'shop' } })).toBe('shop');
    expect(serviceOf({ series: 'cart.queue_depth{host=a}', labels: {} })).toBe('cart');
    expect(metricOf({ series: 'cart.queue_depth{host=a}', labels: {} })).toBe('queue_depth');
  });

  it('floors the scale of a flat baseline so the deviation stays finite', () => {
    const flat = signatureOfAnomaly(anomaly({ value: 5, median: 0, mad: 0 }));
    expect(Number.isFinite(robustDeviation(flat))).toBe(true);
    expect(summarizeSignature(flat)).not.toMatch(/NaN|Infinity/);
  });
});
