import { describe, expect, it } from 'vitest';
import {
  DEFAULT_METRIC_LIMITS,
  METRIC_ERROR_CODES,
  type MetricErrorClass,
  resolveMetricLimits,
  validateMetricPoint,
} from '../../src/codec/index.js';
import { ConfigError } from '../../src/errors.js';

const T = 1_700_000_000_000;
const base = { series: 'cpu', timestampMs: T, value: 1 };

describe('validateMetricPoint', () => {
  it('returns a fresh plain point with labels defaulting to {}', () => {
    const input = { ...base, extra: 'ignored' };
    const result = validateMetricPoint(input);
    expect(result).toEqual({ ok: true, point: { series: 'cpu', timestampMs: T, value: 1, labels: {} } });
    expect(result.ok && result.point).not.toBe(input);
  });

  it.each<[string, unknown, MetricErrorClass, string]>([
    ['not an object', 'cpu', 'wrong-type', 'expected an object'],
    ['array', [], 'wrong-type', 'expected an object'],
    ['no series', { timestampMs: T, value: 1 }, 'missing-field', '"series"'],
    ['null series', { ...base, series: null }, 'missing-field', '"series"'],
    ['empty series', { ...base, series: '' }, 'missing-field', '"series"'],
    ['numeric series', { ...base, series: 42 }, 'wrong-type', '"series"'],
    ['long series', { ...base, series: 'x'.repeat(513) }, 'series-too-long', '"series"'],
    ['no timestamp', { series: 'cpu', value: 1 }, 'missing-field', '"timestampMs"'],
    ['fractional timestampMs', { ...base, timestampMs: T + 0.5 }, 'wrong-type', '"timestampMs"'],
    ['string timestampMs', { ...base, timestampMs: String(T) }, 'wrong-type', '"timestampMs"'],
    [
      'bad ISO timestamp',
      { series: 'cpu', value: 1, timestamp: '2024-13-01T00:00:00Z' },
      'wrong-type',
      '"timestamp"',
    ],
    [
      'ISO without offset',
      { series: 'cpu', value: 1, timestamp: '2024-01-01T00:00:00' },
      'wrong-type',
      '"timestamp"',
    ],
    ['Feb 30', { series: 'cpu', value: 1, timestamp: '2023-02-30T00:00:00Z' }, 'wrong-type', '"timestamp"'],
    ['boolean timestamp', { series: 'cpu', value: 1, timestamp: true }, 'wrong-type', '"timestamp"'],
    ['seconds', { ...base, timestampMs: T / 1000 }, 'timestamp-out-of-range', 'epoch seconds'],
    ['microseconds', { ...base, timestampMs: T * 1000 }, 'timestamp-out-of-range', 'microseconds'],
    ['1999', { ...base, timestampMs: Date.UTC(1999, 11, 31) }, 'timestamp-out-of-range', '"timestampMs"'],
    [
      '2100 exactly',
      { ...base, timestampMs: Date.UTC(2100, 0, 1) },
      'timestamp-out-of-range',
      '"timestampMs"',
    ],
    ['no value', { series: 'cpu', timestampMs: T }, 'missing-field', '"value"'],
    ['null value', { ...base, value: null }, 'missing-field', '"value"'],
    ['string value', { ...base, value: '1.5' }, 'wrong-type', '"value"'],
    ['boolean value', { ...base, value: true }, 'wrong-type', '"value"'],
    ['NaN', { ...base, value: Number.NaN }, 'non-finite-value', '"value"'],
    ['Infinity', { ...base, value: Number.POSITIVE_INFINITY }, 'non-finite-value', '"value"'],
    ['-Infinity', { ...base, value: Number.NEGATIVE_INFINITY }, 'non-finite-value', '"value"'],
    ['"NaN" string', { ...base, value: 'NaN' }, 'non-finite-value', '"value"'],
    ['"-Infinity" string', { ...base, value: '-Infinity' }, 'non-finite-value', '"value"'],
    ['labels array', { ...base, labels: ['a'] }, 'wrong-type', '"labels"'],
    ['labels string', { ...base, labels: 'a=b' }, 'wrong-type', '"labels"'],
    ['numeric label value', { ...base, labels: { port: 80 } }, 'wrong-type', '"labels.port"'],
    [
      '33 labels',
      { ...base, labels: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) },
      'labels-too-large',
      '33 labels',
    ],
    ['long label key', { ...base, labels: { ['k'.repeat(129)]: 'v' } }, 'labels-too-large', 'key'],
    [
      'long label value',
      { ...base, labels: { host: 'v'.repeat(1025) } },
      'labels-too-large',
      '"labels.host"',
    ],
    [
      'label bytes',
      {
        ...base,
        labels: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'é'.repeat(500)])),
      },
      'labels-too-large',
      'bytes',
    ],
  ])('%s → %s', (_name, input, errorClass, mentions) => {
    const result = validateMetricPoint(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.errorClass).toBe(errorClass);
    expect(result.error.code).toBe(METRIC_ERROR_CODES[errorClass]);
    expect(result.error.message).toContain(mentions);
  });

  it.each([
    ['2023-11-14T22:13:20Z', T],
    ['2023-11-14T22:13:20.5Z', T + 500],
    ['2023-11-14T22:13:20.123456789Z', T + 123],
    ['2023-11-14T23:13:20+01:00', T],
    ['2023-11-14T21:13:20-0100', T],
    ['2023-11-14 22:13Z', T - 20_000],
  ])('accepts the timestamp alias %s', (timestamp, expected) => {
    const result = validateMetricPoint({ series: 'cpu', value: 1, timestamp });
    expect(result.ok && result.point.timestampMs).toBe(expected);
  });

  it('accepts epoch ms under the timestamp alias, and timestampMs wins over it', () => {
    expect(validateMetricPoint({ series: 'cpu', value: 1, timestamp: T })).toMatchObject({ ok: true });
    const both = validateMetricPoint({ ...base, timestamp: '2001-01-01T00:00:00Z' });
    expect(both.ok && both.point.timestampMs).toBe(T);
  });

  it('keeps values at the limits', () => {
    const atLimits = {
      series: 'x'.repeat(512),
      timestampMs: DEFAULT_METRIC_LIMITS.minTimestampMs,
      value: -Number.MAX_VALUE,
      labels: Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${i}`, 'v'])),
    };
    expect(validateMetricPoint(atLimits).ok).toBe(true);
  });

  it('honours custom limits and validates them', () => {
    const limits = resolveMetricLimits({ maxLabels: 1 });
    expect(validateMetricPoint({ ...base, labels: { a: '1', b: '2' } }, limits)).toMatchObject({
      ok: false,
      error: { errorClass: 'labels-too-large' },
    });
    expect(() => resolveMetricLimits({ maxLabels: 0 })).toThrow(ConfigError);
    expect(() => resolveMetricLimits({ minTimestampMs: 10, maxTimestampMs: 5 })).toThrow(/minTimestampMs/);
  });
});
