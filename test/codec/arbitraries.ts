import fc from 'fast-check';
import type { MetricPoint } from '../../src/model/metric-point.js';

/** Unicode text (any code point, no lone surrogates — they cannot survive UTF-8). */
const text = (minLength: number, maxLength: number) => fc.string({ unit: 'binary', minLength, maxLength });

/** Random metric points that satisfy DEFAULT_METRIC_LIMITS. */
export const validMetricPoint: fc.Arbitrary<MetricPoint> = fc.record({
  series: text(1, 80),
  timestampMs: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) - 1 }),
  // -0 has no JSON form distinct from 0.
  value: fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v)),
  labels: fc.dictionary(
    text(0, 24).filter((k) => k !== '__proto__'),
    text(0, 40),
    { maxKeys: 8, noNullPrototype: true },
  ),
});
